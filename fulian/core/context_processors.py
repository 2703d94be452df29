from typing import Any

from django.conf import settings
from django.http import HttpRequest

from fulian.core import periods
from fulian.core.registry import nav_for, shortcuts_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: the CSP nonce, the navigation and the languages."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    period = periods.current_period(request)
    offered = periods.choices(around=period.start.year)
    if period not in offered:
        offered.insert(0, period)
    return {
        "current_period": period,
        "period_choices": offered,
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "nav_menus": nav_for(user) if signed_in else [],
        "nav_shortcuts": shortcuts_for(user) if signed_in else [],
        "fulian_languages": settings.LANGUAGES,
    }
