"""Reminders, part 1: which steps to chase and who is reminded of what.

Reads only; nothing here writes or sends. ``raci.reminder_sweep`` runs a plan.

* A step is chased when its project is active, it has no Accountable person,
  it is not done, and it is in progress, due within
  ``TANDEM_REMINDER_DUE_WITHIN_DAYS`` or overdue.
* Its project's IT lead and owner are reminded; once the step has stayed
  unowned ``TANDEM_REMINDER_ESCALATE_AFTER_DAYS`` after its first reminder, the
  marketing and IT sponsors too (an escalation). Inactive people and people
  who turned reminders off are skipped; when nobody is left, the
  administrators are reminded instead.
* A person already reminded of a step within the last period
  (``TANDEM_REMINDER_PERIOD_HOURS``) is left out, even across a period boundary.
* Each person gets one digest (``Digest``) listing all their steps.

Planning takes a fixed handful of queries, whatever the number of projects. It
reads the chased steps as plain values (``ChasedStep``), not model instances: a
sweep may chase 10,000 steps of 10,000 projects shared by a few dozen people,
and building a step, a project and four people per step cost seconds
(docs/benchmarks.md, "Reminder sweep"). The people are read once each; the
e-mails load the few steps they list (``raci.reminder_mail``).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.models import User
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from raci.going_alone import going_alone_label, with_going_alone
from raci.models import RaciAssignment, Reminder, ReminderReason, Role
from raci.selectors import accountable_exists

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def period_length() -> timedelta:
    return timedelta(hours=settings.TANDEM_REMINDER_PERIOD_HOURS)


def period_start(now: datetime) -> datetime:
    """The start of the fixed period ``now`` falls in (periods count from the epoch)."""
    seconds = int(period_length().total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def steps_to_chase(*, now: datetime, project_ids: list[int] | None = None) -> QuerySet[LifecycleStep]:
    """Steps that need an Accountable person now, with ``first_reminded_at``:
    the first reminder sent since the step last had (or lost) an Accountable."""
    due_by = timezone.localdate(now) + timedelta(days=settings.TANDEM_REMINDER_DUE_WITHIN_DAYS)
    last_accountable_change = (
        RaciAssignment.history.filter(step_id=OuterRef(OuterRef("pk")), role=Role.ACCOUNTABLE)
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    first_reminder = (
        Reminder.objects.filter(step=OuterRef("pk"), sent_at__isnull=False)
        .filter(sent_at__gt=Coalesce(Subquery(last_accountable_change), Value(EPOCH, output_field=DateTimeField())))
        .order_by("sent_at")
        .values("sent_at")[:1]
    )
    steps = (
        LifecycleStep.objects.filter(~accountable_exists(), project__status=ProjectStatus.ACTIVE)
        .exclude(status=StepStatus.DONE)
        .filter(Q(status=StepStatus.IN_PROGRESS) | Q(due_date__lte=due_by))
    )
    if project_ids is not None:
        steps = steps.filter(project_id__in=project_ids)
    return steps.annotate(first_reminded_at=Subquery(first_reminder)).select_related(
        "project__owner", "project__it_lead", "project__marketing_sponsor", "project__it_sponsor"
    )


@dataclass(slots=True)
class ChasedProject:
    pk: int
    name: str


@dataclass(slots=True)
class ChasedStep:
    """What planning and sorting need of a chased step; the digest loads the
    ``LifecycleStep`` itself for the steps it lists."""

    pk: int
    number: int
    due_date: date | None
    project: ChasedProject
    first_reminded_at: datetime | None


# The chased step's columns planning reads, in ``ChasedStep``'s order, then its project's people.
STEP_VALUES = ("pk", "number", "due_date", "project_id", "project__name", "first_reminded_at")
PEOPLE_VALUES = ("project__it_lead_id", "project__owner_id", "project__marketing_sponsor_id", "project__it_sponsor_id")
PEOPLE_REASONS = (ReminderReason.IT_LEAD, ReminderReason.OWNER, ReminderReason.SPONSOR, ReminderReason.SPONSOR)


@dataclass(slots=True)
class Planned:
    """One person to remind of one step."""

    step: ChasedStep
    recipient: User
    reason: str
    escalation: bool
    # Past its due date at the run's ``now`` and not done (started or not): the
    # digest says "overdue", not only "not started".
    overdue: bool = False


@dataclass
class Digest:
    """Everything one person is reminded of in one run: one e-mail."""

    recipient: User
    items: list[Planned]
    # The active projects this person sponsors where one side goes it alone
    # (``raci.going_alone``): (project, "Marketing is going it alone").
    going_alone: list[tuple[Project, str]] = field(default_factory=list)
    # What else the digest carries (raci.reminder_extras): the inform items this run
    # claimed for the person, and the registered sections with something for them.
    informed: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    # The steps the e-mail lists, loaded for a run's digests at once (``raci.reminder_mail.load_listed``).
    listed: list | None = None

    @property
    def has_content(self) -> bool:
        return bool(self.items or self.informed or self.sections)

    @property
    def escalation(self) -> bool:
        return any(i.escalation for i in self.items)

    @property
    def roles(self) -> str:
        """Why this person is reminded, e.g. "IT lead, Project owner"."""
        return ", ".join(sorted({ReminderReason(i.reason).label for i in self.items}))


def by_person(planned: list[Planned]) -> list[Digest]:
    """One digest per person, in a stable order."""
    digests: dict[int, Digest] = {}
    for item in planned:
        digests.setdefault(item.recipient.pk, Digest(item.recipient, [])).items.append(item)
    return sorted(digests.values(), key=lambda d: d.recipient.pk)


@dataclass
class ReminderPlan:
    """What a run would send: the steps found and the reminders still due."""

    steps: list[ChasedStep]
    planned: list[Planned]

    @property
    def digests(self) -> list[Digest]:
        return by_person(self.planned)


def administrators() -> list[User]:
    """Active administrators with an e-mail address."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True))
        .exclude(email="")
        .order_by("pk")
    )


