"""The Celery app. Configuration comes from Django settings (``CELERY_*``)."""

import os
import warnings

from celery import Celery, signals
from celery.exceptions import CPendingDeprecationWarning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

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


@signals.celeryd_after_setup.connect
def _after_worker_logging_setup(**kwargs) -> None:
    # A worker's logging set-up puts Celery's own "always show" warning filters
    # first; ours goes in front of them once that is done.
    ignore_decided_warning()


ignore_decided_warning()
