"""Reminders, the safety net: a run that would e-mail too many people waits.

A run that would e-mail more than ``TANDEM_REMINDER_MAX_RECIPIENTS`` people
sends nothing: it records a held ``ReminderRun`` and tells the administrators,
once per held run. An administrator releases it in admin
(``raci.services.release_held_run``), which lets exactly one later run go
ahead: that run consumes the release with a conditional UPDATE.

Every timestamp written here is the ``now`` the sweep passes in.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from raci import reminder_mail
from raci.models import ReminderRun, ReminderRunStatus


def holds(*, recipients: int, now: datetime) -> bool:
    """Whether a run for ``recipients`` people must be held. A run over the
    limit consumes an administrator's release if there is one, and goes ahead."""
    return recipients > settings.TANDEM_REMINDER_MAX_RECIPIENTS and not _use_release(now)


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


def hold(*, trigger: str, steps_found: int, recipients: int, now: datetime) -> ReminderRun:
    """Record a held run and tell the administrators, once per held run."""
    limit = settings.TANDEM_REMINDER_MAX_RECIPIENTS
    pending = ReminderRun.objects.filter(status=ReminderRunStatus.HELD).order_by("-started_at").first()
    if pending is not None:
        ReminderRun.objects.filter(pk=pending.pk).update(recipients=recipients, steps_found=steps_found)
        return pending
    run = ReminderRun.objects.create(
        trigger=trigger,
        status=ReminderRunStatus.HELD,
        steps_found=steps_found,
        recipients=recipients,
        started_at=now,
        finished_at=now,
        note=f"Would e-mail {recipients} people (limit {limit}).",
    )
    admin_url = settings.SITE_URL + reverse("admin:raci_reminderrun_change", args=[run.pk])
    reminder_mail.notify_administrators(
        subject=f"Tandem held a reminder run: {recipients} people",
        body=(
            f"A reminder run would have e-mailed {recipients} people about {steps_found} steps "
            f"with no accountable owner, more than the limit of {limit}.\n"
            f"Nothing was sent. If this is expected, release it: {admin_url}\n"
        ),
    )
    return run
