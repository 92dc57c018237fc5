"""Demo data for this app, added by ``seed_demo`` (idempotent): an organization-wide
webhook (the administrator's) with a short delivery log, and a Slack channel for
the "Customer data platform" project. Both point at example addresses, so they
are turned off: a demo never sends anything outside (turn one on once it points
at a real receiver)."""

import json
import uuid
from datetime import timedelta

from django.utils import timezone

from governance.models import User
from integrations.models import ChatChannel, Delivery, DeliveryStatus, Event, Subscription
from integrations.services import channel_create, subscription_create
from projects.models import Project

DEMO_HOOK = "https://hooks.example.com/tandem"
DEMO_SLACK = "https://hooks.slack.com/services/T000/B000/demo"
TURNED_OFF = "Demo data: it points at an example address. Turn it on once it points at a real receiver."
# event, status, response code, duration (ms), minutes ago, error
LOG = [
    (Event.STEP_STATUS_CHANGED, DeliveryStatus.SUCCEEDED, 200, 84, 240, ""),
    (Event.ACCOUNTABLE_CHANGED, DeliveryStatus.SUCCEEDED, 204, 61, 180, ""),
    (Event.VENDOR_DECIDED, DeliveryStatus.FAILED, 500, 133, 120, "The receiver answered 500."),
    (Event.STEP_STATUS_CHANGED, DeliveryStatus.FAILED, None, 5001, 60, "Timed out: timed out"),
]


def seed(people: dict[str, User]) -> None:
    if not Subscription.objects.filter(url=DEMO_HOOK).exists():
        _webhook(people["admin"])
    project = Project.objects.filter(name="Customer data platform").select_related("owner").first()
    if project is not None and not ChatChannel.objects.filter(url=DEMO_SLACK).exists():
        channel = channel_create(
            actor=project.owner,
            project=project,
            kind="slack",
            name="#cdp-project",
            url=DEMO_SLACK,
            events=[Event.STEP_STATUS_CHANGED, Event.ACCOUNTABLE_CHANGED, Event.VENDOR_DECIDED],
        )
        ChatChannel.objects.filter(pk=channel.pk).update(is_active=False, disabled_reason=TURNED_OFF)


def _webhook(admin: User) -> None:
    subscription = subscription_create(
        actor=admin,
        project=None,
        url=DEMO_HOOK,
        events=list(Event.values),
        description="The data warehouse's event collector",
    )
    now = timezone.now()
    rows = []
    for event, status, code, duration, ago, error in LOG:
        event_id = uuid.uuid4()
        at = now - timedelta(minutes=ago)
        body = {"id": str(event_id), "event": event, "timestamp": at.isoformat(), "object": {}}
        rows.append(
            Delivery(
                subscription=subscription,
                event_id=event_id,
                event=event,
                body=json.dumps(body),
                status=status,
                attempts=1 if status == DeliveryStatus.SUCCEEDED else 8,
                response_code=code,
                duration_ms=duration,
                error=error,
                delivered_at=at if status == DeliveryStatus.SUCCEEDED else None,
            )
        )
    Delivery.objects.bulk_create(rows)
    for row, (*_, ago, _error) in zip(rows, LOG, strict=True):
        Delivery.objects.filter(pk=row.pk).update(created_at=now - timedelta(minutes=ago))
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_reason=TURNED_OFF, consecutive_failures=2
    )
