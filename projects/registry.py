"""What other apps add to the pages of apps above or beside them.

``projects`` sits below every app that fills these pages, so it names none of
them. Each app registers its parts here from its ``AppConfig.ready()``:

    from projects.registry import register_my_work, register_sidebar, register_tab, register_tile

    register_tab("myapp/_project_tab.html", order=50)
    register_sidebar("myapp/_project_sidebar.html", order=50)
    register_sidebar("myapp/_card.html", order=60, context=project_card)   # context(viewer, project)
    register_my_work("myapp/_my_work.html", order=50, context=waiting_for)  # context(viewer)
    register_tile("myapp/_tile.html", order=50, context=tile_figures)       # context(viewer)

The pages render them lowest ``order`` first (then by template name):

* a **tab** renders one ``<li class="nav-item">`` of the tab bar every project
  page shows (``projects/_tabs.html``), with ``project`` and ``request``;
* a **sidebar section** renders one card of the project page's sidebar, with
  that page's context (the project, its steps, and what the page read);
* a **My work section** renders one section of the person's My work page;
* a **tile** renders one tile above the portfolio dashboard.

A part registered with a ``context`` callable is given what it returns as
``part`` in its template; when the callable returns ``None`` the part is not
shown for that viewer (nothing waiting, not theirs to see). The callable
reads through the app's selectors and the access layer: it is given the
viewer and must show only what that viewer may see.

Registering a template again only moves it (``ready()`` may run more than once,
e.g. in tests).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    template: str
    order: int
    context: Callable[..., dict | None] | None = None


@dataclass(frozen=True)
class Shown:
    """A part ready to include: its template and what its ``context`` returned (``{}`` without one)."""

    template: str
    part: dict


_places: dict[str, dict[str, Part]] = {"tab": {}, "sidebar": {}, "my_work": {}, "tile": {}}


def register_tab(template: str, *, order: int) -> None:
    """Show ``template`` (one ``<li class="nav-item">``) in the tab bar of every project page, at ``order``."""
    _places["tab"][template] = Part(template, order)


def register_sidebar(template: str, *, order: int, context: Callable[..., dict | None] | None = None) -> None:
    """Show ``template`` (one sidebar card) in the project page's sidebar; ``context(viewer, project)``."""
    _places["sidebar"][template] = Part(template, order, context)


def register_my_work(template: str, *, order: int, context: Callable[..., dict | None]) -> None:
    """Show ``template`` (one section) on My work; ``context(viewer)`` returns its figures or ``None``."""
    _places["my_work"][template] = Part(template, order, context)


def register_tile(template: str, *, order: int, context: Callable[..., dict | None]) -> None:
    """Show ``template`` (one tile) above the portfolio dashboard; ``context(viewer)`` as for My work."""
    _places["tile"][template] = Part(template, order, context)


def tabs() -> list[str]:
    """The tab templates in order (lowest ``order`` first, then by name)."""
    return [part.template for part in _in_order("tab")]


def sidebars() -> list[str]:
    """The sidebar templates in order (lowest ``order`` first, then by name)."""
    return [part.template for part in _in_order("sidebar")]


def shown(place: str, *args: Any) -> list[Shown]:
    """The parts of ``place`` ("sidebar", "my_work", "tile") for this viewer, each with its context."""
    result = []
    for part in _in_order(place):
        context = part.context(*args) if part.context else {}
        if context is not None:
            result.append(Shown(part.template, context))
    return result


def _in_order(place: str) -> list[Part]:
    return sorted(_places[place].values(), key=lambda part: (part.order, part.template))
