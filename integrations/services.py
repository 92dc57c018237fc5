"""Writes: webhook subscriptions, sending a delivery again, chat channels.

Who: for a project, those who manage it (``projects.access.can_manage``); for
the whole organization (no project), administrators
(``projects.access.can_manage_integrations``). Every service asks the access
layer before it reads or writes anything else, so an outsider's call raises
``NotVisible`` (404) and a member's ``PermissionDenied`` (403).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import User
from integrations import http
from integrations.models import ChatChannel, ChatKind, Delivery, DeliveryStatus, Event, Subscription
from projects.access import can_manage_integrations, require
from projects.models import Project

REFUSAL = "Only those who manage the project (administrators, for the whole organization) manage its integrations."


def _require(actor: User, project: Project | None) -> None:
    require(actor, project, can_manage_integrations(actor, project), REFUSAL)


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": "Enter the URL that receives the events."})
    try:
        http.check(url)
    except http.Refused as error:
        raise ValidationError({"url": str(error)}) from error
    return url


def _clean_events(events) -> list[str]:
    chosen = [code for code in Event.values if code in set(events or ())]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": "Choose at least one event from the list."})
    return chosen


def subscription_create(
    *, actor: User, project: Project | None, url: str, events: list[str], description: str = ""
) -> Subscription:
    """Subscribe ``url`` to ``events`` of ``project`` (None: every project). Its
    secret is generated here and shown to its owner (``actor``) on its page."""
    _require(actor, project)
    subscription = Subscription(
        project=project, url=_clean_url(url), events=_clean_events(events), description=description.strip()
    )
    subscription.owner = actor
    subscription.save()
    return subscription


def subscription_update(
    *,
    actor: User,
    subscription: Subscription,
    url: str,
    events: list[str],
    description: str = "",
    is_active: bool = True,
) -> Subscription:
    """Change the URL, events, description, or turn it off and on. Turning a
    disabled subscription on again clears its failure count."""
    _require(actor, subscription.project)
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.url = _clean_url(url)
        subscription.events = _clean_events(events)
        subscription.description = description.strip()
        if is_active and not subscription.is_active:
            subscription.consecutive_failures = 0
            subscription.disabled_reason = ""
        subscription.is_active = is_active
        subscription.version += 1
        subscription.save()
    return subscription


def subscription_delete(*, actor: User, subscription: Subscription) -> None:
    """Delete the subscription and its delivery log."""
    _require(actor, subscription.project)
    subscription.delete()


def delivery_resend(*, actor: User, delivery: Delivery) -> Delivery:
    """Send a delivery again, now, with the same id and body: a fresh series of
    attempts. Refused while its subscription is turned off."""
    subscription = delivery.subscription
    _require(actor, subscription.project)
    if not subscription.is_active:
        raise ValidationError("Turn the subscription on again before sending its deliveries again.")
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, attempts=0, next_retry_at=timezone.now(), claimed_until=None, error=""
        )
        transaction.on_commit(lambda: _send_soon(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def _send_soon(delivery_id: int) -> None:
    from integrations import tasks

    tasks.enqueue(tasks.send_delivery, delivery_id)


def _clean_kind(kind: str) -> str:
    if kind not in ChatKind.values:
        raise ValidationError({"kind": "Choose Slack or Microsoft Teams."})
    return kind


def channel_create(
    *, actor: User, project: Project | None, kind: str, name: str, url: str, events: list[str]
) -> ChatChannel:
    """Post ``events`` of ``project`` (None: every project) to a Slack or Teams incoming webhook."""
    _require(actor, project)
    if not (name or "").strip():
        raise ValidationError({"name": "Name the channel, e.g. #cdp-project."})
    channel = ChatChannel(
        project=project, kind=_clean_kind(kind), name=name.strip(), url=_clean_url(url), events=_clean_events(events)
    )
    channel.owner = actor
    channel.save()
    return channel


def channel_update(
    *, actor: User, channel: ChatChannel, name: str, url: str, events: list[str], is_active: bool = True
) -> ChatChannel:
    """Change a channel, or turn it off and on (on again clears its failure count)."""
    _require(actor, channel.project)
    if not (name or "").strip():
        raise ValidationError({"name": "Name the channel, e.g. #cdp-project."})
    with transaction.atomic():
        channel = ChatChannel.objects.select_for_update().get(pk=channel.pk)
        channel.name, channel.url, channel.events = name.strip(), _clean_url(url), _clean_events(events)
        if is_active and not channel.is_active:
            channel.consecutive_failures, channel.disabled_reason = 0, ""
        channel.is_active = is_active
        channel.save()
    return channel


def channel_delete(*, actor: User, channel: ChatChannel) -> None:
    """Delete the channel and its waiting messages."""
    _require(actor, channel.project)
    channel.delete()
