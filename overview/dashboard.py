"""The portfolio dashboard: every project a person may see × the ten steps.

Site half of governance: reads the apps only through their selectors and
``projects.access``. A row per visible project is built from a fixed number of
queries whatever the number of projects (the projects with their step figures
from one grouped query, the people they name, the oldest unowned steps, the
stored vendor standings, the stored sums of closed alignment rounds); filters,
sorting and pagination then work on those rows, so any column sorts and the
tiles and the chart describe the whole portfolio. Only the rows on show read
their ten steps for the heatmap. ``docs/benchmarks.md`` has the figures.

"Needs attention" (an active project only): a step without an accountable
owner, an overdue step, a chosen or leading vendor below an agreed minimum,
or an alignment perception gap of a level or more between the two sides.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from alignment.selectors import LatestAlignment, latest_project_alignment, organization_alignment
from governance.models import Side, User, side_of
from projects import selectors as project_selectors
from projects.access import visible_projects
from projects.lifecycle import LIFECYCLE, STEP_COUNT, SuggestedSide
from projects.models import ProjectStatus, StepStatus
from raci import selectors as raci_selectors
from scorecards.selectors import VendorSummary, portfolio_vendors

STEP_NAMES = {template.number: template.name for template in LIFECYCLE}
SUGGESTED = {template.number: template.suggested_side for template in LIFECYCLE}

# Status by symbol as well as by colour (the legend repeats these).
SYMBOLS = {
    StepStatus.DONE: "✓",
    StepStatus.IN_PROGRESS: "▶",
    StepStatus.BLOCKED: "✕",
    StepStatus.NOT_STARTED: "·",
}

_SIDES_OF_SUGGESTION = {
    SuggestedSide.MARKETING: {Side.MARKETING},
    SuggestedSide.IT: {Side.IT},
    SuggestedSide.IT_WITH_MARKETING: {Side.IT, Side.MARKETING},
    SuggestedSide.JOINT: {Side.IT, Side.MARKETING},
    SuggestedSide.IT_THEN_MARKETING: {Side.IT, Side.MARKETING},
}


@dataclass(frozen=True)
class Cell:
    """One step of one project in the heatmap."""

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
    project: ProjectInfo
    done: int
    unowned: int
    overdue: int
    current: CurrentStep | None
    unowned_since: datetime | None
    vendor: VendorSummary | None
    alignment: LatestAlignment | None
    attention: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)  # filled for the rows on show

    @property
    def heatmap(self) -> str:
        """The cells as table cells (built here: it is the page's hottest loop)."""
        return format_html_join("", "{}", ((_cell_html(cell),) for cell in self.cells))

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


def _attention(row: Row) -> list[str]:
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
    today = timezone.localdate()
    projects = visible_projects(user)
    values = list(
        raci_selectors.with_step_figures(projects, today=today)
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
    rows = []
    for (
        pk,
        name,
        slug,
        status,
        side,
        owner,
        m_sponsor,
        it_sponsor,
        done,
        unowned,
        overdue,
        current,
        unowned_open,
    ) in values:
        info = ProjectInfo(pk, name, slug, status, side, people[owner], people.get(m_sponsor), people.get(it_sponsor))
        row = Row(
            project=info,
            done=done,
            unowned=unowned,
            overdue=overdue,
            current=CurrentStep(current, unowned_open != current) if current else None,
            unowned_since=since.get(pk),
            vendor=vendors.get(pk),
            alignment=alignment.get(pk),
        )
        if row.is_active:
            row.attention = _attention(row)
        rows.append(row)
    return rows


_CELL = '<td class="hm-cell"><span class="hm hm-{}{}" role="img" aria-label="{}" title="{}">{}</span></td>'
_UNOWNED_CELL = (
    '<td class="hm-cell"><span class="hm hm-{} hm-unowned{}" role="img" aria-label="{}" title="{}">{}'
    '<span class="hm-flag" aria-hidden="true">!</span></span></td>'
)


@lru_cache(maxsize=512)
def _cell_html(cell: Cell) -> str:
    """One heatmap cell as a table cell, every value escaped. Its text is all
    ours (step names and statuses), so each of the few hundred possible cells
    is built once."""
    overdue = " hm-overdue" if cell.overdue else ""
    template = _CELL if cell.owned else _UNOWNED_CELL
    return format_html(template, cell.status, overdue, cell.label, cell.label, cell.symbol)


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


# --- Filters and sorting ------------------------------------------------------------------


def _vendor_figure(name: str) -> Callable[[Row], object]:
    def key(row: Row):
        if row.vendor is None or not row.vendor.visible:
            return None
        return getattr(row.vendor, name)

    return key


SORTS: dict[str, tuple[str, Callable[[Row], object]]] = {
    "name": ("Project", lambda r: r.project.name.lower()),
    "status": ("Status", lambda r: ProjectStatus.values.index(r.project.status)),
    "step": ("Current step", lambda r: r.current.number if r.current else STEP_COUNT + 1),
    "progress": ("Progress", lambda r: r.done),
    "unowned": ("Days unowned", lambda r: r.unowned_days),
    "vendor": (
        "Vendor",
        lambda r: r.vendor.name.lower() if r.vendor and (r.vendor.visible or r.vendor.chosen) else None,
    ),
    "it": ("IT total", _vendor_figure("it_total")),
    "marketing": ("Marketing total", _vendor_figure("marketing_total")),
    "alignment": ("Alignment", lambda r: r.level),
    "gap": ("Gap", lambda r: abs(r.gap) if r.gap is not None else None),
    "attention": ("Attention", lambda r: len(r.attention)),
}
# Each step's column sorts by how far the step has come (a first click: done first).
PROGRESS_OF = {StepStatus.NOT_STARTED: 0, StepStatus.BLOCKED: 1, StepStatus.IN_PROGRESS: 2, StepStatus.DONE: 3}


def _step_progress(number: int) -> Callable[[Row], object]:
    def key(row: Row):
        return PROGRESS_OF.get(row.cells[number - 1].status) if len(row.cells) >= number else None

    return key


STEP_SORTS = {f"s{n}": (f"Step {n}, {name}", _step_progress(n)) for n, name in STEP_NAMES.items()}
SORTS.update(STEP_SORTS)
DEFAULT_SORT = "-attention"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``(key, descending)`` from ``name`` or ``-name``; anything unknown gives the default."""
    value = (value or "").strip()
    key = value.removeprefix("-")
    if key not in SORTS:
        return parse_sort(DEFAULT_SORT)
    return key, value.startswith("-")


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Sorted by ``key``; rows without a value last in either direction, ties by name."""
    extract = SORTS[key][1]
    by_name = sorted(rows, key=lambda r: (r.project.name.lower(), r.project.pk))
    with_value = [r for r in by_name if extract(r) is not None]
    without = [r for r in by_name if extract(r) is None]
    return sorted(with_value, key=extract, reverse=descending) + without


def filter_rows(user: User, rows: list[Row], *, status="", sponsor=None, side="", attention=False) -> list[Row]:
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
    """Everyone sponsoring one of the rows' projects, by name (no query)."""
    people = {}
    for row in rows:
        for person in (row.project.marketing_sponsor, row.project.it_sponsor):
            if person is not None:
                people[person.pk] = person
    return sorted(people.values(), key=lambda u: (u.display_name.lower(), u.pk))


# --- Tiles and the chart -------------------------------------------------------------------


@dataclass
class Tiles:
    active: int
    unowned_steps: int
    overdue_steps: int
    reminders_this_week: int
    organization: LatestAlignment | None
    attention: int


def tiles(user: User, rows: list[Row]) -> Tiles:
    active = [r for r in rows if r.is_active]
    week_ago = timezone.now() - timedelta(days=7)
    return Tiles(
        active=len(active),
        unowned_steps=sum(r.unowned for r in active),
        overdue_steps=sum(r.overdue for r in active),
        reminders_this_week=raci_selectors.reminders_sent_since(visible_projects(user), week_ago),
        organization=organization_alignment(user),
        attention=sum(1 for r in active if r.attention),
    )


def stage_chart(rows: list[Row]) -> dict:
    """Active projects by current step, split by whether that step has an accountable owner."""
    owned = [0] * STEP_COUNT
    unowned = [0] * STEP_COUNT
    for row in rows:
        if row.is_active and row.current is not None:
            (owned if row.current.owned else unowned)[row.current.number - 1] += 1
    return {
        "labels": [f"{n}. {STEP_NAMES[n]}" for n in range(1, STEP_COUNT + 1)],
        "owned": owned,
        "unowned": unowned,
    }


# --- The export -----------------------------------------------------------------------------


def _figure(value) -> Decimal | None:
    """Two decimals, as on the page (a spreadsheet gets the number)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def export_table(rows: list[Row]) -> list[list]:
    """The rows as a table (a header, then one line per project): the figures of
    the page, every step's status spelled out, the same blind rule for vendors."""
    header = ["Project", "Status", "Owner", "Marketing sponsor", "IT sponsor", "Current step", "Steps done"]
    header += ["Steps without an accountable owner", "Overdue steps", "Days since the oldest unowned step"]
    header += ["Vendor", "Vendor standing", "IT total", "IT maximum", "Marketing total", "Marketing maximum"]
    header += ["Vendor below minimum on", "Alignment level", "Alignment level name", "Alignment round"]
    header += ["Perception gap (Marketing minus IT)", "Needs attention"]
    header += [f"Step {n}. {name}" for n, name in STEP_NAMES.items()]
    table = [header]
    for row in rows:
        project, vendor, figures = row.project, row.vendor, row.alignment.figures if row.alignment else None
        named = vendor is not None and (vendor.visible or vendor.chosen)
        shown = vendor is not None and vendor.visible
        standing = ""
        if vendor is not None:
            standing = "chosen" if vendor.chosen else ("tied lead" if vendor.tied > 1 else "leading")
            standing = standing if named else "blind until you rate it"
        table.append(
            [
                project.name,
                project.get_status_display(),
                project.owner.display_name,
                project.marketing_sponsor.display_name if project.marketing_sponsor else "",
                project.it_sponsor.display_name if project.it_sponsor else "",
                f"{row.current.number}. {row.current.name}" if row.current else "All done",
                row.done,
                row.unowned,
                row.overdue,
                row.unowned_days,
                vendor.name if named else "",
                standing,
                _figure(vendor.it_total) if shown else None,
                vendor.it_maximum if shown else None,
                _figure(vendor.marketing_total) if shown else None,
                vendor.marketing_maximum if shown else None,
                ", ".join(vendor.below_minimum) if vendor else "",
                _figure(figures.overall) if figures else None,
                figures.overall_level if figures else "",
                row.alignment.title if row.alignment else "",
                _figure(figures.gap) if figures else None,
                "; ".join(row.attention),
            ]
            + [cell.state for cell in row.cells]
        )
    return table


# --- The project page as an executive sees it ------------------------------------------------


@dataclass
class RaciSummary:
    accountable_by_side: dict[str, int]  # side label -> steps
    unowned: list
    people_by_side: dict[str, int]
    steps: int = STEP_COUNT

    @property
    def owned(self) -> int:
        return self.steps - len(self.unowned)


def raci_summary(steps) -> RaciSummary:
    """Who answers for the project, by side, from the steps already loaded (no query)."""
    by_side: Counter = Counter()
    people: dict[int, str] = {}
    for step in steps:
        if step.accountable is not None:
            by_side[step.accountable.side_label] += 1
        for assignment in step.assignment_list:
            people[assignment.user_id] = assignment.user.side_label
    return RaciSummary(
        accountable_by_side=dict(sorted(by_side.items())),
        unowned=[s for s in steps if s.accountable is None],
        people_by_side=dict(sorted(Counter(people.values()).items())),
    )


@dataclass(frozen=True)
class LogEntry:
    when: datetime
    who: object
    what: str
    detail: str = ""


def decision_log(project, vendor) -> list[LogEntry]:
    """Vendor choices (and withdrawals) and step completions, newest first."""
    entries = [
        LogEntry(c.when, c.who, f"Finished step {c.number}, {c.name}")
        for c in project_selectors.step_completions(project)
    ]
    for decision in vendor.decisions if vendor else []:
        entries.append(
            LogEntry(decision.decided_at, decision.decided_by, f"Chose {decision.candidate.name}", decision.rationale)
        )
        if decision.withdrawn_at:
            entries.append(
                LogEntry(
                    decision.withdrawn_at,
                    decision.withdrawn_by,
                    f"Withdrew the choice of {decision.candidate.name}",
                    decision.withdrawal_reason,
                )
            )
    return sorted(entries, key=lambda e: e.when, reverse=True)
