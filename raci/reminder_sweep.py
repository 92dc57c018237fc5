"""Reminders, part 2: the sweep, and the claim protocol that makes it safe to run anywhere.

``sweep()`` is what Celery beat runs every hour (``raci.tasks``), what runs
for one project after a commit that removed an Accountable person, and what
``manage.py send_reminders`` runs. With any number of workers and beats, each
reminder goes out once: the database decides, not Celery (docs/reliability.md).

1. Plan (``raci.reminder_plan``): which steps, which people.
2. Safety net (``raci.reminder_safety_net``): too many people? Hold the run.
3. Insert one ``Reminder`` row per (step, person, period); rows that exist
   already are left as they are (``INSERT … ON CONFLICT DO NOTHING``).
4. Claim: one conditional UPDATE takes this period's rows that are unsent and
   unclaimed (or whose claim went stale: its worker died), then the rows with
   this run's token are read back. A row is claimed by exactly one run.
5. Send each person's digest (``raci.reminder_mail``), then mark its rows sent,
   only where the claim is still this run's. A send that raises releases its
   claim at once, so the next run retries it.

Every timestamp a run writes comes from its clock (``RunClock``), which starts
at the ``now`` it was given. The queries of a sweep do not depend on the number
of projects or steps: a fixed handful to plan, create and claim, then one per
recipient (marking the digest sent), and recipients are capped by the safety net.
"""

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from raci import reminder_mail, reminder_safety_net
from raci.models import Reminder, ReminderRun, ReminderRunStatus
from raci.reminder_plan import Digest, Planned, by_person, period_start, plan_reminders

logger = logging.getLogger(__name__)


class RunClock:
    """A run's time: ``start`` (the sweep's ``now``), then moving on with the
    real time elapsed since, so a run given a ``now`` writes no wall-clock
    timestamp, and its records still show how long the sending took."""

    def __init__(self, start: datetime):
        self.start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._origin)


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


def sweep(
    *,
    trigger: str = "schedule",
    project_ids: list[int] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> SweepResult:
    """Find unowned steps, claim their reminders and send one digest per person.

    With ``dry_run`` nothing is written or sent: the result says what would be.
    ``now`` (default: the current time) is the moment the run takes place.
    """
    clock = RunClock(now or timezone.now())
    reminders = plan_reminders(now=clock.start, project_ids=project_ids)
    result = SweepResult(steps_found=len(reminders.steps), digests=reminders.digests)
    if dry_run or not reminders.planned:
        return result
    if reminder_safety_net.holds(recipients=result.recipients, now=clock.now()):
        result.held = True
        result.run = reminder_safety_net.hold(
            trigger=trigger, steps_found=result.steps_found, recipients=result.recipients, now=clock.now()
        )
        return result

    result.run = ReminderRun.objects.create(
        trigger=trigger, started_at=clock.now(), steps_found=result.steps_found, recipients=result.recipients
    )
    period = period_start(clock.start)
    _create_rows(reminders.planned, period, clock.now())
    claim = _claim(result.run, period, reminders.planned, clock.now())
    result.digests = by_person(claim.planned)
    _send_all(result, claim, clock)
    return result


def _create_rows(planned: list[Planned], period: datetime, now: datetime) -> None:
    """One row per planned reminder; a row another run created already stays as it is."""
    Reminder.objects.bulk_create(
        [
            Reminder(
                step=p.step,
                recipient=p.recipient,
                period_start=period,
                reason=p.reason,
                escalation=p.escalation,
                created_at=now,
            )
            for p in planned
        ],
        # One INSERT on PostgreSQL whatever the size; SQLite splits by its variable limit.
        ignore_conflicts=True,
    )


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
    stale = now - timedelta(seconds=settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS)
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


def _send_all(result: SweepResult, claim: Claim, clock: RunClock) -> None:
    """Send every claimed digest, then record the run's outcome."""
    sent = 0
    for digest in result.digests:
        if _send(digest, claim, clock):
            sent += len(digest.items)
        else:
            result.failures += 1
    ReminderRun.objects.filter(pk=result.run.pk).update(
        status=ReminderRunStatus.FINISHED,
        finished_at=clock.now(),
        recipients=len(result.digests),
        emails_sent=len(result.digests) - result.failures,
        reminders_sent=sent,
        failures=result.failures,
    )
    result.run.refresh_from_db()


def _send(digest: Digest, claim: Claim, clock: RunClock) -> bool:
    """Send one digest; mark its rows sent, or release them for the next run."""
    pairs = {(i.step.pk, i.recipient.pk) for i in digest.items}
    ids = [pk for pk, pair in claim.rows.items() if pair in pairs]
    mine = Reminder.objects.filter(pk__in=ids, claim_token=claim.token)
    try:
        reminder_mail.send_digest(digest)
    except Exception as error:  # any failure: the claim is released and the next run retries
        logger.exception("Reminder to %s failed", digest.recipient.email)
        mine.update(claim_token="", claimed_at=None, last_error=str(error)[:1000])
        return False
    mine.update(sent_at=clock.now(), last_error="")
    return True
