"""RACI reads shared by pages, exports and tasks. No per-row queries."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from governance.models import User
from projects.access import visible_projects
from projects.lifecycle import STEP_COUNT
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from raci.models import RaciAssignment, Reminder, Role

# An inactive person holds no A or R that counts: a step whose Accountable
# person left is as unowned as a step with none (dashboard, reminders, gates).
COUNTING = Q(user__is_active=True)


def accountable_exists() -> Exists:
    """True for a step (in an outer query over steps) that has an *active* Accountable person."""
    return Exists(RaciAssignment.objects.filter(COUNTING, step=OuterRef("pk"), role=Role.ACCOUNTABLE))


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
    """Steps with no active Accountable person."""
    return LifecycleStep.objects.filter(~accountable_exists())


def with_unowned_count(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate ``unowned_count``: the project's steps with no Accountable person."""
    counts = (
        unowned_steps().filter(project=OuterRef("pk")).order_by().values("project").annotate(n=Count("pk")).values("n")
    )
    return projects.annotate(unowned_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


def _accountable_department() -> Subquery:
    """For a step (in an outer query over steps): its Accountable person's department, or NULL."""
    accountable = RaciAssignment.objects.filter(COUNTING, step=OuterRef("pk"), role=Role.ACCOUNTABLE).order_by()
    return Subquery(accountable.values("user__department")[:1])


def with_step_figures(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """Annotate per project, in the one query (a join on steps and their Accountable):
    ``steps_done``, ``steps_unowned`` (no Accountable person), ``steps_overdue``
    (not done, due before ``today``), ``current_number`` (the first step not done)
    and ``first_open_unowned`` (the first step neither done nor owned)."""
    not_done = ~Q(steps__status=StepStatus.DONE)
    # An inactive Accountable person owns nothing (at most one A per step, so one row per step).
    unowned = Q(accountable__id__isnull=True) | Q(accountable__user__is_active=False)
    return projects.alias(
        accountable=FilteredRelation("steps__assignments", condition=Q(steps__assignments__role=Role.ACCOUNTABLE))
    ).annotate(
        steps_done=Count("steps", filter=Q(steps__status=StepStatus.DONE)),
        steps_unowned=Count("steps", filter=unowned),
        steps_overdue=Count("steps", filter=not_done & Q(steps__due_date__lt=today)),
        current_number=Min("steps__number", filter=not_done),
        first_open_unowned=Min("steps__number", filter=not_done & unowned),
    )


def oldest_unowned(projects: QuerySet[Project]) -> dict[int, datetime]:
    """By project id: since when its longest-unowned step has had no Accountable
    person (``unowned_since``); projects without one are left out (one query)."""
    return dict(
        unowned_steps()
        .filter(project__in=projects)
        .values("project_id")
        .annotate(oldest=Min(unowned_since()))
        .order_by()
        .values_list("project_id", "oldest")
    )


def current_step_departments(projects: QuerySet[Project]) -> dict[int, tuple[int, str | None]]:
    """By project id: its current step (the first not done) and that step's
    Accountable person's department, None when it has none (one query)."""
    first_open = (
        LifecycleStep.objects.filter(project=OuterRef("project"))
        .exclude(status=StepStatus.DONE)
        .order_by("number")
        .values("number")[:1]
    )
    rows = (
        LifecycleStep.objects.filter(project__in=projects, number=Subquery(first_open))
        .annotate(department=_accountable_department())
        .values_list("project_id", "number", "department")
    )
    return {project_id: (number, department) for project_id, number, department in rows}


@dataclass(frozen=True)
class StepState:
    """One step of a project as the portfolio's heatmap shows it (no model instance)."""

    number: int
    status: str
    due_date: date | None
    owned: bool


def portfolio_steps(project_ids: Iterable[int]) -> dict[int, list[StepState]]:
    """The ten steps of each of these projects, by project id, in order (one query)."""
    rows = (
        LifecycleStep.objects.filter(project_id__in=list(project_ids))
        .annotate(owned=accountable_exists())
        .order_by("project_id", "number")
        .values_list("project_id", "number", "status", "due_date", "owned")
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
    """The project's ten steps in order, each with ``accountable`` (an active
    user or None), ``inactive_accountable`` (the Accountable person when they
    are no longer active: the step is unowned), ``responsible`` (active users)
    and ``assignment_list``; two queries."""
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
        holder = next((a.user for a in step.assignment_list if a.role == Role.ACCOUNTABLE), None)
        step.accountable = holder if holder is not None and holder.is_active else None
        step.inactive_accountable = holder if holder is not None and not holder.is_active else None
        step.responsible = [a.user for a in step.assignment_list if a.role == Role.RESPONSIBLE and a.user.is_active]
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


def matrix_version(project: Project) -> int:
    """The version of the project's RACI matrix: the id of its latest RACI
    history record (0 before any). Every add, change and removal writes one, so
    an editor opened at version *v* is stale once this is greater (one query)."""
    latest = RaciAssignment.history.filter(step__project=project).aggregate(latest=Max("history_id"))["latest"]
    return latest or 0


def matrix_history(project: Project, *, since: int | None = None) -> list:
    """RACI changes of the project as readable ``Change`` rows, oldest first per
    assignment; with ``since`` (a ``matrix_version``), only the changes made after it."""
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
        before = previous.get(record.id)
        previous[record.id] = record.role
        if record.history_type == "+":
            rows = [(person, "—", role)]
        elif record.history_type == "-":
            rows = [(person, role, "—")]
        elif before is None or before == record.role:
            continue
        else:
            rows = [(person, Role(before).label, role)]
        if since is None or record.history_id > since:
            changes.append(Change(record.history_date, record.history_user, step, "RACI", rows))
    return changes


def matrix_changes_since(project: Project, version: int) -> list[str]:
    """What changed in the project's RACI matrix after ``version``, oldest first,
    one line each: who, when, which step, whose role from what to what."""
    changes = sorted(matrix_history(project, since=version), key=lambda c: c.when)
    lines = []
    for change in changes:
        who = change.who.display_name if change.who else "Someone (outside Tandem's pages)"
        when = date_format(timezone.localtime(change.when), "j M Y H:i")
        for person, before, after in change.changes:
            lines.append(f"{who}, {when}: {change.subject}: {person} {before} → {after}")
    return lines


def steps_left_unowned(sender, *, user: User, **kwargs) -> list[str]:
    """Answers ``governance.deactivation.user_deactivated``: the steps ``user``
    leaves without an Accountable person, one line each."""
    return [f"{s.project.name}: step {s.number}, {s.name}" for s in steps_losing_owner(user)]


def steps_losing_owner(user: User) -> list[LifecycleStep]:
    """The unfinished steps of open projects where ``user`` is Accountable: the
    steps left without an owner when ``user`` is deactivated (one query)."""
    return list(
        LifecycleStep.objects.filter(assignments__user=user, assignments__role=Role.ACCOUNTABLE)
        .exclude(status=StepStatus.DONE)
        .filter(project__status__in=(ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD))
        .select_related("project")
        .order_by("project__name", "number")
    )


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


@dataclass
class SentDigest:
    """One reminder e-mail as the project page lists it: who, when, which steps."""

    recipient: User
    sent_at: datetime
    steps: list[LifecycleStep]
    escalation: bool
    reason: str


def project_reminders(project: Project, *, limit: int = 20) -> list[SentDigest]:
    """Reminders sent about ``project``, one entry per person and run, newest first (one query)."""
    rows = (
        Reminder.objects.filter(step__project=project, sent_at__isnull=False)
        .select_related("recipient", "step")
        .order_by("-sent_at", "recipient_id", "step__number")[: limit * 10]
    )
    grouped: dict[tuple, SentDigest] = {}
    for row in rows:
        key = (row.recipient_id, row.run_id, row.sent_at.replace(microsecond=0, second=0))
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = SentDigest(row.recipient, row.sent_at, [], False, row.get_reason_display())
        entry.steps.append(row.step)
        entry.escalation = entry.escalation or row.escalation
    for entry in grouped.values():
        entry.steps.sort(key=lambda s: s.number)
    return list(grouped.values())[:limit]


@dataclass
class RaciSummary:
    """Who answers for a project, by side: the project page's RACI summary."""

    accountable_by_side: dict[str, int]  # side label -> steps with an Accountable person of that side
    unowned: list[LifecycleStep]
    people_by_side: dict[str, int]  # side label -> people with a role on any step
    steps: int = STEP_COUNT

    @property
    def owned(self) -> int:
        return self.steps - len(self.unowned)


def raci_summary(steps: list[LifecycleStep]) -> RaciSummary:
    """The summary of the steps ``steps_with_people`` read (no query)."""
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
