"""Reminders: chase every step of an active project that has no Accountable person.

The rules (DESIGN.md, issue "Reminders"):

* a step is chased when its project is active, it has no Accountable person,
  it is not done, and it is in progress, due within ``DUE_WITHIN_DAYS`` or
  overdue;
* its project's IT lead and owner are reminded; once the step has stayed
  unowned ``ESCALATE_AFTER_DAYS`` after its first reminder, the marketing and IT
  sponsors too (an escalation); inactive people and people who turned reminders
  off are skipped; when nobody is left, the administrators are told instead;
* each person gets one digest per run, and at most one reminder per step per
  period, however many runs, beats or redelivered tasks there are: the
  database decides, through a ``Reminder`` row unique per (step, person,
  period) that a run must *claim* with a conditional UPDATE before sending
  (healthchecks' ``sendalerts`` pattern);
* a claim whose send failed is released at once, and one whose worker died
  goes stale after ``CLAIM_TIMEOUT_SECONDS``: either way the next run sends it;
* a run that would e-mail more than ``MAX_RECIPIENTS`` people sends nothing and
  tells the administrators, until one of them releases it.

The queries of a sweep do not depend on the number of projects or steps: a
fixed handful to select, plan, create and claim, then one per recipient
(marking the digest sent), and recipients are capped by the safety net.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from governance.models import User
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from raci.models import RaciAssignment, Reminder, ReminderReason, ReminderRun, ReminderRunStatus, Role
from raci.selectors import accountable_exists

logger = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _setting(name: str) -> int:
    return getattr(settings, f"TANDEM_REMINDER_{name}")


def period_length() -> timedelta:
    return timedelta(hours=_setting("PERIOD_HOURS"))


def period_start(now: datetime) -> datetime:
    """The start of the fixed period ``now`` falls in (periods count from the epoch)."""
    seconds = int(period_length().total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def steps_to_chase(*, now: datetime, project_ids: list[int] | None = None) -> QuerySet[LifecycleStep]:
    """Steps that need an Accountable person now, with ``first_reminded_at``:
    the first reminder sent since the step last had (or lost) an Accountable."""
    due_by = timezone.localdate(now) + timedelta(days=_setting("DUE_WITHIN_DAYS"))
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
    step: LifecycleStep
    recipient: User
    reason: str
    escalation: bool


@dataclass
class Digest:
    recipient: User
    items: list[Planned]

    @property
    def projects(self) -> list[dict]:
        grouped: dict[int, dict] = {}
        for item in sorted(self.items, key=lambda i: (i.step.project.name, i.step.number)):
            project = item.step.project
            entry = grouped.setdefault(
                project.pk,
                {
                    "project": project,
                    "matrix_url": settings.SITE_URL + reverse("raci:matrix", kwargs={"slug": project.slug}),
                    "steps": [],
                },
            )
            entry["steps"].append(item)
        return list(grouped.values())

    @property
    def escalation(self) -> bool:
        return any(i.escalation for i in self.items)

    @property
    def roles(self) -> str:
        """Why this person is reminded, e.g. "IT lead, Project owner"."""
        return ", ".join(sorted({ReminderReason(i.reason).label for i in self.items}))


@dataclass
class SweepResult:
    run: ReminderRun | None = None
    held: bool = False
    steps_found: int = 0
    digests: list[Digest] = field(default_factory=list)
    failures: int = 0

    @property
    def recipients(self) -> int:
        return len(self.digests)


def _administrators() -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True))
        .exclude(email="")
        .order_by("pk")
    )


def plan(steps: list[LifecycleStep], *, now: datetime, administrators: list[User]) -> list[Planned]:
    """Who is reminded of which step, and whether it is an escalation."""
    escalate_before = now - timedelta(days=_setting("ESCALATE_AFTER_DAYS"))
    planned: list[Planned] = []
    for step in steps:
        project = step.project
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
            chosen[person.pk] = Planned(step, person, reason, escalation and reason == ReminderReason.SPONSOR)
        if not chosen:
            for admin in administrators:
                chosen[admin.pk] = Planned(step, admin, ReminderReason.ADMINISTRATOR, escalation)
        planned.extend(chosen.values())
    return planned


def _digests(planned: list[Planned]) -> list[Digest]:
    by_person: dict[int, Digest] = {}
    for item in planned:
        by_person.setdefault(item.recipient.pk, Digest(item.recipient, [])).items.append(item)
    return sorted(by_person.values(), key=lambda d: d.recipient.pk)


def sweep(
    *, trigger: str = "schedule", project_ids: list[int] | None = None, dry_run: bool = False, now=None
) -> SweepResult:
    """Find unowned steps, claim their reminders and send one digest per person.

    With ``dry_run`` nothing is written or sent: the result says what would be.
    """
    now = now or timezone.now()
    period = period_start(now)
    chase = steps_to_chase(now=now, project_ids=project_ids)
    steps = list(chase.order_by("project__name", "project_id", "number"))
    planned = plan(steps, now=now, administrators=_administrators())
    recent = set(
        Reminder.objects.filter(step__in=chase.values("pk"), sent_at__gt=now - period_length()).values_list(
            "step_id", "recipient_id"
        )
    )
    planned = [p for p in planned if (p.step.pk, p.recipient.pk) not in recent]
    result = SweepResult(steps_found=len(steps), digests=_digests(planned))
    if dry_run or not planned:
        return result

    if result.recipients > _setting("MAX_RECIPIENTS") and not _use_release(now):
        result.held = True
        result.run = _hold(result, trigger)
        return result

    run = ReminderRun.objects.create(trigger=trigger, steps_found=len(steps), recipients=result.recipients)
    result.run = run
    Reminder.objects.bulk_create(
        [
            Reminder(step=p.step, recipient=p.recipient, period_start=period, reason=p.reason, escalation=p.escalation)
            for p in planned
        ],
        # One INSERT on PostgreSQL whatever the size; SQLite splits by its variable limit.
        ignore_conflicts=True,
    )
    claim = _claim(run, period, planned, now)
    result.digests = _digests(claim.planned)
    sent = 0
    for digest in result.digests:
        if _send(digest, claim):
            sent += len(digest.items)
        else:
            result.failures += 1
    ReminderRun.objects.filter(pk=run.pk).update(
        status=ReminderRunStatus.FINISHED,
        finished_at=timezone.now(),
        recipients=len(result.digests),
        emails_sent=len(result.digests) - result.failures,
        reminders_sent=sent,
        failures=result.failures,
    )
    run.refresh_from_db()
    return result


@dataclass
class Claim:
    token: str
    rows: dict[int, tuple[int, int]]  # reminder id -> (step id, recipient id)
    planned: list[Planned]


def _claim(run: ReminderRun, period: datetime, planned: list[Planned], now: datetime) -> Claim:
    """Claim this period's unsent rows for the planned pairs; return what we own.

    The UPDATE's WHERE is the lock: a row another run claimed (and whose claim
    is not stale) or already sent is not touched, so it is never sent twice.
    """
    token = uuid.uuid4().hex
    stale = now - timedelta(seconds=_setting("CLAIM_TIMEOUT_SECONDS"))
    wanted = {(p.step.pk, p.recipient.pk): p for p in planned}
    step_ids = sorted({p.step.pk for p in planned})
    recipient_ids = sorted({p.recipient.pk for p in planned})
    candidates = Reminder.objects.filter(period_start=period, sent_at=None, recipient_id__in=recipient_ids).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=stale)
    )
    if len(step_ids) <= 500:
        candidates = candidates.filter(step_id__in=step_ids)
    with transaction.atomic():
        candidates.update(claim_token=token, claimed_at=now, run=run, attempts=F("attempts") + 1)
    owned = list(Reminder.objects.filter(claim_token=token).values_list("pk", "step_id", "recipient_id"))
    stray = [pk for pk, step_id, recipient_id in owned if (step_id, recipient_id) not in wanted]
    if stray:  # a row of this period that this run did not plan (preferences changed): leave it be
        Reminder.objects.filter(pk__in=stray).update(claim_token="", claimed_at=None)
    stray_ids = set(stray)
    mine = {pk: (step_id, recipient_id) for pk, step_id, recipient_id in owned if pk not in stray_ids}
    return Claim(token, mine, [wanted[pair] for pair in mine.values()])


def _send(digest: Digest, claim: Claim) -> bool:
    """Send one digest; mark its rows sent, or release them for the next run."""
    token = claim.token
    pairs = {(i.step.pk, i.recipient.pk) for i in digest.items}
    ids = [pk for pk, pair in claim.rows.items() if pair in pairs]
    try:
        message = digest_message(digest)
        message.send()
    except Exception as error:  # any failure: the claim is released and the next run retries
        logger.exception("Reminder to %s failed", digest.recipient.email)
        Reminder.objects.filter(pk__in=ids, claim_token=token).update(
            claim_token="", claimed_at=None, last_error=str(error)[:1000]
        )
        return False
    Reminder.objects.filter(pk__in=ids, claim_token=token).update(sent_at=timezone.now(), last_error="")
    return True


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    steps = len(digest.items)
    subject = f"Tandem: {steps} step{'s' if steps != 1 else ''} need{'s' if steps == 1 else ''} an accountable owner"
    if digest.escalation:
        subject = f"[Escalation] {subject}"
    context = {
        "digest": digest,
        "recipient": digest.recipient,
        "projects": digest.projects,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("raci/email/digest.txt", context),
        from_email=settings.TANDEM_REMINDER_FROM_EMAIL,
        to=[digest.recipient.email],
    )
    message.attach_alternative(render_to_string("raci/email/digest.html", context), "text/html")
    return message


# --- Safety net ----------------------------------------------------------------------


def _use_release(now: datetime) -> bool:
    """Consume an administrator's release, if there is one (exactly one run may)."""
    release = (
        ReminderRun.objects.filter(status=ReminderRunStatus.RELEASED, release_used_at=None)
        .order_by("-released_at")
        .first()
    )
    if release is None:
        return False
    return ReminderRun.objects.filter(pk=release.pk, release_used_at=None).update(release_used_at=now) == 1


