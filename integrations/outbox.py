"""Writing an event to the outbox, in the transaction of the change that caused it.

``record`` writes one ``Delivery`` per active subscription that asked for the
event (the project's own, and the organization-wide ones) and one ``ChatItem``
per matching chat channel, then asks Celery, once the transaction commits, to
send the deliveries and to flush the channels after their quiet window. A
change that rolls back takes its rows with it and enqueues nothing; a broker
that is down loses nothing either: the periodic sweep (``tasks.sweep``) finds
the waiting rows.
"""

import json
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrations.models import ChatChannel, ChatItem, Delivery, Subscription
from integrations.payloads import Fact


def _scope(project) -> Q:
    """The project's own subscribers and the organization-wide ones (whose owner
    must still be an active administrator); an owner who left sends nothing."""
    organization = Q(project__isnull=True) & (Q(owner__is_staff=True) | Q(owner__is_superuser=True))
    scope = organization | Q(project=project) if project is not None else organization
    return scope & Q(is_active=True, owner__is_active=True)


def _wants(rows, event: str) -> list:
    return [row for row in rows if event in row.events]


def record(fact: Fact) -> tuple[list[Delivery], list[ChatItem]]:
    """Write ``fact`` to the outbox of everyone who subscribed to it (two to four queries)."""
    subscriptions = _wants(Subscription.objects.filter(_scope(fact.project)), fact.event)
    channels = _wants(ChatChannel.objects.filter(_scope(fact.project)), fact.event)
    now = timezone.now()
    deliveries = []
    for subscription in subscriptions:
        event_id = uuid.uuid4()
        body = json.dumps(fact.body(str(event_id)), separators=(",", ":"), sort_keys=True)
        deliveries.append(
            Delivery(subscription=subscription, event_id=event_id, event=fact.event, body=body, next_retry_at=now)
        )
    items = [
        ChatItem(channel=channel, event=fact.event, title=fact.title[:300], text=fact.text[:1000], link=fact.link)
        for channel in channels
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
    if items:
        ChatItem.objects.bulk_create(items)
    delivery_ids = [d.pk for d in deliveries if d.pk is not None] or list(
        Delivery.objects.filter(event_id__in=[d.event_id for d in deliveries]).values_list("pk", flat=True)
    )
    channel_ids = sorted({channel.pk for channel in channels})
    if delivery_ids or channel_ids:
        transaction.on_commit(lambda: _enqueue(delivery_ids, channel_ids))
    return deliveries, items


def _enqueue(delivery_ids: list[int], channel_ids: list[int]) -> None:
    from integrations import tasks

    for delivery_id in delivery_ids:
        tasks.enqueue(tasks.send_delivery, delivery_id)
    for channel_id in channel_ids:
        tasks.enqueue(tasks.flush_channel, channel_id, countdown=settings.TANDEM_CHAT_QUIET_SECONDS + 1)
