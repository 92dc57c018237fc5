"""The portfolio: one query over the projects a person may see, and the rows on show.

Everything the dashboard filters, sorts, pages and sums is a column of one
query over ``visible_projects(user)`` (``Portfolio.projects``), so Python's
work follows the 25 rows shown, not the whole portfolio (``docs/benchmarks.md``):

* the **stored figures** of each project (``projects.figures``, computed by
  ``stored_figures`` below and refreshed in the transaction of every change):
  steps done, steps without an accountable owner and since when, the current
  step and whether it is owned, the earliest due date of a step not done, the
  side leading the current step, going it alone, and the level and perception
  gap of the latest alignment round with a stored summary (as the anonymity rule
  discloses them, ``overview.alignment_sql``);
* what depends on the day or the viewer (``Portfolio``): a step overdue (that
  earliest due date is before today), and the projects flagged for a vendor
  below an agreed minimum (the blind rule: only a vendor whose figures the
  viewer may see), read first as ids in one query with the rounds closed by time
  passing whose summary beat has not stored yet: while there are some (rarely,
  for minutes), every project's alignment is read live instead.

Python then builds only the rows on show (``build_rows``): the projects with
their people and figures, the vendors, the alignment rounds and the ten steps
of the heatmap, in a fixed number of queries whatever the number of projects.
Filtering is ``overview.filtering``, sorting ``overview.sorting``, the tiles
``overview.tiles``, the download ``overview.exports``.

"Needs attention" (an active project only): a step without an accountable
owner, an overdue step, a chosen or leading vendor below an agreed minimum, an
alignment perception gap of a level or more between the two sides, one side
going it alone on steps 1–5 (``raci.going_alone``), or a steering committee
action on it past its due date (``committee.selectors``), or a step whose
Accountable person has not acknowledged it yet (``raci.duties``).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce
from django.urls import reverse
from django.utils import timezone

from alignment.selectors import LatestAlignment, latest_project_alignment
from committee import selectors as committee_selectors
from common.templatetags.tandem import signed
from governance.models import Side, User, side_of
from overview import alignment_sql
from projects.access import can_see_scorecard_figures, visible_projects
from projects.lifecycle import LIFECYCLE, SuggestedSide
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus, big_alignment_gap
from raci import duties as raci_duties
from raci import selectors as raci_selectors
from raci.going_alone import going_alone_label, with_going_alone
from raci.models import RaciAssignment, Role
from scorecards.models import Candidate, Decision, RatingSheet
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


class Cell(NamedTuple):
    """One step of one project in the heatmap (drawn by ``templates/overview/dashboard/_heatmap_cell.html``).
    A tuple: a download builds one per step of every project selected."""

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
    going_alone: str | None = None  # the side going it alone on steps 1–5 (raci.going_alone)
    committee_overdue: int = 0  # open steering committee actions on it past their due date (committee)
    unacknowledged: int = 0  # steps whose Accountable person has not acknowledged yet (raci.duties)
    current_sides: set[str] = field(default_factory=set)  # the side(s) leading the current step
    attention: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    unowned_days: int | None = None  # days since ``unowned_since``, by the local calendar

    @cached_property
    def url(self) -> str:
        """The project's page (when shown: a download of every row needs no links)."""
        return self.project.get_absolute_url()

    @cached_property
    def raci_url(self) -> str:
        """Its RACI matrix."""
        return reverse("raci:matrix", kwargs={"slug": self.project.slug})

    @property
    def is_active(self) -> bool:
        return self.project.status == ProjectStatus.ACTIVE

    @property
    def gap(self) -> float | None:
        return self.alignment.figures.gap if self.alignment else None

    @property
    def level(self) -> float | None:
        return self.alignment.figures.overall if self.alignment else None

    @property
    def going_alone_label(self) -> str:
        return going_alone_label(self.going_alone)

    @property
    def card(self) -> list[tuple[str, str, bool]]:
        """The figures a phone's card shows beside the name: (term, text, needs attention)."""
        active = self.is_active
        unowned = _count(self.unowned, "step") + (f", {_count(self.unowned_days, 'day')}" if self.unowned_days else "")
        return [
            ("Current step", self._current_text(), active and self.current is not None and not self.current.owned),
            ("Steps done", f"{self.done}/10", False),
            ("Without an owner", unowned, active and self.unowned > 0),
            ("Overdue", _count(self.overdue, "step"), active and self.overdue > 0),
            ("Vendor", self._vendor_text(), bool(self.vendor and self.vendor.below_minimum)),
            ("Alignment", self._alignment_text(), bool(self.alignment and self.alignment.figures.big_gap)),
        ]

    def _current_text(self) -> str:
        if self.current is None:
            return "All done"
        owner = "" if self.current.owned else ", no accountable owner"
        return f"{self.current.number}. {self.current.name}{owner}"

    def _vendor_text(self) -> str:
        vendor = self.vendor
        if vendor is None:
            return "—"
        if not (vendor.visible or vendor.chosen):
            return f"{_count(vendor.candidates, 'candidate')}, blind until you rate"
        standing = (
            "chosen" if vendor.chosen else ("tied lead" if vendor.tied > 1 else f"leading of {vendor.candidates}")
        )
        text = f"{vendor.name} ({standing})"
        if vendor.visible:
            it, marketing = (_figure(v) for v in (vendor.it_total, vendor.marketing_total))
            text += f": IT {it}/{vendor.it_maximum}, Marketing {marketing}/{vendor.marketing_maximum}"
        if vendor.below_minimum:
            text += f"; below the minimum on {', '.join(vendor.below_minimum)}"
        return text

    def _alignment_text(self) -> str:
        if self.alignment is None:
            return "—"
        figures = self.alignment.figures
        text = "too few answers" if figures.overall is None else f"{figures.overall:.2f} {figures.overall_level}"
        return text if figures.gap is None else f"{text}, gap {signed(figures.gap)}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _figure(value) -> str:
    return "—" if value is None else str(value)


