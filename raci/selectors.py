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

from governance.models import Side, User
from projects.lifecycle import STEP_COUNT, SuggestedSide
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from raci.models import (
    WORKING_ROLES,
    Acknowledgement,
    AcknowledgementState,
    Consultation,
    RaciAssignment,
    Reminder,
    Role,
)
from raci.transitions import Transition, available_transitions

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
    ``assignment_list``, ``answered_ids`` (Consulted people who answered or were waived,
    ``raci.duties``) and ``awaiting_acknowledgement``; three queries."""
    steps = list(
        project.steps.order_by("number")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RaciAssignment.objects.select_related("user").order_by("role", "user__first_name"),
                to_attr="assignment_list",
            ),
            Prefetch(
                "consultations",
                queryset=Consultation.objects.only("pk", "step_id", "user_id"),
                to_attr="consultation_list",
            ),
        )
        .annotate(
            awaiting_acknowledgement=Exists(
                Acknowledgement.objects.filter(step=OuterRef("pk"), state=AcknowledgementState.AWAITING)
            )
        )
    )
    for step in steps:
        step.answered_ids = {c.user_id for c in step.consultation_list}
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
    then ``extra_people``) × the ten steps, each step with ``awaiting_acknowledgement``
    (``raci.duties``). Three queries, whatever the size."""
    awaiting = Acknowledgement.objects.filter(step=OuterRef("pk"), state=AcknowledgementState.AWAITING)
    steps = list(project.steps.annotate(awaiting_acknowledgement=Exists(awaiting)).order_by("number"))
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
    active projects, the soonest due first (one query).

    A role on a step makes its project visible to an active person
    (``projects.access``), so the projects they may see are not read again.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    return list(
        RaciAssignment.objects.filter(
            user=user,
            role__in=(Role.ACCOUNTABLE, Role.RESPONSIBLE),
            step__project__status=ProjectStatus.ACTIVE,
        )
        .exclude(step__status=StepStatus.DONE)
        .select_related("step__project")
        .order_by(F("step__due_date").asc(nulls_last=True), "step__project__name", "step__number")
    )


# Why an unowned step is a person's to find an owner for: their place in its project.
DUTIES = (("owner_id", "owner"), ("it_lead_id", "IT lead"), ("marketing_sponsor_id", "marketing sponsor"),
          ("it_sponsor_id", "IT sponsor"))  # fmt: skip


def unowned_duties(user: User, *, now: datetime) -> list[LifecycleStep]:
    """The steps ``user`` is asked to find an Accountable person for: the open
    steps with no (active) Accountable person of the active projects where they
    are the owner, the IT lead or a sponsor, the people reminders chase
    (``raci.reminder_plan``). Each has ``chased`` (reminders go out for it now:
    the reminders' own ``steps_to_chase``) and ``duties`` (why it is theirs, e.g.
    ["IT lead"]); by project, then step (one query)."""
    from raci.reminder_plan import steps_to_chase  # it reads this module: imported when used

    if not (user.is_authenticated and user.is_active):
        return []
    theirs = Q(project__owner=user) | Q(project__it_lead=user)
    theirs |= Q(project__marketing_sponsor=user) | Q(project__it_sponsor=user)
    # The chase narrowed to the same projects: alone, it is planned as a read of
    # every open step of the portfolio to answer for this person's few.
    chase = steps_to_chase(now=now).filter(theirs)
    steps = list(
        unowned_steps()
        .filter(theirs, project__status=ProjectStatus.ACTIVE)
        .exclude(status=StepStatus.DONE)
        .annotate(chased=Exists(chase.filter(pk=OuterRef("pk"))))
        .select_related("project")
        .order_by("project__name", "project_id", "number")
    )
    for step in steps:
        step.duties = [label for attname, label in DUTIES if getattr(step.project, attname) == user.pk]
    return steps


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


# --- The gate of step transitions: one rule for the service and the pages -------------------


@dataclass(frozen=True)
class GateRefusal:
    """Why a step cannot make a transition now: the role it lacks."""

    step_number: int
    transition: str
    role: str  # Role.ACCOUNTABLE or Role.RESPONSIBLE
    inactive: str | None  # the name of the inactive person who holds it, if any
    reason: str  # "Step 2, …, cannot start without an Accountable person."

    @property
    def message(self) -> str:
        """The reason and the way out, as the service says it."""
        if self.role == Role.CONSULTED:
            return f"{self.reason} They answer on the step's duties page, or its Accountable person waives it."
        active = "an active one" if self.inactive else "one"
        return f"{self.reason} Assign {active} in the RACI matrix first."

    @property
    def verb(self) -> str:
        return "finish" if self.transition == Transition.FINISH else "start"

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def role_needed(self) -> str:
        """Whom to assign: "an Accountable person" or "a Responsible person"."""
        return f"{'an' if self.role == Role.ACCOUNTABLE else 'a'} {self.role_label} person"

    @property
    def need(self) -> str:
        """What is missing, e.g. "an Accountable person" or "an active Responsible person (… is inactive)"."""
        if self.role == Role.CONSULTED:
            return "answers from its Consulted people (" + self.reason.rsplit(": ", 1)[-1].rstrip(".") + ")"
        if self.inactive:
            return f"an active {self.role_label} person ({self.inactive} is inactive)"
        return self.role_needed


