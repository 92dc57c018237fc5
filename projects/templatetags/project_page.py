"""The parts other apps add to pages, from ``projects.registry``.

``{% project_tabs as tabs %}`` gives the tab templates in order;
``{% registered_parts "sidebar" project as parts %}`` (or ``"my_work"``,
``"tile"`` without the project) gives the parts shown to the viewer, each
included as ``{% include part.template with part=part.part %}``.
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


@register.simple_tag(takes_context=True)
def registered_parts(context, place: str, *args) -> list[registry.Shown]:
    """The parts of ``place`` for the page's viewer (``request.user``), with what each one read."""
    return registry.shown(place, context["request"].user, *args)