def attention_reasons(row: Row) -> list[str]:
    """Why a row needs attention, in words (empty when it does not). The same
    reasons as ``Portfolio.attention_flags``, which select and count them in SQL."""
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
    if row.going_alone:
        reasons.append(row.going_alone_label)
    if row.unacknowledged:
        n = row.unacknowledged
        reasons.append(f"{n} step{'s' if n != 1 else ''} awaiting acknowledgement by the Accountable person")
    if row.committee_overdue:
        n = row.committee_overdue
        reasons.append(f"{n} overdue steering committee action{'s' if n != 1 else ''}")
    return reasons


# --- The stored figures (projects.figures asks for them after every change) ----------------


def _current_department() -> Subquery:
    """For a project (in an outer query over projects): the department of its current
    step's active Accountable person, or NULL."""
    first_open = (
        LifecycleStep.objects.filter(project=OuterRef(OuterRef("pk")))
        .exclude(status=StepStatus.DONE)
        .order_by("number")
        .values("number")[:1]
    )
    accountable = RaciAssignment.objects.filter(
        raci_selectors.COUNTING, role=Role.ACCOUNTABLE, step__project=OuterRef("pk"), step__number=Subquery(first_open)
    )
    return Subquery(accountable.order_by().values("user__department")[:1])


def current_sides(number: int | None, department: str | None, requirements_side: str) -> set[str]:
    """Who leads a project's current step: its Accountable person's side, or else its suggested side."""
    if number is None:
        return set()
    if department is not None:
        side = side_of(department)
        return {side} if side else set()
    suggestion = SUGGESTED[number]
    if suggestion == SuggestedSide.PER_PROJECT:
        return {requirements_side}
    return _SIDES_OF_SUGGESTION[suggestion]


def stored_figures(projects: QuerySet[Project]) -> dict[int, dict]:
    """The figures ``projects.figures`` stores for each of ``projects`` (one query):
    the step figures of ``raci.selectors.with_step_figures``, the earliest open due
    date, since when a step has been unowned, the side leading the current step and
    ``raci.going_alone``'s two flags."""
    not_done = ~Q(steps__status=StepStatus.DONE)
    rows = (
        with_going_alone(raci_selectors.with_step_figures(projects, today=timezone.localdate()))
        .annotate(
            next_due=Min("steps__due_date", filter=not_done),
            current_department=_current_department(),
            unowned_since=oldest_unowned_since(),
            alignment_level=alignment_sql.summarized("overall"),
            alignment_gap=alignment_sql.summarized("gap"),
        )
        .values_list(
            "pk", "steps_done", "steps_unowned", "current_number", "first_open_unowned", "next_due",
            "current_department", "requirements_side", "marketing_going_alone", "it_going_alone", "unowned_since",
            "alignment_level", "alignment_gap",
        )
    )  # fmt: skip
    figures = {}
    for row in rows:
        pk, done, unowned, current, first_unowned, due, department, requirements, m_alone, it_alone, since = row[:11]
        sides = current_sides(current, department, requirements)
        figures[pk] = {
            "steps_done": done,
            "steps_unowned": unowned,
            "current_number": current,
            "current_owned": current is not None and first_unowned != current,
            "next_due": due,
            "unowned_since": since,
            "current_marketing": Side.MARKETING in sides,
            "current_it": Side.IT in sides,
            "marketing_going_alone": bool(m_alone),
            "it_going_alone": bool(it_alone),
            "alignment_level": row[11],
            "alignment_gap": row[12],
        }
    return figures


