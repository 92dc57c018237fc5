"""The Celery app. Configuration comes from Django settings (``CELERY_*``)."""

import logging
import os
import warnings

from celery import Celery, signals
from celery.exceptions import CPendingDeprecationWarning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

logger = logging.getLogger(__name__)

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ignore_decided_warning() -> None:
    """Celery warns on every broker connection loss that the default of
    ``worker_cancel_long_running_tasks_on_connection_loss`` changes in 6.0.
    Tandem sets it explicitly (governance/settings.py, docs/reliability.md), so
    the warning says nothing new: it is silenced, for that setting only."""
    warnings.filterwarnings(
        "ignore",
        message=r"(?s).*worker_cancel_long_running_tasks_on_connection_loss",
        category=CPendingDeprecationWarning,
    )


SWEEP_TASK = "raci.tasks.sweep_unowned_steps"


@signals.beat_init.connect
def sweep_when_beat_starts(sender=None, **kwargs) -> None:
    """Beat queues one reminder sweep as it starts, so a fresh ``make run`` sends its first reminders
    (``var/mail/``, the dashboard's reminders tile) within seconds, not one interval later: an interval
    schedule first fires a whole interval after beat starts. The periodic schedule
    (``CELERY_BEAT_SCHEDULE``) is unchanged. Safe on every restart: a sweep sends only what is due and
    not yet sent. ``TANDEM_REMINDER_SWEEP_ON_START=false`` turns it off."""
    from django.conf import settings

    if not settings.TANDEM_REMINDER_SWEEP_ON_START:
        return
    try:
        # Like a scheduled tick, it is superseded by the next one if no worker took it within an interval.
        app.signature(SWEEP_TASK).apply_async(expires=float(settings.TANDEM_REMINDER_SWEEP_SECONDS))
    except Exception:  # a broker that is down: beat starts anyway, and its first tick sweeps
        logger.warning("Could not queue the start-up reminder sweep (broker unavailable)", exc_info=True)


@signals.celeryd_after_setup.connect
def _after_worker_logging_setup(**kwargs) -> None:
    # A worker's logging set-up puts Celery's own "always show" warning filters
    # first; ours goes in front of them once that is done.
    ignore_decided_warning()


ignore_decided_warning()
