from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def signed(value, places: int = 2) -> str:
    """A difference with its sign: +0.75, −1.20, 0.00 (a typographic minus)."""
    if value is None:
        return "—"
    text = floatformat(abs(value), places)
    if float(value) > 0:
        return f"+{text}"
    if float(value) < 0:
        return f"−{text}"
    return text