def gate_refusal(
    step: LifecycleStep, transition: str, holders: Iterable[RaciAssignment], answered: Iterable[int] = ()
) -> GateRefusal | None:
    """The RACI gate: start and reopen need an Accountable person, finish also a
    Responsible one, and an answer (or a waiver) from every active Consulted person;
    an inactive person's A or R does not count. ``holders`` are the step's assignments
    (their users loaded), ``answered`` the ids of Consulted people with a consultation
    row (``raci.duties``). None when the gate lets the transition through.
    ``raci.services.step_transition`` enforces this; pages offer only the transitions
    that pass it (``step_actions``)."""
    if transition not in (Transition.START, Transition.REOPEN, Transition.FINISH):
        return None
    holders = list(holders)
    refusal = _working_refusal(step, transition, holders)
    if refusal is None and transition == Transition.FINISH:
        refusal = _consultation_refusal(step, holders, set(answered))
    return refusal


def _consultation_refusal(step: LifecycleStep, holders: list[RaciAssignment], answered: set[int]) -> GateRefusal | None:
    waiting = sorted(
        h.user.display_name
        for h in holders
        if h.role == Role.CONSULTED and h.user.is_active and h.user_id not in answered
    )
    if not waiting:
        return None
    reason = (
        f"Step {step.number}, {step.name}, cannot finish: Consulted "
        f"{'person has' if len(waiting) == 1 else 'people have'} not answered yet: {', '.join(waiting)}."
    )
    return GateRefusal(step.number, Transition.FINISH, Role.CONSULTED, None, reason)


def _working_refusal(step: LifecycleStep, transition: str, holders: list[RaciAssignment]) -> GateRefusal | None:
    working = sorted((h for h in holders if h.role in WORKING_ROLES), key=lambda h: (h.role, h.user_id))
    verb = "finish" if transition == Transition.FINISH else "start"
    needed = WORKING_ROLES if transition == Transition.FINISH else (Role.ACCOUNTABLE,)
    for role in sorted(needed, key=lambda r: r != Role.ACCOUNTABLE):
        label = Role(role).label
        if any(h.role == role and h.user.is_active for h in working):
            continue
        inactive = [h.user.display_name for h in working if h.role == role]
        if inactive:
            reason = f"Step {step.number}, {step.name}, cannot {verb}: its {label} person, {inactive[0]}, is inactive."
        else:
            article = "an" if role == Role.ACCOUNTABLE else "a"
            reason = f"Step {step.number}, {step.name}, cannot {verb} without {article} {label} person."
        return GateRefusal(step.number, transition, role, inactive[0] if inactive else None, reason)
    return None


def step_actions(step: LifecycleStep) -> tuple[list[tuple[str, str]], list[GateRefusal]]:
    """For a step read by ``steps_with_people``: the transitions that can succeed
    now, as (transition, label), and for those its status allows but the gate
    refuses, why (no query)."""
    offered, refused = [], []
    for transition in available_transitions(step):
        refusal = gate_refusal(step, transition, step.assignment_list, getattr(step, "answered_ids", ()))
        if refusal is None:
            offered.append((transition, Transition.LABELS[transition]))
        else:
            refused.append(refusal)
    return offered, refused


# --- Bulk changes to a matrix, as a preview: raci.views applies one through matrix_save ---------

# Steps IT leads: IT, IT jointly with Marketing, IT then Marketing (and step 3 when IT leads
# the requirements, stored as IT). The joint vendor choice is nobody's side.
IT_LED_SIDES = (SuggestedSide.IT, SuggestedSide.IT_WITH_MARKETING, SuggestedSide.IT_THEN_MARKETING)


def is_it_step(step: LifecycleStep) -> bool:
    return step.suggested_side in IT_LED_SIDES


def accountable_side(step: LifecycleStep, project: Project) -> str:
    """The side whose person a step's suggested Accountable is: IT for the IT-led
    steps, the budget owner's side for the joint vendor choice, Marketing otherwise."""
    if step.suggested_side == SuggestedSide.JOINT:
        return project.budget_owner_side
    if step.suggested_side == SuggestedSide.PER_PROJECT:
        return project.requirements_side
    return Side.IT if is_it_step(step) else Side.MARKETING


def suggested_accountable(project: Project, side: str) -> tuple[User | None, str]:
    """The person a step of ``side`` is suggested for, and why (their place in the
    project): on IT's side the IT lead, else the IT sponsor; on Marketing's the
    owner when on the Marketing side, else the marketing sponsor. The people who
    run the project come before the sponsors, who are its escalation (as for
    reminders: ``raci.reminder_plan``). Inactive people are never suggested."""
    if side == Side.IT:
        options = [(project.it_lead, "IT lead"), (project.it_sponsor, "IT sponsor")]
    else:
        owner = project.owner if project.owner.side == Side.MARKETING else None
        options = [(owner, "owner"), (project.marketing_sponsor, "marketing sponsor")]
    for person, why in options:
        if person is not None and person.is_active:
            return person, why
    return None, ""


