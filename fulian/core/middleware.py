from typing import Any

import auditlog.middleware
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest

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