def plan(rows: list[tuple], people: dict[int, User], *, now: datetime, administrators: list[User]) -> ReminderPlan:
    """Who is reminded of which step, and whether it is an escalation.

    ``rows``: the chased steps' ``STEP_VALUES`` then ``PEOPLE_VALUES`` (IT lead,
    owner, marketing sponsor, IT sponsor); ``people``: those people by id."""
    escalate_before = now - timedelta(days=settings.TANDEM_REMINDER_ESCALATE_AFTER_DAYS)
    today = timezone.localdate(now)
    remindable = {pk for pk, person in people.items() if person.is_active and person.reminders_enabled}
    projects: dict[int, ChasedProject] = {}
    steps: list[ChasedStep] = []
    planned: list[Planned] = []
    for pk, number, due_date, project_id, project_name, first_reminded_at, *ids in rows:
        project = projects.get(project_id)
        if project is None:
            project = projects[project_id] = ChasedProject(project_id, project_name)
        step = ChasedStep(pk, number, due_date, project, first_reminded_at)
        steps.append(step)
        overdue = due_date is not None and due_date < today
        escalation = first_reminded_at is not None and first_reminded_at <= escalate_before
        chosen: dict[int, Planned] = {}
        chased_people = 4 if escalation else 2  # the sponsors on an escalation only
        for person_id, reason in zip(ids[:chased_people], PEOPLE_REASONS[:chased_people], strict=True):
            if person_id in remindable and person_id not in chosen:
                sponsor = reason == ReminderReason.SPONSOR
                chosen[person_id] = Planned(step, people[person_id], reason, escalation and sponsor, overdue)
        if not chosen:
            for person in administrators:
                chosen[person.pk] = Planned(step, person, ReminderReason.ADMINISTRATOR, escalation, overdue)
        planned.extend(chosen.values())
    return ReminderPlan(steps, planned)


# Beyond this many steps reminded within the last period, ``plan_reminders`` reads their
# reminders with the chase query as a subquery rather than a list of ids (SQLite's limit).
RECENT_BY_ID = 10_000


def plan_reminders(*, now: datetime, project_ids: list[int] | None = None) -> ReminderPlan:
    """The reminders due at ``now`` (of these projects only, if given).

    Which people were reminded of a step within the last period is read only for
    the steps reminded at all within it (an ``EXISTS`` on each step's reminders):
    the first sweep of a period finds none, and skips running the chase again."""
    chase = steps_to_chase(now=now, project_ids=project_ids)
    recently = Reminder.objects.filter(step=OuterRef("pk"), sent_at__gt=now - period_length())
    rows = list(
        chase.annotate(reminded_recently=Exists(recently))
        .order_by("project__name", "project_id", "number")
        .values_list(*STEP_VALUES, *PEOPLE_VALUES, "reminded_recently")
    )
    reminded = [row[0] for row in rows if row[-1]]
    rows = [row[:-1] for row in rows]
    ids = {person_id for row in rows for person_id in row[len(STEP_VALUES) :] if person_id is not None}
    people = {person.pk: person for person in User.objects.filter(pk__in=sorted(ids))} if ids else {}
    found = plan(rows, people, now=now, administrators=administrators())
    if reminded:
        steps = reminded if len(reminded) <= RECENT_BY_ID else chase.values("pk")
        recent = set(
            Reminder.objects.filter(step__in=steps, sent_at__gt=now - period_length()).values_list(
                "step_id", "recipient_id"
            )
        )
        found.planned = [p for p in found.planned if (p.step.pk, p.recipient.pk) not in recent]
    return found


def add_going_alone(digests: list[Digest]) -> list[Digest]:
    """Tell each sponsor among the recipients which of their active projects go it
    alone (one query, whatever the number of digests)."""
    by_recipient = {digest.recipient.pk: digest for digest in digests}
    sponsored = Q(marketing_sponsor_id__in=by_recipient) | Q(it_sponsor_id__in=by_recipient)
    flagged = (
        with_going_alone(Project.objects.filter(sponsored, status=ProjectStatus.ACTIVE))
        .filter(Q(marketing_going_alone=True) | Q(it_going_alone=True))
        .order_by("name", "pk")
    )
    for project in flagged:
        label = going_alone_label("marketing" if project.marketing_going_alone else "it")
        for sponsor_id in {project.marketing_sponsor_id, project.it_sponsor_id} & by_recipient.keys():
            by_recipient[sponsor_id].going_alone.append((project, label))
    return digests