@dataclass(frozen=True)
class BulkChange:
    """One cell a bulk change sets: ``person``'s role on ``step`` from ``before`` to ``after`` ("" = none)."""

    step: LifecycleStep
    person: User
    before: str
    after: str
    note: str = ""

    @property
    def before_label(self) -> str:
        return Role(self.before).label if self.before else "no role"

    @property
    def after_label(self) -> str:
        return Role(self.after).label if self.after else "no role"

    @property
    def posted(self) -> str:
        """The change as the preview's form posts it back: "user id:step number:role"."""
        return f"{self.person.pk}:{self.step.number}:{self.after}"


@dataclass(frozen=True)
class BulkSkip:
    step: LifecycleStep
    reason: str


@dataclass
class BulkPlan:
    """What a bulk change would do to the matrix at ``version``, and the steps it leaves alone and why."""

    version: int
    changes: list[BulkChange]
    skipped: list[BulkSkip]

    @property
    def steps_changed(self) -> int:
        return len({c.step.number for c in self.changes})


def _role_of(step: LifecycleStep, person: User) -> str:
    return next((a.role for a in step.assignment_list if a.user_id == person.pk), "")


def _holders(step: LifecycleStep, role: str) -> list[User]:
    return [a.user for a in step.assignment_list if a.role == role]


def _keeps_working_roles(step: LifecycleStep, person: User, new_role: str) -> str:
    """Why ``person`` may not take ``new_role`` on a finished step ("" when they may):
    a done step keeps its Accountable and Responsible people."""
    held = _role_of(step, person)
    if step.status != StepStatus.DONE or held not in WORKING_ROLES or held == new_role:
        return ""
    if len(_holders(step, held)) == 1:
        return f"The step is done and {person.display_name} is its only {Role(held).label} person."
    return ""


def suggested_accountable_plan(project: Project) -> BulkPlan:
    """For every step with no (active) Accountable person: make the suggested
    side's person (``suggested_accountable``) Accountable; an inactive person's
    A on the step is cleared in the same save (one A per step). Reads the matrix
    at the version it returns (three queries)."""
    version = matrix_version(project)
    changes, skipped = [], []
    for step in steps_with_people(project):
        if step.accountable is not None:
            continue
        side = accountable_side(step, project)
        person, why = suggested_accountable(project, side)
        if person is None:
            wanted = "IT lead or IT sponsor" if side == Side.IT else "Marketing-side owner or marketing sponsor"
            skipped.append(BulkSkip(step, f"The project has no active {wanted} to suggest: assign one in the matrix."))
            continue
        refusal = _keeps_working_roles(step, person, Role.ACCOUNTABLE)
        if refusal:
            skipped.append(BulkSkip(step, refusal))
            continue
        held = _role_of(step, person)
        note = f"{Side(side).label} side: the project's {why}"
        if held == Role.RESPONSIBLE:
            note += "; no longer Responsible (one role per step): the step needs another Responsible person to finish"
        changes.append(BulkChange(step, person, held, Role.ACCOUNTABLE, note))
        if step.inactive_accountable is not None:
            gone = step.inactive_accountable
            changes.append(BulkChange(step, gone, Role.ACCOUNTABLE, "", "inactive: their A no longer counts"))
    return BulkPlan(version, changes, skipped)


def it_steps_plan(project: Project, person: User, role: str) -> BulkPlan:
    """Give ``person`` the role ``role`` on every IT-led step (``is_it_step``),
    keeping one Accountable person per step: a step whose A is someone else
    (active) is skipped, an inactive person's A is cleared. Three queries."""
    version = matrix_version(project)
    changes, skipped = [], []
    for step in steps_with_people(project):
        if not is_it_step(step):
            continue
        held = _role_of(step, person)
        if held == role:
            skipped.append(BulkSkip(step, f"{person.display_name} is already {Role(role).label}."))
            continue
        others = [u for u in _holders(step, Role.ACCOUNTABLE) if u.pk != person.pk]
        if role == Role.ACCOUNTABLE and any(u.is_active for u in others):
            names = ", ".join(u.display_name for u in others)
            skipped.append(BulkSkip(step, f"Conflict: {names} is Accountable (one per step). Change it in the matrix."))
            continue
        refusal = _keeps_working_roles(step, person, role)
        if refusal:
            skipped.append(BulkSkip(step, refusal))
            continue
        note = "the step will have no Accountable person" if held == Role.ACCOUNTABLE else ""
        changes.append(BulkChange(step, person, held, role, note))
        if role == Role.ACCOUNTABLE:
            for gone in others:
                changes.append(BulkChange(step, gone, Role.ACCOUNTABLE, "", "inactive: their A no longer counts"))
    return BulkPlan(version, changes, skipped)
