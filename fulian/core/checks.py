"""System checks of the security set-up."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def shared_cache(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Rate limits and the login throttle count in the cache: a process-local cache gives
    every worker its own count (300 registrations over 4 workers met no limit)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if getattr(settings, "PRODUCTION", False) and backend in LOCAL_CACHES:
        return [
            Error(
                "The default cache is local to each process, so rate limits are per worker.",
                hint="Set CACHE_URL=redis://… (shared by every worker).",
                id="fulian.E001",
            )
        ]
    return []
