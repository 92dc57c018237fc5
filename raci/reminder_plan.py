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

Planning takes a fixed handful of queries, whatever the number of projects.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery, Value
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


@dataclass
class Planned:
    """One person to remind of one step."""

    step: LifecycleStep
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

    steps: list[LifecycleStep]
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


def plan(steps: list[LifecycleStep], *, now: datetime, administrators: list[User]) -> list[Planned]:
    """Who is reminded of which step, and whether it is an escalation."""
    escalate_before = now - timedelta(days=settings.TANDEM_REMINDER_ESCALATE_AFTER_DAYS)
    today = timezone.localdate(now)
    planned: list[Planned] = []
    for step in steps:
        project = step.project
        overdue = step.due_date is not None and step.due_date < today
        escalation = step.first_reminded_at is not None and step.first_reminded_at <= escalate_before
        people = [(project.it_lead, ReminderReason.IT_LEAD), (project.owner, ReminderReason.OWNER)]
        if escalation:
            people += [
                (project.marketing_sponsor, ReminderReason.SPONSOR),
                (project.it_sponsor, ReminderReason.SPONSOR),
            ]
        chosen: dict[int, Planned] = {}
        for person, reason in people:
            if person is None or person.pk in chosen or not person.is_active or not person.reminders_enabled:
                continue
            chosen[person.pk] = Planned(step, person, reason, escalation and reason == ReminderReason.SPONSOR, overdue)
        if not chosen:
            for admin in administrators:
                chosen[admin.pk] = Planned(step, admin, ReminderReason.ADMINISTRATOR, escalation, overdue)
        planned.extend(chosen.values())
    return planned


def plan_reminders(*, now: datetime, project_ids: list[int] | None = None) -> ReminderPlan:
    """The reminders due at ``now`` (of these projects only, if given)."""
    chase = steps_to_chase(now=now, project_ids=project_ids)
    steps = list(chase.order_by("project__name", "project_id", "number"))
    planned = plan(steps, now=now, administrators=administrators())
    recent = set(
        Reminder.objects.filter(step__in=chase.values("pk"), sent_at__gt=now - period_length()).values_list(
            "step_id", "recipient_id"
        )
    )
    return ReminderPlan(steps, [p for p in planned if (p.step.pk, p.recipient.pk) not in recent])


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
