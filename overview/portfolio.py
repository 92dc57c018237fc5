"""The portfolio's rows: one per project a person may see, beside the ten steps.

Reads the apps only through their selectors and ``projects.access``. The rows
are built from a fixed number of queries whatever the number of projects (the
projects with their step figures from one grouped query, the people they name,
the oldest unowned steps, the stored vendor standings, the stored sums of
closed alignment rounds); filtering (``overview.filtering``), sorting
(``overview.sorting``), the tiles (``overview.tiles``) and the export
(``overview.exports``) then work on these rows. Only the rows on show read
their ten steps for the heatmap (``fill_cells``). ``docs/benchmarks.md`` has
the figures.

"Needs attention" (an active project only): a step without an accountable
owner, an overdue step, a chosen or leading vendor below an agreed minimum,
or an alignment perception gap of a level or more between the two sides.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from alignment.selectors import LatestAlignment, latest_project_alignment
from governance.models import User
from projects.access import visible_projects
from projects.lifecycle import LIFECYCLE
from projects.models import ProjectStatus, StepStatus
from raci import selectors as raci_selectors
from scorecards.selectors import VendorSummary, portfolio_vendors

STEP_NAMES = {template.number: template.name for template in LIFECYCLE}

# Status by symbol as well as by colour (the legend repeats these).
SYMBOLS = {
    StepStatus.DONE: "✓",
    StepStatus.IN_PROGRESS: "▶",
    StepStatus.BLOCKED: "✕",
    StepStatus.NOT_STARTED: "·",
}


@dataclass(frozen=True)
class Cell:
    """One step of one project in the heatmap (drawn by ``templates/overview/dashboard/_heatmap_cell.html``)."""

    number: int
    status: str
    owned: bool
    overdue: bool

    @property
    def name(self) -> str:
        return STEP_NAMES[self.number]

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.status, "?")

    @property
    def state(self) -> str:
        """Its status, and whether it has no owner or is overdue, in words."""
        parts = [StepStatus(self.status).label]
        if not self.owned:
            parts.append("no accountable owner")
        if self.overdue:
            parts.append("overdue")
        return ", ".join(parts)

    @property
    def label(self) -> str:
        return f"Step {self.number}, {self.name}: {self.state}"


@dataclass(frozen=True)
class CurrentStep:
    number: int
    owned: bool

    @property
    def name(self) -> str:
        return STEP_NAMES[self.number]


@dataclass(frozen=True)
class Person:
    pk: int
    display_name: str


@dataclass
class ProjectInfo:
    """What a row shows of a project: read as values, not model instances."""

    pk: int
    name: str
    slug: str
    status: str
    requirements_side: str
    owner: Person
    marketing_sponsor: Person | None
    it_sponsor: Person | None

    def get_absolute_url(self) -> str:
        return reverse("project_detail", kwargs={"slug": self.slug})

    def get_status_display(self) -> str:
        return ProjectStatus(self.status).label


@dataclass
class Row:
    """One project on the dashboard: its figures, vendor, alignment and reasons for attention."""

    project: ProjectInfo
    done: int
    unowned: int
    overdue: int
    current: CurrentStep | None
    unowned_since: datetime | None
    vendor: VendorSummary | None
    alignment: LatestAlignment | None
    attention: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)  # filled for the rows on show (fill_cells)
    current_sides: set[str] = field(default_factory=set)  # filled when filtering by side

    @property
    def unowned_days(self) -> int | None:
        if self.unowned_since is None:
            return None
        return max(0, (timezone.localdate() - timezone.localdate(self.unowned_since)).days)

    @property
    def is_active(self) -> bool:
        return self.project.status == ProjectStatus.ACTIVE

    @property
    def gap(self) -> float | None:
        return self.alignment.figures.gap if self.alignment else None

    @property
    def level(self) -> float | None:
        return self.alignment.figures.overall if self.alignment else None


def attention_reasons(row: Row) -> list[str]:
    """Why a row needs attention, in words (empty when it does not)."""
    reasons = []
    if row.unowned:
        reasons.append(f"{row.unowned} step{'s' if row.unowned != 1 else ''} without an accountable owner")
    if row.overdue:
        reasons.append(f"{row.overdue} overdue step{'s' if row.overdue != 1 else ''}")
    if row.vendor and row.vendor.below_minimum:
        which = "Chosen" if row.vendor.chosen else "Leading"
        reasons.append(f"{which} vendor below the minimum on {', '.join(row.vendor.below_minimum)}")
    if row.alignment and row.alignment.figures.big_gap:
        reasons.append(f"Alignment gap of {row.alignment.figures.gap:+.2f} levels between the sides")
    return reasons


def _people(ids: set[int]) -> dict[int, Person]:
    """Display names of these users (one query; a handful of people own and sponsor many projects)."""
    return {
        pk: Person(pk, f"{first} {last}".strip() or username)
        for pk, first, last, username in User.objects.filter(pk__in=ids).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


def portfolio_rows(user: User) -> list[Row]:
    """A row per project ``user`` may see, by name, in a fixed number of queries:
    the projects with their step figures, the people named, the oldest unowned
    step of each, the vendors and the alignment rounds. The heatmap's cells are
    read for the rows on show only (``fill_cells``)."""
    projects = visible_projects(user)
    values = list(
        raci_selectors.with_step_figures(projects, today=timezone.localdate())
        .order_by("name", "pk")
        .values_list(
            "pk", "name", "slug", "status", "requirements_side", "owner_id", "marketing_sponsor_id", "it_sponsor_id",
            "steps_done", "steps_unowned", "steps_overdue", "current_number", "first_open_unowned",
        )
    )  # fmt: skip
    people = _people({pk for v in values for pk in v[5:8] if pk is not None})
    since = raci_selectors.oldest_unowned(projects)
    vendors = portfolio_vendors(projects, viewer=user)
    alignment = latest_project_alignment(projects)
    return [_row(v, people, since.get(v[0]), vendors.get(v[0]), alignment.get(v[0])) for v in values]


def _row(
    values: tuple,
    people: dict[int, Person],
    unowned_since: datetime | None,
    vendor: VendorSummary | None,
    alignment: LatestAlignment | None,
) -> Row:
    """One project's row from its values and what was read for every project."""
    pk, name, slug, status, side, owner, m_sponsor, it_sponsor, done, unowned, overdue, current, unowned_open = values
    info = ProjectInfo(pk, name, slug, status, side, people[owner], people.get(m_sponsor), people.get(it_sponsor))
    row = Row(
        project=info,
        done=done,
        unowned=unowned,
        overdue=overdue,
        current=CurrentStep(current, unowned_open != current) if current else None,
        unowned_since=unowned_since,
        vendor=vendor,
        alignment=alignment,
    )
    if row.is_active:
        row.attention = attention_reasons(row)
    return row


def fill_cells(rows: list[Row]) -> None:
    """Read the ten steps of these rows' projects for the heatmap (one query; none
    when every row has them already, e.g. read to sort by a step)."""
    rows = [row for row in rows if not row.cells]
    if not rows:
        return
    today = timezone.localdate()
    steps = raci_selectors.portfolio_steps(row.project.pk for row in rows)
    for row in rows:
        row.cells = [
            Cell(
                number=s.number,
                status=s.status,
                owned=s.owned,
                overdue=s.due_date is not None and s.status != StepStatus.DONE and s.due_date < today,
            )
            for s in steps.get(row.project.pk, [])
        ]
