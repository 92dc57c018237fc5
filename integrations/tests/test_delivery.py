"""Webhook deliveries against a real HTTP receiver on 127.0.0.1: signature,
payload, outbox in the change's transaction, retries with backoff, the disable
rule, a worker killed mid-send, sending again."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from integrations import delivery as engine
from integrations import services, tasks
from integrations.models import Delivery, DeliveryStatus, Event, Subscription
from raci.services import step_transition


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/webhooks.md shows it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


@pytest.fixture
def subscription(owned_project, owner, receiver):
    return services.subscription_create(
        actor=owner, project=owned_project, url=receiver.url, events=[Event.STEP_STATUS_CHANGED], description="CI"
    )


def _start(project, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        step_transition(actor=owner, step=project.steps.get(number=1), transition="start")


def _make_due(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_retry_at=timezone.now() - timedelta(seconds=1))


def test_a_step_started_is_delivered_signed(
    subscription, owned_project, owner, receiver, django_capture_on_commit_callbacks
):
    _start(owned_project, owner, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.response_code == 200 and delivery.attempts == 1
    [request] = receiver.requests
    headers = request["headers"]
    assert request["path"] == "/hooks/tandem?x=1"
    assert verify(subscription.secret, headers["Tandem-Signature"], request["raw"])
    assert not verify("whsec_wrong", headers["Tandem-Signature"], request["raw"])
    assert not verify(subscription.secret, headers["Tandem-Signature"], request["raw"] + b" ")
    body = receiver.json()
    assert body["id"] == str(delivery.event_id) == headers["Tandem-Delivery"]
    assert body["event"] == "step.status_changed" == headers["Tandem-Event"]
    assert body["project"]["name"] == "Customer data platform"
    assert body["project"]["url"].startswith("http://") and body["project"]["url"].endswith(
        "/projects/customer-data-platform/"
    )
    assert body["object"]["number"] == 1 and body["object"]["old_status"] == "not_started"
    assert body["object"]["new_status"] == "in_progress"
    assert body["actor"] == {"id": owner.pk, "name": owner.display_name}


def test_an_event_nobody_subscribed_to_writes_nothing(
    owned_project, owner, receiver, django_capture_on_commit_callbacks
):
    services.subscription_create(actor=owner, project=owned_project, url=receiver.url, events=[Event.VENDOR_DECIDED])
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    assert not Delivery.objects.exists() and receiver.requests == []


def test_a_change_that_rolls_back_writes_and_sends_nothing(subscription, owned_project, owner, receiver):
    step = owned_project.steps.get(number=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        step_transition(actor=owner, step=step, transition="start")
        assert Delivery.objects.count() == 1  # written in the change's transaction…
        raise RuntimeError("the rest of the change failed")
    assert not Delivery.objects.exists()  # …and gone with it
    assert receiver.requests == []


def test_an_organization_subscription_gets_every_project(
    admin_user, owned_project, owner, receiver, django_capture_on_commit_callbacks
):
    services.subscription_create(actor=admin_user, project=None, url=receiver.url, events=[Event.STEP_STATUS_CHANGED])
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1 and receiver.json()["project"]["slug"] == owned_project.slug


def test_failures_back_off_then_disable_the_subscription_and_mail_its_owner(
    subscription, owned_project, owner, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TANDEM_WEBHOOKS_RETRY_BASE_SECONDS = 10
    settings.TANDEM_WEBHOOKS_DISABLE_AFTER = 3
    receiver.status = 500
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    waits = []
    for _attempt in range(2):
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING and delivery.response_code == 500
        waits.append((delivery.next_retry_at - timezone.now()).total_seconds())
        assert engine.send(delivery.pk) == "not due"  # not before its time
        _make_due(delivery)
        with django_capture_on_commit_callbacks(execute=True):
            engine.send(delivery.pk)
    assert 8 < waits[0] <= 10 and 18 < waits[1] <= 20  # 10 s, then 20 s
    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    subscription.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert not subscription.is_active and "3 failed deliveries in a row" in subscription.disabled_reason
    [message] = mail.outbox
    assert message.to == [owner.email] and subscription.url in message.body
    assert message.subject == "Tandem disabled a webhook"
    assert engine.send(delivery.pk) == "not due"  # a disabled subscription sends nothing


def test_a_timeout_counts_as_a_failure(
    subscription, owned_project, owner, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TANDEM_WEBHOOKS_TIMEOUT_SECONDS = 1
    receiver.delay = 1.5
    started = time.monotonic()
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 1.4
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code is None
    assert delivery.error.startswith("Timed out") and delivery.attempts == 1
    assert delivery.next_retry_at > timezone.now()


def test_a_success_resets_the_failure_count(
    subscription, owned_project, owner, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 503
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    assert Subscription.objects.get().consecutive_failures == 1
    receiver.status = 204
    delivery = Delivery.objects.get()
    _make_due(delivery)
    assert engine.send(delivery.pk) == "delivered"
    assert Subscription.objects.get().consecutive_failures == 0
    assert receiver.requests[0]["raw"] == receiver.requests[1]["raw"]  # the same body, the same id


def test_it_gives_up_after_the_last_attempt(
    subscription, owned_project, owner, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TANDEM_WEBHOOKS_MAX_ATTEMPTS = 2
    receiver.status = 500
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    _make_due(delivery)
    assert engine.send(delivery.pk) == "gave up"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_retry_at is None
    assert Subscription.objects.get().is_active  # 2 failures, below the disable rule


def test_a_delivery_claimed_by_a_worker_that_died_is_sent_by_the_sweep(subscription, owned_project, owner, receiver):
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="start")  # not sent: no commit
    delivery = Delivery.objects.get()
    assert engine.claim(delivery.pk) is not None  # a worker took it… and was killed before it posted
    assert tasks.sweep() == 0 and receiver.requests == []  # its lease still runs
    Delivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert tasks.sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2
    assert receiver.json()["id"] == str(delivery.event_id)
    assert tasks.sweep() == 0 and len(receiver.requests) == 1  # never twice


def test_two_claims_at_once_get_one_delivery(subscription, owned_project, owner):
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="start")
    delivery = Delivery.objects.get()
    assert engine.claim(delivery.pk) is not None
    assert engine.claim(delivery.pk) is None


def test_send_again_resends_the_same_delivery(
    subscription, owned_project, owner, receiver, django_capture_on_commit_callbacks
):
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(actor=owner, delivery=delivery)
    delivery.refresh_from_db()
    assert len(receiver.requests) == 2 and receiver.json(0)["id"] == receiver.json(1)["id"]
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1


def test_a_disabled_subscription_cannot_send_again(
    subscription, owned_project, owner, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    _start(owned_project, owner, django_capture_on_commit_callbacks)
    Subscription.objects.filter(pk=subscription.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        services.delivery_resend(actor=owner, delivery=Delivery.objects.select_related("subscription").get())


def test_the_body_is_exactly_what_is_stored(
    subscription, owned_project, owner, receiver, django_capture_on_commit_callbacks
):
    _start(owned_project, owner, django_capture_on_commit_callbacks)
    assert receiver.requests[0]["raw"] == Delivery.objects.get().body.encode()
    assert json.loads(Delivery.objects.get().body)["timestamp"]
