"""Limits on public pages (no login): how often one address may post in a window.

Counts live in Django's cache: per process with the default local-memory cache, shared
by every worker when ``CACHE_URL`` names Redis (``redis://…``), as production should.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def over_limit(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Count this request for (scope, client address) in the current window of ``window``
    seconds; True once the count passes ``limit``."""
    address = request.META.get("REMOTE_ADDR", "")
    key = f"ratelimit:{scope}:{address}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def limit_posts(scope: str, *, limit: int, window: int) -> Callable[..., Any]:
    """A view decorator: POSTs past ``limit`` per ``window`` seconds from one address get 429."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and over_limit(request, scope, limit=limit, window=window):
                return render(request, "core/too_many.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
