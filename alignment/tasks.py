"""Celery tasks of the alignment app: thin, idempotent wrappers around ``alignment.summaries``."""

from celery import shared_task

from alignment import summaries


@shared_task(acks_late=True, ignore_result=True)
def store_round_summaries() -> int:
    """Store the summaries of rounds that closed by time passing (beat schedule in settings)."""
    return summaries.store_missing()