# --- What needs attention, in SQL ----------------------------------------------------------


def sight(viewer: User) -> str:
    """Which candidates' figures ``viewer`` may see (the blind rule,
    ``projects.access.can_see_scorecard_figures``): "all", those they "rated", or "none"."""
    if can_see_scorecard_figures(viewer, has_submitted=False):
        return "all"
    return "rated" if can_see_scorecard_figures(viewer, has_submitted=True) else "none"


def _rated_by(viewer: User) -> QuerySet[RatingSheet]:
    """For a candidate (in a query over candidates): ``viewer``'s submitted rating of it."""
    return RatingSheet.objects.filter(rater=viewer, submitted_at__isnull=False, candidate=OuterRef("pk"))


def _chosen() -> Exists:
    """For a candidate (in a query over candidates): chosen by a standing (not withdrawn) decision."""
    return Exists(Decision.objects.standing().filter(candidate=OuterRef("pk")))


def _undecided_leader() -> Q:
    """For a candidate: leading a scorecard with no standing decision, first by name of those tied."""
    decided = Decision.objects.standing().filter(scorecard=OuterRef("scorecard"))
    earlier = Candidate.objects.filter(scorecard=OuterRef("scorecard"), rank=1, name__lt=OuterRef("name"))
    return Q(rank=1) & ~Exists(decided) & ~Exists(earlier)


def vendor_candidates(viewer: User) -> QuerySet[Candidate]:
    """Each project's vendor as the portfolio shows it (``scorecards.selectors.portfolio_vendors``):
    the candidate chosen by a standing decision, or else the first by name of the leading
    ones; with ``chosen`` and ``figures_visible`` (to ``viewer``)."""
    seen = {"all": Value(True), "none": Value(False)}.get(sight(viewer)) or Exists(_rated_by(viewer))
    return Candidate.objects.annotate(chosen=_chosen(), figures_visible=seen).filter(
        Q(chosen=True) | _undecided_leader()
    )


# The statement Portfolio.read runs on every request takes the ORM longer to build than the
# database to run: it is built once per process, database and sight (the blind rule), with
# stand-ins for the time and the viewer that each request replaces with its own.
_STAND_IN_TIME = datetime(2000, 1, 1, tzinfo=UTC)
_STAND_IN_VIEWER = -424_242
_REASONS: dict[tuple[str, str], tuple[str, tuple, object]] = {}


def _reasons(viewer: User, alignment: alignment_sql.Alignment) -> QuerySet:
    """(project id, "vendor") of the projects flagged for their vendor, and (round id, "missing")
    of the rounds closed without a stored summary (one query)."""
    parts = [alignment.missing().order_by().values_list("pk", Value("missing"))]
    if sight(viewer) != "none":
        # The vendors below a minimum, chosen ones and leaders apart: each then plans as plain
        # (anti-)joins, where an OR of the two would run its subqueries once per candidate.
        flagged = Candidate.objects.exclude(below_minimum=[]).order_by()
        if sight(viewer) == "rated":
            flagged = flagged.filter(Exists(_rated_by(viewer)))
        for vendors in (flagged.filter(_chosen()), flagged.filter(_undecided_leader())):
            parts.append(vendors.values_list("scorecard__project_id", Value("vendor")))
    return parts[0].union(*parts[1:], all=True)


def _flag_rows(viewer: User, now: datetime) -> list[tuple[int, str]]:
    """The rows of ``_reasons`` for ``viewer`` at ``now``, from the statement built once."""
    key = (connection.vendor, sight(viewer))
    if key not in _REASONS:
        stand_in = User(pk=_STAND_IN_VIEWER, is_active=viewer.is_active, is_staff=viewer.is_staff)
        stand_in.is_superuser, stand_in.is_executive = viewer.is_superuser, viewer.is_executive
        sql, params = _reasons(stand_in, alignment_sql.Alignment(_STAND_IN_TIME)).query.sql_with_params()
        _REASONS[key] = (sql, params, connection.ops.adapt_datetimefield_value(_STAND_IN_TIME))
    sql, params, time_stand_in = _REASONS[key]
    at = connection.ops.adapt_datetimefield_value(now)

    def actual(param):
        if type(param) is type(time_stand_in) and param == time_stand_in:
            return at
        return viewer.pk if type(param) is int and param == _STAND_IN_VIEWER else param

    with connection.cursor() as cursor:
        cursor.execute(sql, [actual(param) for param in params])
        return cursor.fetchall()


