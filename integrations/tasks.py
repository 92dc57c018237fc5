"""Celery tasks: thin and idempotent (the database decides what is sent).

``send_delivery`` makes one attempt at one delivery (a retry re-queues it with
a countdown); ``flush_channel`` posts a channel's batch once it went quiet;
``sweep`` (beat, every ``TANDEM_INTEGRATIONS_SWEEP_SECONDS``) catches up
whatever a lost task, a dead worker or a broker outage left waiting;
``announce_unowned_steps`` (beat, hourly) announces long-unowned steps.
"""

import logging

from celery import shared_task

from integrations import chat, delivery, unowned
from integrations.models import Delivery

logger = logging.getLogger(__name__)
SWEEP_BATCH = 500


def enqueue(task, *args, countdown: float | None = None) -> None:
    """Queue ``task``; a broker that is down is not an error (the sweep catches up)."""
    try:
        task.apply_async(args=args, countdown=countdown)
    except Exception:  # kombu's OperationalError, a refused connection, a timeout: all the same here
        logger.warning("Could not queue %s%s (broker unavailable); the sweep sends it", task.name, args, exc_info=True)


@shared_task(acks_late=True, ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    return delivery.send(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def flush_channel(channel_id: int) -> str:
    return chat.flush(channel_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep() -> int:
    """Send every delivery that is due (first attempts nobody sent, retries, expired
    claims) and flush every chat channel that is ready; returns how many were tried."""
    due = Delivery.objects.filter(delivery.due()).order_by("next_retry_at", "pk").values_list("pk", flat=True)
    ids = list(due[:SWEEP_BATCH])
    for delivery_id in ids:
        delivery.send(delivery_id)
    channels = chat.ready_channel_ids()
    for channel_id in channels:
        chat.flush(channel_id)
    return len(ids) + len(channels)


@shared_task(acks_late=True, ignore_result=True)
def announce_unowned_steps() -> int:
    return unowned.announce()
