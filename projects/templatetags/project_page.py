"""The parts other apps add to a project's pages, from ``projects.registry``.

``{% project_tabs as tabs %}`` and ``{% project_sidebars as sidebars %}`` give
the registered templates in order; the page includes each one.
"""

from django import template

from projects import registry

register = template.Library()


@register.simple_tag
def project_tabs() -> list[str]:
    return registry.tabs()


@register.simple_tag
def project_sidebars() -> list[str]:
    return registry.sidebars()