# The reasons for attention ``ProjectFigures.stored_attention`` counts (the same conditions as
# these flags of ``Portfolio.attention_flags``).
STORED_REASONS = ("unowned", "alignment", "going_alone")


@dataclass
class Portfolio:
    """What one request's portfolio query depends on: who looks, the day, the alignment rounds,
    and the projects flagged for their vendor or their alignment gap (read once, as ids, so the
    queries that filter, count and sort by them stay small)."""

    viewer: User
    today: date
    alignment: alignment_sql.Alignment
    flagged: dict[str, set[int]] = field(default_factory=dict)
    live_alignment: bool = False  # some round closed without a stored summary: read every project's live

    @classmethod
    def read(cls, viewer: User) -> "Portfolio":
        """For ``viewer``, now, in one query: the projects whose vendor (as ``viewer`` may see it)
        needs attention, and the rounds closed without a stored summary. Each project's alignment
        is its stored figures (``projects.figures``: its latest summarized round), unless such a
        round exists (rare, until beat stores its summary): then the alignment gaps are read live,
        with those rounds' sums, in two more queries."""
        alignment = alignment_sql.Alignment()
        portfolio = cls(viewer, timezone.localdate(), alignment, {"vendor": set()})
        missing = []
        for pk, reason in _flag_rows(viewer, alignment.now):
            (missing.append(pk) if reason == "missing" else portfolio.flagged[reason].add(pk))
        if missing:
            alignment.compute(missing)
            portfolio.live_alignment = True
            portfolio.flagged["alignment"] = set(alignment.big_gap_projects().values_list("project_id", flat=True))
        return portfolio

    def attention_flags(self) -> dict[str, Q]:
        """Each reason for attention as a condition on a project (in a query over
        ``visible_projects``): the same reasons as ``attention_reasons``."""
        flags = {
            "unowned": Q(figures__steps_unowned__gt=0),
            "overdue": Q(figures__next_due__lt=self.today),
            "alignment": big_alignment_gap("figures__alignment_gap"),
            "going_alone": Q(figures__marketing_going_alone=True) | Q(figures__it_going_alone=True),
            "committee": Q(pk__in=committee_selectors.overdue_action_project_ids(self.today)),
            "unacknowledged": raci_duties.awaiting_projects(),
        }
        for reason, ids in self.flagged.items():  # read as ids (the vendors; alignment when live)
            if ids:
                flags[reason] = Q(pk__in=sorted(ids))
            else:
                flags.pop(reason, None)
        return flags

    def alignment_of_project(self, figure: str):
        """For a project (in a query over projects): ``level`` (the overall mean) or ``gap`` (its
        size, either way) of its latest closed round that has answers; NULL when not shown. Stored,
        unless ``live_alignment``."""
        if self.live_alignment:
            return self.alignment.of_project(figure)
        return F("figures__alignment_level") if figure == "level" else Abs("figures__alignment_gap")

    def projects(self) -> QuerySet[Project]:
        """The projects the viewer may see, each with ``attention``: how many reasons for
        attention it has (0 unless it is active). The reasons the figures store are one column
        (``stored_attention``), so each project costs the database a sum of four terms, not seven
        (every visible project's, for the order and the counts: ``docs/benchmarks.md``)."""
        flags = self.attention_flags()
        if self.live_alignment:
            reasons = sum((Case(When(flag, then=1), default=0) for flag in flags.values()), Value(0))
        else:
            live = [flag for reason, flag in flags.items() if reason not in STORED_REASONS]
            stored = Coalesce("figures__stored_attention", 0)
            reasons = sum((Case(When(flag, then=1), default=0) for flag in live), stored)
        attention = Case(When(status=ProjectStatus.ACTIVE, then=reasons), default=0, output_field=IntegerField())
        return visible_projects(self.viewer).annotate(attention=attention)


# --- The rows on show ------------------------------------------------------------------------


def oldest_unowned_since() -> Subquery:
    """For a project (in a query over projects): since when its longest-unowned step has had no
    Accountable person (``raci.selectors.unowned_since``); NULL when every step has one."""
    oldest = (
        raci_selectors.unowned_steps()
        .filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(oldest=Min(raci_selectors.unowned_since()))
        .values("oldest")
    )
    return Subquery(oldest, output_field=DateTimeField())


