"""Rate limits: how often one client address (or one user) may do something in a window.

Counts live in Django's default cache, so every worker shares them only if the cache is
shared: production must set ``CACHE_URL=redis://…`` (the deploy check ``fulian.E001``
refuses a process-local cache there). The address is :func:`fulian.core.http.client_ip`,
the one function that knows the trusted proxies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from fulian.core.errors import error_page
from fulian.core.http import client_ip


def _key(scope: str, who: str, window: int) -> str:
    return f"ratelimit:{scope}:{who}:{int(time.time() // window)}"


def hit(scope: str, who: str, *, window: int) -> int:
    """Count one event for (scope, who) in the current window; the count so far."""
    key = _key(scope, who, window)
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def count(scope: str, who: str, *, window: int) -> int:
    """The count of (scope, who) in the current window, without adding to it."""
    return int(cache.get(_key(scope, who, window), 0))


def over_limit(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Count this request for (scope, client address) in the current window of ``window``
    seconds; True once the count passes ``limit``."""
    return hit(scope, client_ip(request) or "-", window=window) > limit


def user_over_limit(user: Any, scope: str, *, limit: int, window: int) -> bool:
    """The same per user (for what a logged-in user may do only so often)."""
    return hit(scope, f"user{user.pk}", window=window) > limit


def limit_posts(scope: str, *, limit: int, window: int) -> Callable[..., Any]:
    """A view decorator: POSTs past ``limit`` per ``window`` seconds from one address get 429."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and over_limit(request, scope, limit=limit, window=window):
                return error_page(request, 429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# --- login guesses per address ----------------------------------------------------------------

LOGIN_SCOPE = "login-failure"


def login_throttled(request: HttpRequest) -> bool:
    """Whether this address has failed to log in too often lately (beside the per-account
    lockout: one address cannot go on guessing, nor lock account after account)."""
    limit, window = settings.FULIAN_LOGIN_FAILURES_PER_ADDRESS
    return count(LOGIN_SCOPE, client_ip(request) or "-", window=window) >= limit


def record_login_failure(request: HttpRequest) -> None:
    _limit, window = settings.FULIAN_LOGIN_FAILURES_PER_ADDRESS
    hit(LOGIN_SCOPE, client_ip(request) or "-", window=window)
