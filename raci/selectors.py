"""RACI reads shared by pages, exports and tasks. No per-row queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from governance.models import User
from projects.access import visible_projects
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from raci.models import RaciAssignment, Reminder, Role


def accountable_exists() -> Exists:
    """True for a step (in an outer query over steps) that has an Accountable person."""
    return Exists(RaciAssignment.objects.filter(step=OuterRef("pk"), role=Role.ACCOUNTABLE))


def unowned_since() -> Coalesce:
    """For a step (in an outer query over steps): when its Accountable person last
    changed in the RACI history (so, for an unowned step, when it lost one), or
    else when its project was created."""
    last_change = (
        RaciAssignment.history.filter(step_id=OuterRef("pk"), role=Role.ACCOUNTABLE)
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return Coalesce(Subquery(last_change), F("project__created_at"))


def unowned_steps() -> QuerySet[LifecycleStep]:
    """Steps with no Accountable person."""
    return LifecycleStep.objects.filter(~accountable_exists())


def with_unowned_count(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate ``unowned_count``: the project's steps with no Accountable person."""
    counts = (
        unowned_steps().filter(project=OuterRef("pk")).order_by().values("project").annotate(n=Count("pk")).values("n")
    )
    return projects.annotate(unowned_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


@dataclass(frozen=True)
class StepState:
    """One step of a project as the portfolio sees it (no model instance)."""

    number: int
    status: str
    due_date: date | None
    accountable_department: str | None  # None: the step has no Accountable person
    unowned_since: datetime | None  # when it last lost its Accountable, else the project's creation

    @property
    def owned(self) -> bool:
        return self.accountable_department is not None


def portfolio_steps(projects: QuerySet[Project]) -> dict[int, list[StepState]]:
    """The ten steps of every project in ``projects``, by project id, in order (one query).

    A step's ``unowned_since`` is the moment of its last Accountable change in
    the RACI history (the A was removed or moved away), or the project's
    creation when it never had one.
    """
    accountable = RaciAssignment.objects.filter(step=OuterRef("pk"), role=Role.ACCOUNTABLE)
    rows = (
        LifecycleStep.objects.filter(project__in=projects)
        .annotate(accountable_department=Subquery(accountable.values("user__department")[:1]))
        .annotate(
            unowned_since=Case(
                When(
                    accountable_department__isnull=True,
                    then=unowned_since(),
                ),
                default=None,
            )
        )
        .order_by("project_id", "number")
        .values_list("project_id", "number", "status", "due_date", "accountable_department", "unowned_since")
    )
    steps: dict[int, list[StepState]] = {}
    for project_id, *fields in rows:
        steps.setdefault(project_id, []).append(StepState(*fields))
    return steps


def reminders_sent_since(projects: QuerySet[Project], since: datetime) -> int:
    """Reminders (one per person and step) sent about ``projects`` since ``since`` (one query)."""
    return Reminder.objects.filter(step__project__in=projects, sent_at__gte=since).count()


def attention_steps(projects: QuerySet[Project], *, unowned: bool = False, overdue: bool = False):
    """Steps of ``projects`` with no Accountable person and/or overdue, with
    ``unowned_since`` and their project: the oldest problem first."""
    from django.utils import timezone

    steps = LifecycleStep.objects.filter(project__in=projects).exclude(status=StepStatus.DONE)
    if unowned:
        steps = steps.filter(~accountable_exists())
    if overdue:
        steps = steps.filter(due_date__lt=timezone.localdate())
    return (
        steps.annotate(unowned_since=unowned_since())
        .select_related("project")
        .order_by("due_date" if overdue else "unowned_since", "project__name", "number")
    )


def steps_with_people(project: Project) -> list[LifecycleStep]:
    """The project's ten steps in order, each with ``accountable`` (a user or
    None), ``responsible`` (users) and ``assignment_list``; two queries."""
    steps = list(
        project.steps.order_by("number").prefetch_related(
            Prefetch(
                "assignments",
                queryset=RaciAssignment.objects.select_related("user").order_by("role", "user__first_name"),
                to_attr="assignment_list",
            )
        )
    )
    for step in steps:
        step.accountable = next((a.user for a in step.assignment_list if a.role == Role.ACCOUNTABLE), None)
        step.responsible = [a.user for a in step.assignment_list if a.role == Role.RESPONSIBLE]
    return steps


@dataclass
class Matrix:
    steps: list[LifecycleStep]
    people: list[User]
    roles: dict[tuple[int, int], str]  # (user id, step id) -> role

    def role(self, user_id: int, step_id: int) -> str:
        return self.roles.get((user_id, step_id), "")


def matrix_for(project: Project, *, extra_people: Iterable[int] = ()) -> Matrix:
    """The project's RACI matrix: people (key people first, then role holders,
    then ``extra_people``) × the ten steps. Three queries, whatever the size."""
    steps = list(project.steps.order_by("number"))
    assignments = list(RaciAssignment.objects.filter(step__project=project).values_list("user_id", "step_id", "role"))
    roles = {(user_id, step_id): role for user_id, step_id, role in assignments}
    ordered_ids = [p.pk for p in project.key_people]
    for user_id in [u for u, _, _ in assignments] + list(extra_people):
        if user_id not in ordered_ids:
            ordered_ids.append(user_id)
    users = User.objects.in_bulk(ordered_ids)
    key_ids = {p.pk for p in project.key_people}
    rest = sorted(
        (users[i] for i in ordered_ids if i in users and i not in key_ids),
        key=lambda u: (u.first_name.lower(), u.last_name.lower(), u.username),
    )
    people = [users[i] for i in ordered_ids if i in key_ids and i in users] + rest
    return Matrix(steps=steps, people=people, roles=roles)


def matrix_history(project: Project) -> list:
    """RACI changes of the project as readable ``Change`` rows, oldest first per assignment."""
    from projects.selectors import Change

    records = list(
        RaciAssignment.history.filter(step__project=project)
        .select_related("history_user", "user", "step")
        .order_by("id", "history_date", "history_id")
    )
    changes, previous = [], {}
    for record in records:
        step = f"Step {record.step.number}, {record.step.name}"
        role = Role(record.role).label
        person = record.user.display_name
        if record.history_type == "+":
            rows = [(person, "—", role)]
        elif record.history_type == "-":
            rows = [(person, role, "—")]
        else:
            before = previous.get(record.id)
            if before is None or before == record.role:
                previous[record.id] = record.role
                continue
            rows = [(person, Role(before).label, role)]
        previous[record.id] = record.role
        changes.append(Change(record.history_date, record.history_user, step, "RACI", rows))
    return changes


def my_steps(user: User) -> list[RaciAssignment]:
    """``user``'s Accountable and Responsible roles on unfinished steps of
    active projects, the soonest due first (one query)."""
    return list(
        RaciAssignment.objects.filter(
            user=user,
            role__in=(Role.ACCOUNTABLE, Role.RESPONSIBLE),
            step__project__in=visible_projects(user).filter(status=ProjectStatus.ACTIVE),
        )
        .exclude(step__status=StepStatus.DONE)
        .select_related("step__project")
        .order_by(F("step__due_date").asc(nulls_last=True), "step__project__name", "step__number")
    )
