"""Reminders, part 2: the sweep, and the claim protocol that makes it safe to run anywhere.

``sweep()`` is what Celery beat runs every hour (``raci.tasks``), what runs
for one project after a commit that removed an Accountable person, and what
``manage.py send_reminders`` runs. With any number of workers and beats, each
reminder goes out once: the database decides, not Celery (docs/reliability.md).

1. Plan (``raci.reminder_plan``): which steps, which people.
2. Safety net (``raci.reminder_safety_net``): too many people? Hold the run.
3. Insert one ``Reminder`` row per (step, person, period), claimed by this run
   as it is created (its token, ``claimed_at``); rows that exist already are
   left as they are (``INSERT … ON CONFLICT DO NOTHING``): the unique
   constraint lets one run only create a row, so one run only holds it.
4. Claim: one conditional UPDATE takes this period's other rows that are unsent
   and unclaimed (or whose claim went stale: its worker died), then the rows
   with this run's token are read back. A row is claimed by exactly one run.
5. Send each person's digest (``raci.reminder_mail``): first record that the
   send starts (``send_started_at``), then hand it to the mail server, then
   mark its rows sent, each write only where the claim is still this run's.
   A send that raises releases its claim at once, so the next run retries it.
   A database write that fails (the server restarting, a dropped connection)
   is retried on a fresh connection for ``TANDEM_REMINDER_DB_RETRY_SECONDS``
   before the run gives up on that digest and carries on with the next. A row
   whose send started and was never marked sent is never claimed again: it may
   have been delivered (at most once; docs/reliability.md says why).
6. A run still "running" past the claim timeout (its worker was killed) is
   marked abandoned by the next sweep.

A periodic run's digests also carry inform items and registered sections
(``raci.reminder_extras``): the items are claimed with the same token and
started and marked sent in the same transaction as the person's reminders, so
the rules above hold for them too (docs/raci-duties.md).

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
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from raci import reminder_extras, reminder_mail, reminder_safety_net
from raci.models import DigestDelivery, InformItem, Reminder, ReminderRun, ReminderRunStatus
from raci.reminder_plan import Digest, Planned, add_going_alone, by_person, period_start, plan_reminders

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
    if not dry_run:
        abandon_stale_runs(now=clock.start)
    reminders = plan_reminders(now=clock.start, project_ids=project_ids)
    reminded = {p.recipient.pk for p in reminders.planned}
    # Inform items and registered sections (raci.reminder_extras): on the periodic run only.
    extras = (
        []
        if project_ids is not None
        else [p for p in reminder_extras.candidates(now=clock.start) if p.pk not in reminded]
    )
    result = SweepResult(
        steps_found=len(reminders.steps), digests=reminders.digests + [Digest(person, []) for person in extras]
    )
    if dry_run or not result.digests:
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
    token = uuid.uuid4().hex
    _create_rows(reminders.planned, period, result.run, token, clock.now())
    claim = _claim(result.run, token, period, reminders.planned, clock.now())
    digests = by_person(claim.planned)
    owned = reminder_extras.claim_deliveries(result.run, claim.token, period, extras, clock.now())
    digests += [Digest(person, []) for person in extras if person.pk in owned]
    result.digests = _with_extras(add_going_alone(digests), claim, clock)
    reminder_mail.load_listed(result.digests)
    _send_all(result, claim, clock)
    return result


def _with_extras(digests: list[Digest], claim: "Claim", clock: RunClock) -> list[Digest]:
    """Add each digest's inform items (claimed with the run's token) and sections; a
    digest left with nothing to say is dropped and its period's claim given back."""
    informed = reminder_extras.claim_inform_items(
        claim.run, claim.token, [d.recipient.pk for d in digests], clock.now()
    )
    for digest in digests:
        digest.informed = informed.get(digest.recipient.pk, [])
        digest.sections = reminder_extras.sections_for(digest.recipient)
    empty = [d.recipient.pk for d in digests if not d.has_content]
    if empty:
        reminder_extras.release(claim.token, empty)
    return [d for d in digests if d.has_content]


INSERT_CLAIMED = """
INSERT INTO raci_reminder (step_id, recipient_id, reason, escalation, period_start, created_at, run_id,
                           claim_token, claimed_at, attempts, last_error)
SELECT planned.*, %s::timestamptz, %s::timestamptz, %s::bigint, %s::varchar, %s::timestamptz, 1, ''
FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::boolean[]) AS planned
ON CONFLICT DO NOTHING
"""


