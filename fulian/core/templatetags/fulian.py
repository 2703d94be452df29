"""Template helpers available in every template (registered as a builtin)."""

from django import forms, template
from django.forms import BoundField

from fulian.core import text

register = template.Library()


@register.filter
def script(value: object) -> str:
    """Show stored (Simplified) text in the reader's script: Traditional under zh-hant."""
    return text.script(value)


@register.filter
def label(value: object) -> str:
    """A stored label (activity kind, campaign, series) in the reader's language:
    Fulian's own names translated, names the district typed in the reader's script."""
    return text.label(value)


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
