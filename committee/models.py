"""The steering committee's meetings, their agenda items, decisions and actions.

Membership is ``governance.models.User.on_steering_group`` (named by an
administrator in the admin); see ``committee.selectors.members``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Meeting(models.Model):
    """One steering committee meeting. Its agenda is a stored snapshot of the
    portfolio (``AgendaItem``), regenerated on demand until the meeting is
    minuted; once minuted (``minuted_at``) nothing of it changes."""

    title = models.CharField(max_length=200, default="Steering committee")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True, help_text="A room, if any.")
    call_link = models.URLField(blank=True, help_text="An http(s) link to the video call, if any.")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="committee_meetings", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    agenda_generated_at = models.DateTimeField(null=True, blank=True)
    agenda_generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agenda_sent_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(blank=True)
    minuted_at = models.DateTimeField(null=True, blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="committee_meeting_duration_min"),
            models.CheckConstraint(
                condition=Q(call_link="") | Q(call_link__startswith="http://") | Q(call_link__startswith="https://"),
                name="committee_meeting_call_link_http",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("committee:meeting", kwargs={"pk": self.pk})

    @property
    def is_minuted(self) -> bool:
        return self.minuted_at is not None


class ItemKind(models.TextChoices):
    INTAKE = "intake", "Intake request waiting for approval"
    PROJECT = "project", "Project needing attention"
    VENDOR = "vendor", "Vendor decision waiting for a signature"
    RENEWAL = "renewal", "Renewal due within 90 days"
    ACTION = "action", "Open action from an earlier meeting"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    DEFER = "defer", "Defer"
    NOTE = "note", "Note"


class AgendaItem(models.Model):
    """One line of a meeting's agenda, as the portfolio stood when it was generated,
    with the committee's decision on it (once taken)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    source = models.CharField(max_length=40, help_text="What the item is about, e.g. 'intake:12'.")
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    project = models.ForeignKey("projects.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    intake_request = models.ForeignKey(
        "intake.IntakeRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tool = models.ForeignKey("inventory.Tool", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.ForeignKey("committee.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="committee_item_position_unique"),
            models.UniqueConstraint(fields=["meeting", "source"], name="committee_item_source_unique"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="committee_item_kind_valid"),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | (Q(decision__in=Decision.values) & Q(decided_at__isnull=False)),
                name="committee_item_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """Something the committee asked someone to do by a date; open until marked done.
    Open actions come back on every later agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    project = models.ForeignKey("projects.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_actions")
    due = models.DateField()
    description = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True) | Q(done_at__isnull=False),
                name="committee_action_done_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.done_at is None
