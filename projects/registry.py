"""What other apps add to a project's pages: its tabs and its sidebar sections.

``projects`` sits below the apps that fill a project's pages, so it names none
of them. Each of those apps registers its parts here from its
``AppConfig.ready()``, as a template and a position::

    from projects.registry import register_sidebar, register_tab

    register_tab("myapp/_project_tab.html", order=50)
    register_sidebar("myapp/_project_sidebar.html", order=50)

The project pages render them, lowest ``order`` first, through the
``project_page`` template tags (``{% project_tabs as tabs %}``,
``{% project_sidebars as sidebars %}``), each with ``{% include %}`` and so
with the page's own context:

* a **tab** renders one ``<li class="nav-item">`` of the tab bar every project
  page shows (``projects/_tabs.html``), with ``project`` and ``request``;
* a **sidebar section** renders one card of the project page's sidebar, with
  that page's context (the project, its steps, and what the page read for
  the sections).

Registering a template again only moves it to its new position (``ready()``
may run more than once, e.g. in tests).
"""

_tabs: dict[str, int] = {}
_sidebars: dict[str, int] = {}


def register_tab(template: str, *, order: int) -> None:
    """Show ``template`` (one ``<li class="nav-item">``) in the tab bar of every project page, at ``order``."""
    _tabs[template] = order


def register_sidebar(template: str, *, order: int) -> None:
    """Show ``template`` (one sidebar card) in the project page's sidebar, at ``order``."""
    _sidebars[template] = order


def tabs() -> list[str]:
    """The tab templates in order (lowest ``order`` first, then by name)."""
    return _in_order(_tabs)


def sidebars() -> list[str]:
    """The sidebar templates in order (lowest ``order`` first, then by name)."""
    return _in_order(_sidebars)


def _in_order(parts: dict[str, int]) -> list[str]:
    return [template for template, _ in sorted(parts.items(), key=lambda item: (item[1], item[0]))]