def _create_rows(planned: list[Planned], period: datetime, run: ReminderRun, token: str, now: datetime) -> None:
    """One row per planned reminder, claimed by this run as it is created (its first
    attempt); a row another run created already stays as it is, for ``_claim``.

    Creating a row and claiming it in one write is the same claim: the unique
    constraint lets exactly one run create a row, so exactly one run holds it.
    On PostgreSQL one ``INSERT … SELECT FROM unnest(…)`` with four array
    parameters, whatever the size: building 20,000 instances for ``bulk_create``
    cost seconds (docs/benchmarks.md, "Reminder sweep")."""
    if not planned:
        return
    claimed = {"period_start": period, "created_at": now, "run": run, "claim_token": token, "claimed_at": now}
    if connection.vendor == "postgresql":
        columns = [
            [p.step.pk for p in planned],
            [p.recipient.pk for p in planned],
            [str(p.reason) for p in planned],
            [p.escalation for p in planned],
        ]
        with connection.cursor() as cursor:
            cursor.execute(INSERT_CLAIMED, [period, now, run.pk, token, now, *columns])
        return
    Reminder.objects.bulk_create(
        [
            Reminder(
                step_id=p.step.pk,
                recipient_id=p.recipient.pk,
                reason=p.reason,
                escalation=p.escalation,
                attempts=1,
                **claimed,
            )
            for p in planned
        ],
        ignore_conflicts=True,  # SQLite splits the INSERT by its variable limit
    )


@dataclass
class Claim:
    token: str
    rows: dict[int, list[int]]  # recipient id -> the ids of this run's reminders to them
    planned: list[Planned]
    run: ReminderRun | None = None


def _claim(run: ReminderRun, token: str, period: datetime, planned: list[Planned], now: datetime) -> Claim:
    """Claim this period's unsent rows for the planned pairs that this run did not
    create (another run created them and died, or a send failed); return what we own.

    The UPDATE's WHERE is the lock: a row another run claimed (and whose claim
    is not stale) or already sent is not touched, so it is never sent twice.
    The rows this run created carry its token already and a fresh claim: the
    UPDATE leaves them as they are.
    """
    if not planned:  # nothing to remind of: the token still claims inform items and digests
        return Claim(token, {}, [], run)
    stale = now - timedelta(seconds=settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS)
    wanted = {(p.step.pk, p.recipient.pk): p for p in planned}
    step_ids = sorted({p.step.pk for p in planned})
    recipient_ids = sorted({p.recipient.pk for p in planned})
    # A row whose send started is never taken over: it may have been delivered.
    candidates = (
        Reminder.objects.filter(period_start=period, sent_at=None, send_started_at=None, recipient_id__in=recipient_ids)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=stale))
        .exclude(claim_token=token)
    )
    if len(step_ids) <= 500:
        candidates = candidates.filter(step_id__in=step_ids)
    with transaction.atomic():
        candidates.update(claim_token=token, claimed_at=now, run=run, attempts=F("attempts") + 1)
    owned = Reminder.objects.filter(claim_token=token).order_by().values_list("pk", "step_id", "recipient_id")
    rows: dict[int, list[int]] = {}
    pairs, stray = set(), []
    for pk, step_id, recipient_id in owned:
        if (step_id, recipient_id) in wanted:
            rows.setdefault(recipient_id, []).append(pk)
            pairs.add((step_id, recipient_id))
        else:
            stray.append(pk)
    if stray:  # a row of this period that this run did not plan (preferences changed): leave it be
        Reminder.objects.filter(pk__in=stray).update(claim_token="", claimed_at=None)
    mine = [p for p in planned if (p.step.pk, p.recipient.pk) in pairs]
    return Claim(token, rows, mine, run)


DATABASE_ERRORS = (OperationalError, InterfaceError)


class GaveUp(Exception):
    """A database write still failed after ``TANDEM_REMINDER_DB_RETRY_SECONDS`` of retries."""


