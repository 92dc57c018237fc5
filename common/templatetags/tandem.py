from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag
def select_options(choices, current) -> str:
    """The ``<option>`` elements of a select, ``current`` selected, the labels escaped. One call
    instead of a template loop: a filter listing hundreds of people (the dashboard's sponsors)
    renders in a fraction of the time."""
    selected = "" if current is None else str(current)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == selected else "", label) for value, label in choices),
    )
