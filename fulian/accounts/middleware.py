import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_STARTED = "fulian_session_started"


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