def _hold(result: SweepResult, trigger: str) -> ReminderRun:
    """Record a held run and tell the administrators, once per held run."""
    pending = ReminderRun.objects.filter(status=ReminderRunStatus.HELD).order_by("-started_at").first()
    if pending is not None:
        ReminderRun.objects.filter(pk=pending.pk).update(recipients=result.recipients, steps_found=result.steps_found)
        return pending
    run = ReminderRun.objects.create(
        trigger=trigger,
        status=ReminderRunStatus.HELD,
        steps_found=result.steps_found,
        recipients=result.recipients,
        finished_at=timezone.now(),
        note=f"Would e-mail {result.recipients} people (limit {_setting('MAX_RECIPIENTS')}).",
    )
    admin_url = settings.SITE_URL + reverse("admin:raci_reminderrun_change", args=[run.pk])
    notify_administrators(
        subject=f"Tandem held a reminder run: {result.recipients} people",
        body=(
            f"A reminder run would have e-mailed {result.recipients} people about {result.steps_found} steps "
            f"with no accountable owner, more than the limit of {_setting('MAX_RECIPIENTS')}.\n"
            f"Nothing was sent. If this is expected, release it: {admin_url}\n"
        ),
    )
    return run


def release_held_run(*, actor: User, run: ReminderRun) -> bool:
    """An administrator lets the next run go ahead despite the safety net."""
    if not (actor.is_active and (actor.is_staff or actor.is_superuser)):
        raise PermissionError("Only administrators release held reminder runs.")
    return (
        ReminderRun.objects.filter(pk=run.pk, status=ReminderRunStatus.HELD).update(
            status=ReminderRunStatus.RELEASED, released_by=actor, released_at=timezone.now()
        )
        == 1
    )


def notify_administrators(*, subject: str, body: str) -> int:
    recipients = [admin.email for admin in _administrators()]
    if not recipients:
        logger.warning("No administrator to tell: %s", subject)
        return 0
    return send_mail(subject, body, settings.TANDEM_REMINDER_FROM_EMAIL, recipients)


# --- Reads for pages ------------------------------------------------------------------


@dataclass
class SentDigest:
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


def counts_by_recipient(digests: list[Digest]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for digest in digests:
        counts[digest.recipient.email] += len(digest.items)
    return dict(counts)
