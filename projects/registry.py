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

Calendar sources are the fifth place: ``register_calendar(name, source)``,
where ``source(viewer)`` returns the viewer's ``CalendarEvent`` items (a step's
due date, a meeting, an action). The personal calendar feed lists what every
registered source returns, so an app adds its dates without the feed knowing
the app; like the other parts, a source shows only what the viewer may see.
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


@dataclass(frozen=True)
class CalendarEvent:
    """One entry of a personal calendar feed.

    ``uid`` is stable for the same thing across fetches (a calendar updates the
    entry instead of adding a copy), e.g. ``"step-42@tandem"``. ``start`` is a
    ``date`` (an all-day entry, e.g. a due date) or an aware ``datetime``;
    ``end`` likewise or ``None``. ``url`` is a path in Tandem (the feed makes it absolute).
    """

    uid: str
    summary: str
    start: Any
    end: Any = None
    url: str = ""
    description: str = ""
    location: str = ""


_calendar_sources: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class DigestSection:
    """A section of the e-mail digest (the reminder sweep's one e-mail per person per run).

    ``template`` is a base name: the digest renders ``<template>.txt`` into the
    plain-text part and ``<template>.html`` into the HTML part, each with ``part``
    (what ``context(person)`` returned; ``None`` leaves the section out). ``recipients()``,
    when given, returns the ids of people this section has something for right now: the
    sweep sends them a digest even when no step of theirs needs a reminder.
    """

    template: str
    order: int
    context: Callable[..., dict | None]
    recipients: Callable[[], Any] | None = None


_digest_sections: dict[str, DigestSection] = {}


def register_digest(
    template: str, *, order: int, context: Callable[..., dict | None], recipients: Callable[[], Any] | None = None
) -> None:
    """Add a section to the e-mail digest (see ``DigestSection``)."""
    _digest_sections[template] = DigestSection(template, order, context, recipients)


def digest_sections() -> list[DigestSection]:
    """The digest sections in order (lowest ``order`` first, then by template)."""
    return sorted(_digest_sections.values(), key=lambda section: (section.order, section.template))


def register_calendar(name: str, source: Callable[..., Any]) -> None:
    """Add ``source(viewer)`` (an iterable of ``CalendarEvent``) to the personal calendar feed, under ``name``."""
    _calendar_sources[name] = source


def calendar_events(viewer: Any) -> list[CalendarEvent]:
    """Every registered source's events for ``viewer``, sources in name order."""
    return [event for name in sorted(_calendar_sources) for event in _calendar_sources[name](viewer)]


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