def durably(write, *, what: str):
    """Run ``write`` (one statement, in autocommit) until it succeeds, retrying a
    database that went away on a fresh connection with a growing pause, for up
    to ``TANDEM_REMINDER_DB_RETRY_SECONDS``; then raise ``GaveUp``.

    Only connection-level errors are retried (``OperationalError``,
    ``InterfaceError``); any other error is a bug and propagates.
    """
    deadline = time.monotonic() + settings.TANDEM_REMINDER_DB_RETRY_SECONDS
    pause = 0.25
    while True:
        try:
            return write()
        except DATABASE_ERRORS as error:
            if not connection.in_atomic_block:
                connection.close()  # the broken connection is dropped; the next query opens a new one
            if time.monotonic() + pause > deadline:
                raise GaveUp(f"{what}: {error}") from error
            logger.warning("Reminders: %s failed (%s); retrying in %.2f s", what, error, pause)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _send_all(result: SweepResult, claim: Claim, clock: RunClock) -> None:
    """Send every claimed digest, then record the run's outcome.

    A digest whose first write (the send starting) cannot be made is not sent,
    and the run stops there: the database is unreachable, its remaining claims
    go stale and a later run sends them. A digest sent but not recorded
    (marking gave up) does not stop the run: the next digest tries again.
    """
    sent = emails = 0
    for digest in result.digests:
        outcome = _send(digest, claim, clock)
        if outcome == SENT:
            sent += len(digest.items)
            emails += 1
        elif outcome == UNRECORDED:
            emails += 1
            result.failures += 1
        else:
            result.failures += 1
            if outcome == NOT_STARTED:
                break
    durably(
        lambda: ReminderRun.objects.filter(pk=result.run.pk).update(
            status=ReminderRunStatus.FINISHED,
            finished_at=clock.now(),
            recipients=len(result.digests),
            emails_sent=emails,
            reminders_sent=sent,
            failures=result.failures,
        ),
        what="recording the run",
    )
    result.run.refresh_from_db()


SENT, FAILED, NOT_STARTED, UNRECORDED = "sent", "failed", "not started", "unrecorded"


def _send(digest: Digest, claim: Claim, clock: RunClock) -> str:
    """Send one digest: record the start, send, mark sent (or release on a failed send)."""
    ids = claim.rows.get(digest.recipient.pk, []) if digest.items else []
    mine = Rows(
        Reminder.objects.filter(pk__in=ids, claim_token=claim.token, sent_at=None),
        InformItem.objects.filter(pk__in=[i.pk for i in digest.informed], claim_token=claim.token, sent_at=None),
        DigestDelivery.objects.filter(recipient=digest.recipient, claim_token=claim.token, sent_at=None),
    )
    email = digest.recipient.email
    try:
        started = durably(lambda: mine.update(send_started_at=clock.now()), what=f"starting the send to {email}")
    except GaveUp:
        logger.exception("Reminder to %s not sent: the database is unreachable; a later run sends it", email)
        return NOT_STARTED
    if not started:  # the claim was taken over meanwhile: the other run sends it
        return FAILED
    try:
        reminder_mail.send_digest(digest)
    except Exception as error:  # any failure: the claim is released and the next run retries
        logger.exception("Reminder to %s failed", email)
        _record(mine, f"releasing the failed send to {email}", claim_token="", claimed_at=None,
                send_started_at=None, last_error=str(error)[:1000])  # fmt: skip
        return FAILED
    if _record(mine, f"marking the send to {email}", sent_at=clock.now(), last_error=""):
        return SENT
    return UNRECORDED


class Rows:
    """A digest's rows in every table that records it (reminders, inform items, the
    period's delivery): each write updates them all in one transaction, so they are
    started, released and marked sent together. Fields only reminders have
    (``last_error``) are written to the reminders only."""

    def __init__(self, reminders, *others):
        self.reminders = reminders
        self.others = others

    def update(self, **values) -> int:
        shared = {k: v for k, v in values.items() if k != "last_error"}
        with transaction.atomic():
            count = self.reminders.update(**values)
            return count + sum(rows.update(**shared) for rows in self.others)


def _record(rows, what: str, **values) -> bool:
    """Write ``values`` to ``rows`` durably; False (logged) if the database stayed away."""
    try:
        durably(lambda: rows.update(**values), what=what)
    except GaveUp:
        logger.exception("Reminders: %s gave up; the rows keep their send start and are not sent again", what)
        return False
    return True


def abandon_stale_runs(*, now: datetime) -> int:
    """Mark runs still "running" past the claim timeout abandoned: their worker died.

    Their reminders that were claimed and never started are taken over by the
    next run as usual; those whose send started are left unsent (at most once)
    and say so in ``last_error``.
    """
    stale = now - timedelta(seconds=settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS)
    runs = list(
        ReminderRun.objects.filter(status=ReminderRunStatus.RUNNING, started_at__lt=stale).values_list("pk", flat=True)
    )
    if not runs:
        return 0
    Reminder.objects.filter(run_id__in=runs, sent_at=None).exclude(send_started_at=None).filter(last_error="").update(
        last_error="Its run stopped during the send: it may or may not have been delivered, so it is not sent again."
    )
    abandoned = ReminderRun.objects.filter(pk__in=runs, status=ReminderRunStatus.RUNNING).update(
        status=ReminderRunStatus.ABANDONED,
        finished_at=now,
        note=f"Abandoned at {now:%Y-%m-%d %H:%M:%S %Z}: still running after the claim timeout (its worker stopped).",
    )
    if abandoned:
        logger.warning("Reminders: %d run(s) left running by a stopped worker marked abandoned", abandoned)
    return abandoned
