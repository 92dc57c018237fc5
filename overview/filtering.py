"""Which portfolio rows the dashboard's filters select: status, sponsor, the
side leading the current step, needs attention. Works on the rows of
``overview.portfolio`` (no query, but for the side filter's one)."""

from governance.models import Side, User, side_of
from overview.portfolio import Person, ProjectInfo, Row
from projects.access import visible_projects
from projects.lifecycle import LIFECYCLE, SuggestedSide
from raci import selectors as raci_selectors

SUGGESTED = {template.number: template.suggested_side for template in LIFECYCLE}

_SIDES_OF_SUGGESTION = {
    SuggestedSide.MARKETING: {Side.MARKETING},
    SuggestedSide.IT: {Side.IT},
    SuggestedSide.IT_WITH_MARKETING: {Side.IT, Side.MARKETING},
    SuggestedSide.JOINT: {Side.IT, Side.MARKETING},
    SuggestedSide.IT_THEN_MARKETING: {Side.IT, Side.MARKETING},
}


def filter_rows(user: User, rows: list[Row], *, status="", sponsor=None, side="", attention=False) -> list[Row]:
    """The rows matching every filter given (the valid ones of ``PortfolioFilterForm``)."""
    if status:
        rows = [r for r in rows if r.project.status == status]
    if sponsor:
        rows = [r for r in rows if sponsor in _sponsor_ids(r)]
    if attention:
        rows = [r for r in rows if r.attention]
    if side:
        fill_current_sides(user, rows)
        rows = [r for r in rows if side in r.current_sides]
    return rows


def _sponsor_ids(row: Row) -> set[int]:
    return {p.pk for p in (row.project.marketing_sponsor, row.project.it_sponsor) if p is not None}


def sponsors(rows: list[Row]) -> list[Person]:
    """Everyone sponsoring one of the rows' projects, by name (no query): the sponsor filter's choices."""
    people = {}
    for row in rows:
        for person in (row.project.marketing_sponsor, row.project.it_sponsor):
            if person is not None:
                people[person.pk] = person
    return sorted(people.values(), key=lambda u: (u.display_name.lower(), u.pk))


def _sides(project: ProjectInfo, number: int, department: str | None) -> set[str]:
    """Who leads a step: its Accountable person's side, or else its suggested side."""
    if department is not None:
        side = side_of(department)
        return {side} if side else set()
    suggestion = SUGGESTED[number]
    if suggestion == SuggestedSide.PER_PROJECT:
        return {project.requirements_side}
    return _SIDES_OF_SUGGESTION[suggestion]


def fill_current_sides(user: User, rows: list[Row]) -> None:
    """Which side leads each row's current step (one query; only the side filter needs it)."""
    current = raci_selectors.current_step_departments(visible_projects(user))
    for row in rows:
        if row.project.pk in current:
            row.current_sides = _sides(row.project, *current[row.project.pk])
