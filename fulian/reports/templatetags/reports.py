from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def figure(value: Any) -> str:
    """A figure as shown: ``—`` when not available, no trailing ``.0``."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@register.filter
def signed(value: Any) -> str:
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"+{text}" if value > 0 else text


@register.filter
def any_figure(figures: Any) -> bool:
    """Does any figure of the list, or its last year's, differ from zero?"""
    return any(f.value or f.last_year for f in figures)
