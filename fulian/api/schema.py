"""OpenAPI post-processing: document the errors every endpoint can answer with."""

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {"type": "object", "description": "字段 → 错误信息列表，或 detail"}

ERRORS = {
    "400": ("输入无效", FIELD_ERRORS),
    "401": ("未登录或令牌无效", DETAIL),
    "403": ("无权执行此操作", DETAIL),
    "404": ("不存在，或不在您的范围内", DETAIL),
    "429": ("账号已锁定", DETAIL),
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, (description, schema) in ERRORS.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result


from drf_spectacular.extensions import OpenApiAuthenticationExtension  # noqa: E402


class TokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <key>`` (knox tokens, see api.authentication)."""

    target_class = "fulian.api.authentication.AuditedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication with required prefix `Token`",
        }
