"""RACI assignments: who is Responsible, Accountable, Consulted, Informed per step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


# Roles that answer for or do the work: only active people may hold them.
WORKING_ROLES = (Role.RESPONSIBLE, Role.ACCOUNTABLE)


class RaciAssignment(models.Model):
    step = models.ForeignKey("projects.LifecycleStep", on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="raci_assignments")
    role = models.CharField(max_length=1, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "RACI assignment"
        ordering = ["step__number", "role", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["step", "user"], name="raci_one_role_per_person_per_step"),
            models.UniqueConstraint(
                fields=["step"], condition=Q(role=Role.ACCOUNTABLE), name="raci_one_accountable_per_step"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="raci_role_valid"),
        ]
        indexes = [models.Index(fields=["step", "role"], name="raci_step_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.step}"


class ReminderRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    HELD = "held", "Held for an administrator"
    RELEASED = "released", "Released by an administrator"
    # Still "running" past the claim timeout: its worker died (raci.reminder_sweep).
    ABANDONED = "abandoned", "Abandoned (its worker stopped)"


class ReminderRun(models.Model):
    """One sweep for unowned steps: what it found and what it sent."""

    # Not auto_now_add: a sweep writes its own clock's time (raci.reminder_sweep).
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ReminderRunStatus.choices, default=ReminderRunStatus.RUNNING)
    trigger = models.CharField(max_length=40, default="schedule", help_text="schedule, project, or command")
    steps_found = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)
    emails_sent = models.PositiveIntegerField(default=0)
    reminders_sent = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_used_at = models.DateTimeField(
        null=True, blank=True, help_text="When a later run went ahead on the strength of this release."
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReminderRunStatus.values), name="reminder_run_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Reminder run {self.pk} ({self.get_status_display()})"


class ReminderReason(models.TextChoices):
    OWNER = "owner", "Project owner"
    IT_LEAD = "it_lead", "IT lead"
    SPONSOR = "sponsor", "Sponsor (escalation)"
    ADMINISTRATOR = "administrator", "Administrator (nobody else to remind)"


class Reminder(models.Model):
    """One person reminded of one unowned step in one period.

    Unique per step, person and period: the row is created (or found) and then
    *claimed* by a conditional update before the e-mail goes out, so two runs
    at once, two beats, or a redelivered task never send it twice.
    """

    step = models.ForeignKey("projects.LifecycleStep", on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    period_start = models.DateTimeField(help_text="Start of the reminder period this row belongs to.")
    reason = models.CharField(max_length=20, choices=ReminderReason.choices)
    escalation = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=36, blank=True)
    # Written (durably) just before the e-mail is handed to the mail server. A
    # row with this and no ``sent_at`` may or may not have been delivered: it
    # is never sent again (at most once; docs/reliability.md).
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(ReminderRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_start", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "recipient", "period_start"], name="reminder_once_per_period"),
            models.CheckConstraint(condition=Q(reason__in=ReminderReason.values), name="reminder_reason_valid"),
        ]
        indexes = [
            models.Index(fields=["period_start", "sent_at"], name="reminder_period_sent_idx"),
            models.Index(fields=["claim_token"], name="reminder_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.step} — {self.period_start:%Y-%m-%d %H:%M}"
