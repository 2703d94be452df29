"""The token endpoint and the caller's own tokens.

``POST /api/v1/auth/token/`` with username and password (and ``otp`` once two-factor is on)
returns ``{"token": …, "expiry": …}``: a new token for this device, stored hashed, expiring
when idle (django-rest-knox). Locked accounts are refused like on the login page; a role
that must use two-factor gets no token before it has enrolled on the pages.
"""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fulian.accounts import services
from fulian.accounts.models import User
from fulian.accounts.services import TotpResult, check_totp, totp_error
from fulian.core.ratelimit import login_throttled, record_login_failure


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    otp = serializers.CharField(max_length=8, required=False, help_text="动态口令（已启用时必填）")


class ObtainTokenView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        django_request = request._request
        if login_throttled(django_request):
            return Response(
                {"detail": _("此地址登录尝试过于频繁，请稍后再试。")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = data.validated_data
        user = authenticate(
            django_request, username=credentials["username"], password=credentials["password"]
        )
        if user is None or not user.is_active:
            record_login_failure(django_request)
            return Response({"detail": _("用户名或密码错误。")}, status=status.HTTP_400_BAD_REQUEST)
        if user.totp_enabled:
            result = check_totp(user=user, code=credentials.get("otp", ""))
            if result is TotpResult.THROTTLED:
                return Response(
                    {"detail": totp_error(user, result)},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            if result is not TotpResult.OK:
                return Response(
                    {"otp": [totp_error(user, result)]}, status=status.HTTP_400_BAD_REQUEST
                )
        elif user.totp_required:
            return Response(
                {"detail": _("您的角色须启用动态口令：请先在网页上完成设置。")},
                status=status.HTTP_403_FORBIDDEN,
            )
        token, key = services.issue_token(user=user)
        return Response({"token": key, "expiry": token.expiry})


class TokenSerializer(serializers.Serializer):
    id = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.BooleanField()


def _token_row(token: Any, current: Any) -> dict[str, Any]:
    return {
        "id": services.token_id(token),
        "created": token.created,
        "expiry": token.expiry,
        "current": current is not None and getattr(current, "digest", None) == token.digest,
    }


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated let only a real user through
    return user


class TokenListView(APIView):
    """The caller's own live tokens (one per device that logged in)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TokenSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([_token_row(t, request.auth) for t in services.user_tokens(_user(request))])


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, token_ref: str) -> Response:
        """Revoke one of the caller's tokens (404 for anything else)."""
        if not services.revoke_token(user=_user(request), token_ref=token_ref):
            return Response({"detail": _("未找到。")}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revoke the token this request carries; ``?all=1`` revokes every token and session."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if request.query_params.get("all") == "1":
            services.end_sessions(_user(request))
        elif request.auth is not None and hasattr(request.auth, "digest"):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
