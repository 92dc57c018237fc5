from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def plain(value):
    """A weight or minimum as a person writes it: 2, 1.5, 3.25 (``scoring.plain``)."""
    from scorecards.scoring import plain as plain_figure

    return plain_figure(value)
