"""Template helpers available in every template (registered as a builtin)."""

from django import template
from django.utils.translation import get_language

from fulian.core.text import to_traditional

register = template.Library()


@register.filter
def script(value: object) -> str:
    """Show stored (Simplified) text in the reader's script: Traditional under zh-hant."""
    text = "" if value is None else str(value)
    if (get_language() or "").lower() == "zh-hant":
        return to_traditional(text)
    return text
