from django import template

from inventory.selectors import money

register = template.Library()


@register.filter
def euros(value) -> str:
    """€36,000 (cents only when there are some); an em dash for no amount."""
    return money(value) or "—"
