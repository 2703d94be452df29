"""Template helpers available in every template (registered as a builtin)."""

from django import forms, template
from django.forms import BoundField
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


@register.filter
def control(field: BoundField) -> str:
    """A form field's widget with Bootstrap's classes, for compact filter bars."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    return field.as_widget(attrs={"class": css})
