"""Webhook subscriptions and their outbox, chat channels and their batches.

A domain event (``projects.signals``) writes one ``Delivery`` per matching
subscription and one ``ChatItem`` per matching chat channel in the transaction
of the change, so the outbox commits or rolls back with it. Workers then claim
rows with a conditional UPDATE (``integrations.delivery``, ``integrations.chat``):
a claim carries a lease (``claimed_until``), so a row whose worker died is
claimed again once the lease ran out, never lost and never sent twice at once.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Event(models.TextChoices):
    STEP_STATUS_CHANGED = "step.status_changed", "Step status changed"
    ACCOUNTABLE_CHANGED = "step.accountable_changed", "Accountable assigned or removed"
    STEP_UNOWNED = "step.unowned", "Step unowned for several days"
    VENDOR_DECIDED = "vendor.decided", "Vendor decided"
    ROUND_CLOSED = "round.closed", "Alignment round closed"
    INTAKE_DECIDED = "intake.decided", "Intake request decided"


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(32)


class Subscription(models.Model):
    """A URL that receives signed JSON for the chosen events of one project, or of
    every project (``project`` empty: organization-wide, administrators only)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="webhook_subscriptions"
    )
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event codes (Event) this URL receives.")
    secret = models.CharField(max_length=80, default=new_secret)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project__name", "url", "pk"]

    def __str__(self) -> str:
        return self.description or self.url

    def get_absolute_url(self) -> str:
        return reverse("integrations:subscription_detail", kwargs={"pk": self.pk})

    @property
    def event_labels(self) -> list[str]:
        return [Event(code).label for code in self.events if code in Event.values]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Gave up"


class Delivery(models.Model):
    """One event for one subscription: the outbox row, then its log entry.

    ``event_id`` is sent as the payload's ``id`` and stays the same on every
    retry, so a receiver can ignore a delivery it has already processed."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=Event.choices)
    body = models.TextField(help_text="The exact JSON sent, the same on every attempt.")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            # A waiting delivery always says when it is due.
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.PENDING) | Q(next_retry_at__isnull=False),
                name="delivery_pending_has_due_time",
            ),
        ]
        indexes = [
            models.Index(fields=["next_retry_at"], condition=Q(status="pending"), name="delivery_due_idx"),
            models.Index(fields=["subscription", "-created_at"], name="delivery_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"


class ChatKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChatChannel(models.Model):
    """A Slack or Teams incoming-webhook URL that gets a project's (or, with no
    project, every project's) events as readable, batched messages."""

    kind = models.CharField(max_length=10, choices=ChatKind.choices)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="chat_channels"
    )
    name = models.CharField(max_length=100, help_text="Which channel this is, e.g. #cdp-project.")
    url = models.URLField("incoming webhook URL", max_length=500)
    events = models.JSONField(default=list)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project__name", "name", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=ChatKind.values), name="chat_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def event_labels(self) -> list[str]:
        return [Event(code).label for code in self.events if code in Event.values]


class ChatItem(models.Model):
    """One event waiting to be posted to a channel; several are posted as one message."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="items")
    event = models.CharField(max_length=40, choices=Event.choices)
    title = models.CharField(max_length=300)
    text = models.CharField(max_length=1000, blank=True)
    link = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["channel", "created_at"], condition=Q(posted_at=None), name="chat_waiting_idx")]

    def __str__(self) -> str:
        return self.title


class UnownedNotice(models.Model):
    """Announced: "step unowned for N days" was sent for this step's unowned spell that
    began at ``since``: the next spell (a new ``since``) is announced again."""

    step = models.ForeignKey("projects.LifecycleStep", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()
    announced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["step", "since"], name="unowned_notice_once_per_spell")]

    def __str__(self) -> str:
        return f"step {self.step_id} unowned since {self.since:%Y-%m-%d %H:%M}"
