import contextlib
from typing import Any

from auditlog.context import auditlog_value
from knox.auth import TokenAuthentication


class AuditedTokenAuthentication(TokenAuthentication):
    """Hashed, expiring, per-device tokens (django-rest-knox) that also name the actor in
    the audit trail: ``Authorization: Token <key>``.

    AuditlogMiddleware records ``request.user`` before DRF authenticates a token, when the
    user is still anonymous; this fills in the actor for the rest of the request.
    """

    def authenticate(self, request: Any) -> Any:
        result = super().authenticate(request)
        if result is not None:
            with contextlib.suppress(LookupError):
                auditlog_value.get()["actor"] = result[0]
        return result