# What a row reads of its project, the people it names and its stored figures (one query).
PEOPLE = ("owner", "marketing_sponsor", "it_sponsor")
ROW_FIELDS = (
    "pk", "name", "slug", "status", "requirements_side",
    *(f"{role}__{name}" for role in PEOPLE for name in ("pk", "first_name", "last_name", "username")),
    "figures__steps_done", "figures__steps_unowned", "figures__current_number", "figures__current_owned",
    "figures__current_marketing", "figures__current_it", "figures__marketing_going_alone", "figures__it_going_alone",
    "figures__unowned_since",
)  # fmt: skip


def persons(users: QuerySet[User]) -> dict[int, Person]:
    """Display names of ``users`` by id (one query)."""
    return {pk: _person(pk, *names) for pk, *names in users.values_list("pk", "first_name", "last_name", "username")}


def _person(pk: int | None, first: str, last: str, username: str) -> Person | None:
    return None if pk is None else Person(pk, f"{first} {last}".strip() or username)


def build_rows(user: User, ids: list[int]) -> list[Row]:
    """Full rows for these projects, in this order, in a fixed number of queries: the projects
    with their people and figures, the vendors, the alignment rounds and the ten steps of each."""
    if not ids:
        return []
    projects = Project.objects.filter(pk__in=ids)
    overdue_actions = committee_selectors.overdue_actions_count()
    values = {v[0]: v for v in projects.annotate(c_overdue=overdue_actions).values_list(*ROW_FIELDS, "c_overdue")}
    vendors = portfolio_vendors(projects, viewer=user)
    alignment = latest_project_alignment(projects)
    cells = _cells(ids, today := timezone.localdate())
    rows = [_row(values[pk], cells.get(pk, []), vendors.get(pk), alignment.get(pk), today) for pk in ids]
    return _with_unacknowledged(rows, ids)


def _with_unacknowledged(rows: list[Row], ids: list[int]) -> list[Row]:
    """Each row's steps awaiting acknowledgement (``raci.duties``, one query), and the reason it makes."""
    awaiting = raci_duties.awaiting_counts(ids)
    for row in rows:
        row.unacknowledged = awaiting.get(row.project.pk, 0)
        if row.unacknowledged and row.is_active:
            row.attention = attention_reasons(row)
    return rows


def _cells(ids: list[int], today: date) -> dict[int, list[Cell]]:
    """The heatmap's cells of these projects, by project id, in step order (one query). Whether a
    step is owned comes from a join on its Accountable assignment (at most one per step), which
    reads only these steps' (an ``EXISTS`` may be planned over every Accountable assignment)."""
    steps = (
        LifecycleStep.objects.filter(project_id__in=ids)
        .alias(accountable=FilteredRelation("assignments", condition=Q(assignments__role=Role.ACCOUNTABLE)))
        .order_by("project_id", "number")
        .values_list("project_id", "number", "status", "due_date", "accountable__user__is_active")
    )
    cells: dict[int, list[Cell]] = {}
    for project_id, number, status, due, active_accountable in steps:
        overdue = due is not None and status != StepStatus.DONE and due < today
        cells.setdefault(project_id, []).append(Cell(number, status, bool(active_accountable), overdue))
    return cells


def _row(values: tuple, cells: list[Cell], vendor, alignment, today: date) -> Row:
    """One project's row from its values (``ROW_FIELDS``) and what was read for every row."""
    pk, name, slug, status, side = values[:5]
    owner, m_sponsor, it_sponsor = (_person(*values[i : i + 4]) for i in (5, 9, 13))
    done, unowned, current, owned, current_m, current_it, m_alone, it_alone, since = values[17:-1]
    info = ProjectInfo(pk, name, slug, status, side, owner, m_sponsor, it_sponsor)
    row = Row(
        project=info,
        done=done or 0,
        unowned=unowned or 0,
        overdue=sum(1 for cell in cells if cell.overdue),
        current=CurrentStep(current, bool(owned)) if current else None,
        unowned_since=since,
        vendor=vendor,
        alignment=alignment,
        going_alone=Side.MARKETING if m_alone else (Side.IT if it_alone else None),
        committee_overdue=values[-1] or 0,
        current_sides={s for s, on in ((Side.MARKETING, current_m), (Side.IT, current_it)) if on},
        cells=cells,
        unowned_days=None if since is None else max(0, (today - timezone.localdate(since)).days),
    )
    if row.is_active:
        row.attention = attention_reasons(row)
    return row
