"""The order of the portfolio: every column of the dashboard sorts, in the
database, each step's column by how far the step has come. ``SORTS`` maps a key
of the ``sort`` URL parameter (``-key``: descending) to its column title and the
expression it sorts by (on ``overview.portfolio.Portfolio.projects``). Projects
without a value come last in either direction, ties by name."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower, TruncDate

from overview.portfolio import STEP_NAMES, vendor_candidates
from projects.lifecycle import STEP_COUNT
from projects.models import LifecycleStep, ProjectStatus, StepStatus


@dataclass(frozen=True)
class Sort:
    title: str
    expression: Callable  # (portfolio.Portfolio) -> an expression over a project
    reverse: bool = False  # the expression grows as the column's value shrinks


def _vendor(value) -> Callable:
    """The project's vendor (``portfolio.vendor_candidates``): ``value`` of it, as the viewer may see it."""

    def expression(portfolio):
        vendor = vendor_candidates(portfolio.viewer).filter(scorecard__project=OuterRef("pk")).annotate(value=value)
        return Subquery(vendor.values("value")[:1])

    return expression


def _oldest_unowned_day(portfolio):
    """The day the project's longest-unowned step lost (or never had) its Accountable
    person (stored: ``projects.figures``): the more days ago, the earlier."""
    return TruncDate("figures__unowned_since")


SHOWN = Q(figures_visible=True)
SORTS: dict[str, Sort] = {
    "name": Sort("Project", lambda portfolio: Lower("name")),
    "status": Sort(
        "Status",
        lambda portfolio: Case(*(When(status=value, then=Value(i)) for i, value in enumerate(ProjectStatus.values))),
    ),
    "step": Sort("Current step", lambda portfolio: Coalesce("figures__current_number", STEP_COUNT + 1)),
    "progress": Sort("Progress", lambda portfolio: Coalesce("figures__steps_done", 0)),
    "unowned": Sort("Days unowned", _oldest_unowned_day, reverse=True),
    "vendor": Sort("Vendor", _vendor(Case(When(SHOWN | Q(chosen=True), then=Lower("name"))))),
    "it": Sort("IT total", _vendor(Case(When(SHOWN, then=F("it_total"))))),
    "marketing": Sort("Marketing total", _vendor(Case(When(SHOWN, then=F("marketing_total"))))),
    "alignment": Sort("Alignment", lambda portfolio: portfolio.alignment_of_project("level")),
    "gap": Sort("Gap", lambda portfolio: portfolio.alignment_of_project("gap")),
    "attention": Sort("Attention", lambda portfolio: F("attention")),
}
# Each step's column sorts by how far the step has come (a first click: done first).
PROGRESS_OF = {StepStatus.NOT_STARTED: 0, StepStatus.BLOCKED: 1, StepStatus.IN_PROGRESS: 2, StepStatus.DONE: 3}


def _step_progress(number: int) -> Callable:
    def expression(portfolio):
        progress = Case(*(When(status=status, then=Value(p)) for status, p in PROGRESS_OF.items()))
        step = LifecycleStep.objects.filter(project=OuterRef("pk"), number=number).annotate(progress=progress)
        return Subquery(step.values("progress")[:1])

    return expression


STEP_SORTS = {f"s{n}": Sort(f"Step {n}, {name}", _step_progress(n)) for n, name in STEP_NAMES.items()}
SORTS.update(STEP_SORTS)
DEFAULT_SORT = "-attention"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``(key, descending)`` from ``name`` or ``-name``; anything unknown gives the default."""
    value = (value or "").strip()
    key = value.removeprefix("-")
    if key not in SORTS:
        return parse_sort(DEFAULT_SORT)
    return key, value.startswith("-")


def ordering(portfolio, key: str, descending: bool) -> list:
    """``order_by`` arguments: by ``key``, projects without a value last either way, ties by name."""
    sort = SORTS[key]
    expression = sort.expression(portfolio)
    down = descending != sort.reverse
    by_key = expression.desc(nulls_last=True) if down else expression.asc(nulls_last=True)
    return [by_key, Lower("name").asc(), F("pk").asc()]
