""" "Step unowned for N days": announced once per step and unowned spell.

A spell starts when the step's Accountable person was last changed (removed),
or when the project was created (``raci.selectors.unowned_since``). The run
looks only at active projects whose stored figure (``ProjectFigures.unowned_since``)
is old enough, then at their open steps without an active Accountable person,
and records an ``UnownedNotice`` (step, since) before announcing: the unique
constraint makes a second run, or two at once, announce nothing twice, and a
new spell (a new ``since``) is announced again.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations import outbox, payloads
from integrations.models import UnownedNotice
from projects.models import ProjectStatus, StepStatus
from raci import selectors as raci_selectors


def announce() -> int:
    """Announce every step unowned for ``TANDEM_WEBHOOKS_UNOWNED_DAYS`` not announced
    yet for its current spell; returns how many were announced."""
    days = settings.TANDEM_WEBHOOKS_UNOWNED_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    steps = (
        raci_selectors.unowned_steps()
        .filter(project__status=ProjectStatus.ACTIVE, project__figures__unowned_since__lte=cutoff)
        .exclude(status=StepStatus.DONE)
        .annotate(since=raci_selectors.unowned_since())
        .filter(since__lte=cutoff)
        .select_related("project")
        .order_by("project_id", "number")
    )
    announced = 0
    for step in steps:
        try:
            with transaction.atomic():
                UnownedNotice.objects.create(step=step, since=step.since)
                outbox.record(payloads.unowned(step, since=step.since, days=days))
        except IntegrityError:
            continue  # already announced for this spell
        announced += 1
    return announced
