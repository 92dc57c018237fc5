"""Celery tasks: thin, idempotent wrappers around the reminder sweep.

Idempotent because the database decides what is sent (see raci.reminder_sweep),
so acks_late redelivery after a worker dies is safe.
"""

from celery import shared_task

from raci.reminder_sweep import sweep


@shared_task(acks_late=True, ignore_result=True)
def sweep_unowned_steps() -> int:
    """The periodic sweep (beat schedule in settings)."""
    return sweep(trigger="schedule").recipients


@shared_task(acks_late=True, ignore_result=True)
def remind_project(project_id: int) -> int:
    """Chase one project's unowned steps now (an Accountable person was removed)."""
    return sweep(trigger="project", project_ids=[project_id]).recipients


def enqueue_project_reminder(project, step_ids: list[int]) -> None:
    """raci.services calls this after the commit that removed an Accountable person."""
    remind_project.delay(project.pk)
