from typing import Any

import auditlog.middleware
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest
from django.utils.translation import gettext as _

from fulian.core.http import client_ip


class DenyByDefaultMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless its view opts out with ``login_not_required``.

    The API (``/api/``) answers for itself: DRF authenticates tokens, which this middleware
    cannot see, and its default permission denies anonymous callers with 401.
    """

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> Any:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's middleware with the one client address (``core.http.client_ip``):
    its own reads ``X-Forwarded-For`` from anyone, so a client could name its address."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None


class SavedMessageMiddleware:
    """Every save says it saved: a signed-in user's form POST that succeeds (a redirect) and
    left no message of its own gets "已保存。". Views that say something more precise
    ("活动已记录。", an error) keep their words; sign-in, sign-out and switches of language
    or period are not saves."""

    QUIET = ("/login/", "/logout/", "/i18n/", "/period/", "/api/")

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code in (302, 303)
            and request.user.is_authenticated
            and not request.path_info.startswith(self.QUIET)
            and not getattr(request, "htmx", False)
        ):
            storage = getattr(request, "_messages", None)
            # The queue of this request's messages (Django's storage keeps it there).
            if storage is not None and not getattr(storage, "_queued_messages", None):
                messages.success(request, _("已保存。"))
        return response
