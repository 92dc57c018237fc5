"""``{% organization_liaisons as liaisons %}``: the organization's liaison rows (one query),
for pages of apps that do not read liaisons themselves (the framework page)."""

from django import template

from projects import liaisons

register = template.Library()


@register.simple_tag
def organization_liaisons() -> list[liaisons.SideLiaison]:
    found = liaisons.organization_liaisons()
    return liaisons.side_rows({side: (person, False) if person else None for side, person in found.items()})
