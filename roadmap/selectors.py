"""Roadmap reads: the projects a viewer may see, placed by quarter, and the year's vision.

Every read takes the viewer and starts from ``projects.access.visible_projects``: an outsider never
meets a project they may not see, not even as a number in a count.

Where an item lands: its **launch** is the project's target launch date, or, without one, the due
date of its last planned step; a project with neither is **unscheduled** (shown in its own group,
never hidden). Its **mark** is the one someone who manages it set (``RoadmapMark``), else the
urgency its intake request was submitted with, else strategic. All three are SQL expressions, so
the database filters, counts and pages them, whatever the size of the portfolio.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from governance.models import User
from intake.selectors import visible_requests
from intake.states import OPEN_STATES
from inventory.models import Tool
from projects import access
from projects.lifecycle import LIFECYCLE
from projects.models import LifecycleStep, Project, ProjectStatus
from projects.registry import CalendarEvent
from roadmap.models import Mark, Vision
from roadmap.quarters import Quarter

WINDOW = 4  # quarters shown at once
STEP_NAMES = {step.number: step.name for step in LIFECYCLE}


def _planned(order: str) -> Subquery:
    steps = LifecycleStep.objects.filter(project=OuterRef("pk"), due_date__isnull=False).order_by(order)
    return Subquery(steps.values("due_date")[:1])


def roadmap_projects(viewer: User) -> QuerySet[Project]:
    """Every project ``viewer`` may see, with ``launch`` (target launch, else the last planned
    step's due date), ``first_due`` and ``mark`` (set, else the intake urgency, else strategic)."""
    return access.visible_projects(viewer).annotate(
        first_due=_planned("due_date"),
        launch=Coalesce(F("target_launch"), _planned("-due_date")),
        mark=Coalesce(F("roadmap_mark__kind"), F("intake_request__urgency"), Value(Mark.STRATEGIC.value)),
    )


def with_category(projects: QuerySet[Project], category) -> QuerySet[Project]:
    """Projects whose intake request, or a tool they brought in, is of ``category``."""
    tool = Tool.objects.filter(project=OuterRef("pk"), category=category)
    return projects.filter(Q(intake_request__category=category) | Exists(tool))


def with_sponsor(projects: QuerySet[Project], person_id: int) -> QuerySet[Project]:
    return projects.filter(Q(marketing_sponsor_id=person_id) | Q(it_sponsor_id=person_id))


def not_cancelled(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.exclude(status=ProjectStatus.CANCELLED)


def sponsors(viewer: User) -> list[User]:
    """Everyone sponsoring (either side) a project ``viewer`` may see, by name: the filter's choices."""
    visible = access.visible_projects(viewer).order_by()
    sponsoring = Q(pk__in=visible.values("marketing_sponsor")) | Q(pk__in=visible.values("it_sponsor"))
    people = User.objects.filter(sponsoring).only("pk", "username", "first_name", "last_name")
    return sorted(people, key=lambda u: (u.display_name.lower(), u.pk))


# --- Placing: quarters, their counts, the rows ------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    """A group of the timeline: a quarter of the window, before it, after it, or unscheduled."""

    key: str
    label: str
    count: int
    start: Quarter | None = None  # the window to open to see it (None: unscheduled, on the page already)


def window(start: Quarter) -> list[Quarter]:
    return [start.shifted(n) for n in range(WINDOW)]


def buckets(projects: QuerySet[Project], start: Quarter) -> list[Bucket]:
    """How many of ``projects`` launch before the window, in each of its quarters, after it, and
    how many are unscheduled: one aggregate query."""
    quarters = window(start)
    first, last = quarters[0].first_day, quarters[-1].last_day
    sums = {
        "before": Count("pk", filter=Q(launch__lt=first)),
        "after": Count("pk", filter=Q(launch__gt=last)),
        "unscheduled": Count("pk", filter=Q(launch__isnull=True)),
    }
    for quarter in quarters:
        sums[quarter.code] = Count("pk", filter=Q(launch__gte=quarter.first_day, launch__lte=quarter.last_day))
    counts = projects.order_by().aggregate(**sums)
    return [
        Bucket("before", f"Before {quarters[0].label}", counts["before"], start.shifted(-WINDOW)),
        *(Bucket(q.code, q.label, counts[q.code], q) for q in quarters),
        Bucket("after", f"After {quarters[-1].label}", counts["after"], start.shifted(WINDOW)),
        Bucket("unscheduled", "Unscheduled", counts["unscheduled"]),
    ]


def in_window(projects: QuerySet[Project], start: Quarter) -> QuerySet[Project]:
    """The projects launching within the window, earliest launch first."""
    last = window(start)[-1]
    return projects.filter(launch__gte=start.first_day, launch__lte=last.last_day).order_by("launch", "name", "pk")


def unscheduled(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.filter(launch__isnull=True).order_by("name", "pk")


def for_rows(projects: QuerySet[Project]) -> QuerySet[Project]:
    """What a row shows, read with the page's projects: sponsors, figures, mark, request, tools."""
    return projects.select_related(
        "marketing_sponsor",
        "it_sponsor",
        "figures",
        "roadmap_mark__set_by",
        "intake_request__category",
    ).prefetch_related(Prefetch("tools", queryset=Tool.objects.select_related("category").order_by("name")))


@dataclass(frozen=True)
class Item:
    """One project on the roadmap, as a row."""

    project: Project
    launch: date | None
    launch_source: str  # "target launch", "last planned step" or ""
    first_due: date | None
    quarter: Quarter | None
    mark: str
    mark_label: str
    mark_source: str  # "set by …", "intake request", "default"
    category: str
    step_number: int | None
    step_name: str
    request_id: int | None
    can_mark: bool


def _request(project: Project):
    return getattr(project, "intake_request", None)  # a missing one-to-one row raises an AttributeError


def _mark_source(project: Project, request) -> str:
    mark = getattr(project, "roadmap_mark", None)  # a missing one-to-one row raises an AttributeError
    if mark is not None:
        return f"set by {mark.set_by.display_name}" if mark.set_by else "set"
    return "as requested at intake" if request is not None else "default"


def _category(project: Project, request) -> str:
    if request is not None:
        return request.category.name
    tools = list(project.tools.all())
    return tools[0].category.name if tools else ""


def item(viewer: User, project: Project) -> Item:
    """``project`` (read through ``for_rows`` from ``roadmap_projects``) as a roadmap row."""
    request = _request(project)
    figures = getattr(project, "figures", None)
    number = figures.current_number if figures is not None else None
    launch = project.launch
    source = "" if launch is None else ("target launch" if project.target_launch else "last planned step")
    return Item(
        project=project,
        launch=launch,
        launch_source=source,
        first_due=project.first_due,
        quarter=Quarter.of(launch) if launch else None,
        mark=project.mark,
        mark_label=Mark(project.mark).label,
        mark_source=_mark_source(project, request),
        category=_category(project, request),
        step_number=number,
        step_name=STEP_NAMES.get(number, "All steps done") if number else "All steps done",
        request_id=request.pk if request is not None else None,
        can_mark=access.can_manage(viewer, project),
    )


def items(viewer: User, projects) -> list[Item]:
    return [item(viewer, project) for project in projects]


# --- Requests still at the front door, the vision, the calendar ----------------------------------


def requests_in_review(viewer: User) -> int:
    """How many requests ``viewer`` may see are still open (not on the roadmap until approved)."""
    return visible_requests(viewer).filter(state__in=OPEN_STATES).count()


def vision_for(year: int) -> Vision | None:
    """The shared vision of ``year`` (everyone signed in reads it), or None while nobody wrote it."""
    return Vision.objects.select_related("updated_by").filter(year=year).first()


def launch_events(viewer: User) -> list[CalendarEvent]:
    """Launch dates of the projects ``viewer`` owns or sponsors (either side), not done nor
    cancelled: the roadmap's source for the personal calendar feed (``projects.registry``)."""
    if not access.is_active_user(viewer):
        return []
    theirs = Q(owner=viewer) | Q(marketing_sponsor=viewer) | Q(it_sponsor=viewer)
    projects = (
        roadmap_projects(viewer)
        .filter(theirs, launch__isnull=False, status__in=(ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD))
        .order_by("launch", "pk")
    )
    return [launch_event(project) for project in projects]


def launch_event(project: Project) -> CalendarEvent:
    """A project's launch (``roadmap_projects``'s ``launch``) as an all-day calendar entry."""
    source = "target launch date" if project.target_launch else "due date of its last planned step"
    return CalendarEvent(
        uid=f"launch-{project.pk}@tandem",
        summary=f"Launch: {project.name}",
        start=project.launch,
        url=project.get_absolute_url(),
        description=f"{project.name} is planned to launch on this day (its {source}).",
    )
