from typing import Any

from django.conf import settings
from django.http import HttpRequest

from fulian.core.registry import nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: the CSP nonce, the navigation and the languages."""
    user = getattr(request, "user", None)
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "nav_menus": nav_for(user) if user is not None and user.is_authenticated else [],
        "fulian_languages": settings.LANGUAGES,
    }
