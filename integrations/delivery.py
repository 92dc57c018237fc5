"""Sending one webhook delivery: sign, claim, post, record, retry or give up.

The claim protocol (the same idea as the reminders' in ``raci.reminder_sweep``):
``claim`` is one conditional UPDATE that succeeds only for a waiting delivery
that is due and not held by a live claim, and gives the caller a lease of the
timeout plus a margin. Two workers, a task delivered twice, or the sweep and a
task at once: one of them gets the row. A worker killed mid-send leaves the
lease to run out; the sweep then finds the delivery due and sends it again
(same ``id``: the receiver may see it twice and de-duplicate, but never misses it).

After a failure the delivery waits ``base × 2^(attempts-1)`` seconds (capped at
``TANDEM_WEBHOOKS_RETRY_MAX_SECONDS``) and gives up after
``TANDEM_WEBHOOKS_MAX_ATTEMPTS``. Every failure counts against its
subscription; after ``TANDEM_WEBHOOKS_DISABLE_AFTER`` failures in a row (any
success resets the count) the subscription is disabled, its waiting deliveries
given up, and its owner e-mailed.
"""

import hashlib
import hmac
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from integrations import http
from integrations.models import Delivery, DeliveryStatus, Subscription

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "Tandem-Signature"
LEASE_MARGIN_SECONDS = 30


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    seconds = settings.TANDEM_WEBHOOKS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.TANDEM_WEBHOOKS_RETRY_MAX_SECONDS))


def _lease() -> timedelta:
    return timedelta(seconds=settings.TANDEM_WEBHOOKS_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS)


def due() -> Q:
    """Waiting, due, of an active subscription, and not held by a live claim."""
    now = timezone.now()
    return Q(status=DeliveryStatus.PENDING, next_retry_at__lte=now, subscription__is_active=True) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def claim(delivery_id: int) -> Delivery | None:
    """Take ``delivery_id`` for one attempt, or None if it is not due or someone else holds it."""
    now = timezone.now()
    due_ids = Delivery.objects.filter(due(), pk=delivery_id).values("pk")
    taken = Delivery.objects.filter(pk__in=due_ids).update(claimed_until=now + _lease(), attempts=F("attempts") + 1)
    if not taken:
        return None
    return Delivery.objects.select_related("subscription").get(pk=delivery_id)


def send(delivery_id: int) -> str:
    """Make one attempt at ``delivery_id`` if it is due; returns what happened (for logs and tests)."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "not due"
    body = delivery.body.encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        SIGNATURE_HEADER: signature(delivery.subscription.secret, timestamp, body),
        "Tandem-Event": delivery.event,
        "Tandem-Delivery": str(delivery.event_id),
    }
    answer = http.post_json(delivery.subscription.url, body, headers)
    if answer.ok:
        _succeeded(delivery, answer)
        return "delivered"
    return _failed(delivery, answer)


def _succeeded(delivery: Delivery, answer: http.Answer) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SUCCEEDED,
            response_code=answer.status,
            duration_ms=answer.duration_ms,
            error="",
            delivered_at=timezone.now(),
            next_retry_at=None,
            claimed_until=None,
        )
        Subscription.objects.filter(pk=delivery.subscription_id).update(consecutive_failures=0)


def _failed(delivery: Delivery, answer: http.Answer) -> str:
    error = answer.error or f"The receiver answered {answer.status}."
    gave_up = delivery.attempts >= settings.TANDEM_WEBHOOKS_MAX_ATTEMPTS
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            next_retry_at=None if gave_up else timezone.now() + backoff(delivery.attempts),
            response_code=answer.status,
            duration_ms=answer.duration_ms,
            error=error[:300],
            claimed_until=None,
        )
        subscription = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
        subscription.consecutive_failures += 1
        subscription.save(update_fields=["consecutive_failures"])
        if subscription.is_active and subscription.consecutive_failures >= settings.TANDEM_WEBHOOKS_DISABLE_AFTER:
            _disable(subscription, error)
            return "disabled"
    if not gave_up:
        _retry_later(delivery.pk, backoff(delivery.attempts))
    return "gave up" if gave_up else "retry"


def _retry_later(delivery_id: int, wait: timedelta) -> None:
    from integrations import tasks

    tasks.enqueue(tasks.send_delivery, delivery_id, countdown=wait.total_seconds())


def _disable(subscription: Subscription, error: str) -> None:
    reason = f"Disabled after {subscription.consecutive_failures} failed deliveries in a row. Last: {error}"
    subscription.is_active = False
    subscription.disabled_reason = reason[:300]
    subscription.save(update_fields=["is_active", "disabled_reason"])
    subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_retry_at=None, claimed_until=None, error="The subscription was disabled."
    )
    owner = subscription.owner
    if owner.email:
        url = settings.SITE_URL + reverse("integrations:subscription_detail", kwargs={"pk": subscription.pk})
        message = (
            f"Hello {owner.display_name},\n\nTandem stopped sending events to {subscription.url}: "
            f"{reason}\n\nFix the receiver, then turn the subscription on again and send the failed "
            f"deliveries again from its page:\n{url}\n"
        )
        transaction.on_commit(
            lambda: send_mail("Tandem disabled a webhook", message, None, [owner.email], fail_silently=True)
        )
    logger.warning("Webhook subscription %s disabled: %s", subscription.pk, reason)
