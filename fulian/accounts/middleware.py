import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SESSION_STARTED = "fulian_session_started"


class TwoFactorRequiredMiddleware:
    """Users whose role requires two-factor authentication enrol before anything else."""

    ALLOWED = ("/accounts/2fa/", "/logout/", "/i18n/", "/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "totp_required", False)
            and not getattr(user, "totp_enabled", True)
            and not request.path_info.startswith(self.ALLOWED)
        ):
            return redirect("accounts:totp_setup")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after login, however active (the idle timeout of 30 minutes
    is the session cookie's age, renewed on every request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED, time.time())
            if time.time() - started > settings.FULIAN_SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)
