"""Celery tasks: thin, idempotent wrappers around the reminder sweep.

Idempotent because the database decides what is sent (see raci.reminder_sweep),
so acks_late redelivery after a worker dies, or after a broker outage that the
task's ack could not reach, is safe.
"""

import logging

from celery import shared_task

from raci.reminder_sweep import sweep

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def sweep_unowned_steps() -> int:
    """The periodic sweep (beat schedule in settings, every few minutes: a sweep
    sends only what is due and not yet sent, so a missed tick costs one interval)."""
    return sweep(trigger="schedule").recipients


@shared_task(acks_late=True, ignore_result=True)
def remind_project(project_id: int) -> int:
    """Chase one project's unowned steps now (an Accountable person was removed)."""
    return sweep(trigger="project", project_ids=[project_id]).recipients


def enqueue_project_reminder(project, step_ids: list[int]) -> None:
    """raci.services calls this after the commit that removed an Accountable person.

    The save has committed: a broker that cannot take the task must not turn it
    into an error page. The periodic sweep chases the step within one interval.
    """
    try:
        remind_project.delay(project.pk)
    except Exception:  # kombu's OperationalError, a refused connection, a timeout: all the same here
        logger.warning(
            "Could not queue the reminder for project %s (broker unavailable); the next sweep sends it",
            project.pk,
            exc_info=True,
        )
