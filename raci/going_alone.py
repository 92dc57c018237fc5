"""Going it alone: one side runs a project's early steps with nobody from the other.

The rule, decided here only (the dashboard, the project page and the reminder
digest all ask this module):

* The early steps are steps 1–5 (``EARLY_STEPS``: defining the problem and the
  requirements through choosing the vendor), where the two sides must meet.
* A side *holds* those steps when at least one **active** person of that side
  (``governance.models.MARKETING_SIDE_DEPARTMENTS`` / ``IT_SIDE_DEPARTMENTS``,
  by ``User.department``) is Responsible, Accountable or Consulted on one of
  them. Informed does not count (being told is not taking part), nor does an
  inactive person (as everywhere in RACI: someone who left holds nothing), nor
  a person of the Other department (on no side).
* A project is flagged when one side holds the early steps and the other side
  holds none: "Marketing is going it alone" (no IT-side person holds R, A or C
  on any of steps 1–5) or "IT is going it alone" (the reverse).
* A project where **neither** side holds anything on steps 1–5 is *not*
  flagged: its steps without an accountable owner already flag it (on the
  dashboard, in the reminders), and saying "going it alone" as well would
  count the same problem twice.

The rule looks at the matrix only, whatever the project's status; callers
decide where it matters (the dashboard's "needs attention" is for active
projects only, as its other reasons are).
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from governance.models import IT_SIDE_DEPARTMENTS, MARKETING_SIDE_DEPARTMENTS, Side, side_of
from projects.access import can_manage
from projects.models import Project, ProjectStatus
from raci.models import RaciAssignment, Role

EARLY_STEPS = (1, 2, 3, 4, 5)
TAKING_PART = (Role.RESPONSIBLE, Role.ACCOUNTABLE, Role.CONSULTED)
DEPARTMENTS = {Side.MARKETING: MARKETING_SIDE_DEPARTMENTS, Side.IT: IT_SIDE_DEPARTMENTS}
LABELS = {Side.MARKETING: "Marketing is going it alone", Side.IT: "IT is going it alone"}


def _taking_part() -> QuerySet[RaciAssignment]:
    """Assignments that count: an active person Responsible, Accountable or Consulted on steps 1–5."""
    return RaciAssignment.objects.filter(
        step__number__in=EARLY_STEPS, role__in=TAKING_PART, user__is_active=True
    ).order_by()


def _side_holds(side: str) -> Exists:
    """True for a project (in an outer query over projects) where ``side`` holds one of steps 1–5."""
    return Exists(_taking_part().filter(step__project=OuterRef("pk"), user__department__in=DEPARTMENTS[side]))


def with_going_alone(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate two booleans: ``marketing_going_alone`` and ``it_going_alone`` (the rule
    above; never both, and neither when nobody of either side takes part)."""
    marketing, it = _side_holds(Side.MARKETING), _side_holds(Side.IT)
    return projects.annotate(
        marketing_going_alone=ExpressionWrapper(Q(marketing) & ~Q(it), output_field=BooleanField()),
        it_going_alone=ExpressionWrapper(Q(it) & ~Q(marketing), output_field=BooleanField()),
    )


def going_alone(project: Project) -> str | None:
    """The side going it alone on ``project`` (``Side.MARKETING`` or ``Side.IT``), or None (one query)."""
    departments = _taking_part().filter(step__project=project).values_list("user__department", flat=True).distinct()
    sides = {side_of(department) for department in departments} - {None}
    return sides.pop() if len(sides) == 1 else None


def going_alone_label(side: str | None) -> str:
    """The flag in words ("Marketing is going it alone"), "" for None."""
    return LABELS.get(side, "") if side else ""


def sidebar_card(viewer, project: Project) -> dict | None:
    """The project page's "going it alone" card (``templates/overview/_going_alone_card.html``):
    shown while the project is open (active or on hold) and one side goes it alone."""
    if project.status not in (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD):
        return None
    side = going_alone(project)
    if side is None:
        return None
    other = Side.IT if side == Side.MARKETING else Side.MARKETING
    return {
        "label": going_alone_label(side),
        "side": Side(side).label,
        "other": Side(other).label,
        "can_manage": can_manage(viewer, project),
    }
