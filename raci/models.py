"""RACI assignments: who is Responsible, Accountable, Consulted, Informed per step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from projects.lifecycle import STEP_COUNT


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


class ClaimedSend(models.Model):
    """The claim protocol of a row a digest sends (``raci.reminder_sweep``): a run claims it
    with its token, records the start just before the e-mail goes out, and marks it sent.
    Reminders, inform items and the period's digest delivery all follow it, so one digest's
    rows are started, released and marked sent together."""

    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=36, blank=True)
    # Written (durably) just before the e-mail is handed to the mail server. A
    # row with this and no ``sent_at`` may or may not have been delivered: it
    # is never sent again (at most once; docs/reliability.md).
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Reminder(ClaimedSend):
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


# --- The organization's responsibility framework (raci.framework) ---------------------------


class FrameworkRole(models.TextChoices):
    """The project roles the organization's default RACI speaks of."""

    OWNER = "owner", "Project owner"
    MARKETING_SPONSOR = "marketing_sponsor", "Marketing sponsor"
    IT_SPONSOR = "it_sponsor", "IT sponsor"
    IT_LEAD = "it_lead", "IT lead"
    MARKETING_OPS = "marketing_ops", "Marketing Ops"
    IT_SECURITY = "it_security", "IT security"


class OrganizationPost(models.TextChoices):
    """The framework roles held by one named person for the whole organization."""

    MARKETING_OPS = FrameworkRole.MARKETING_OPS.value, FrameworkRole.MARKETING_OPS.label
    IT_SECURITY = FrameworkRole.IT_SECURITY.value, FrameworkRole.IT_SECURITY.label


class FrameworkEntry(models.Model):
    """One cell of the default RACI: on step ``step_number``, ``role`` is ``letter``."""

    step_number = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20, choices=FrameworkRole.choices)
    letter = models.CharField(max_length=1, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "framework entry"
        verbose_name_plural = "framework entries"
        ordering = ["step_number", "role"]
        constraints = [
            models.UniqueConstraint(fields=["step_number", "role"], name="framework_one_letter_per_role_per_step"),
            models.UniqueConstraint(
                fields=["step_number"], condition=Q(letter=Role.ACCOUNTABLE), name="framework_one_accountable_per_step"
            ),
            models.CheckConstraint(
                condition=Q(step_number__gte=1) & Q(step_number__lte=STEP_COUNT),
                name="framework_step_number_in_lifecycle",
            ),
            models.CheckConstraint(condition=Q(role__in=FrameworkRole.values), name="framework_role_valid"),
            models.CheckConstraint(condition=Q(letter__in=Role.values), name="framework_letter_valid"),
        ]

    def __str__(self) -> str:
        return f"Step {self.step_number}: {self.get_role_display()} — {self.get_letter_display()}"


class OrganizationRole(models.Model):
    """The organization's named Marketing Ops or IT security person (or nobody yet)."""

    role = models.CharField(max_length=20, choices=OrganizationPost.choices, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="organization_roles"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organization role"
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=OrganizationPost.values), name="organization_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user or 'nobody'}"


class FrameworkRevision(models.Model):
    """One save of the framework: its version (``number``), who, when and what changed.

    ``number`` is unique and each save writes ``previous + 1``: two saves from
    pages opened at the same version cannot both commit (the second is refused
    as stale, never applied over the first).
    """

    number = models.PositiveIntegerField(unique=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=list, help_text="What the save changed, one line each.")

    class Meta:
        ordering = ["-number"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="framework_revision_number_positive")]

    def __str__(self) -> str:
        return f"Framework version {self.number}"


# --- Duties of the letters (raci.duties): acknowledging, consulting, informing -------------


class AcknowledgementState(models.TextChoices):
    AWAITING = "awaiting", "Awaiting acknowledgement"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Superseded (the Accountable person changed)"


class Acknowledgement(models.Model):
    """A person made Accountable on a step, asked to accept it (``raci.duties``).

    One per time someone became Accountable; at most one awaiting per step. A decline
    carries its reason (database constraint) and removes the A assignment.
    """

    step = models.ForeignKey("projects.LifecycleStep", on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="raci_acknowledgements")
    state = models.CharField(max_length=12, choices=AcknowledgementState.choices, default=AcknowledgementState.AWAITING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was declined.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["step"], condition=Q(state="awaiting"), name="raci_one_awaiting_acknowledgement_per_step"
            ),
            models.CheckConstraint(
                condition=Q(state__in=AcknowledgementState.values), name="raci_acknowledgement_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(reason=""), name="raci_acknowledgement_decline_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["user", "state"], name="raci_ack_user_state_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_state_display()} — {self.step}"


class ConsultationAnswer(models.TextChoices):
    AGREE = "agree", "Agrees"
    CONCERNS = "concerns", "Has concerns"
    WAIVED = "waived", "Waived by the Accountable person"


class Consultation(models.Model):
    """A Consulted person's answer on a step (or its waiver by the step's Accountable person).

    A Consulted person without a row has not answered yet: the step cannot finish
    (``raci.selectors.gate_refusal``). Concerns and waivers carry a comment (database).
    """

    step = models.ForeignKey("projects.LifecycleStep", on_delete=models.CASCADE, related_name="consultations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="raci_consultations")
    answer = models.CharField(max_length=10, choices=ConsultationAnswer.choices)
    comment = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["step_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "user"], name="raci_one_consultation_per_person_per_step"),
            models.CheckConstraint(condition=Q(answer__in=ConsultationAnswer.values), name="raci_consultation_valid"),
            models.CheckConstraint(
                condition=Q(answer="agree") | ~Q(comment=""), name="raci_consultation_concerns_have_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_answer_display()} — {self.step}"


class InformKind(models.TextChoices):
    FINISHED = "finished", "Step finished"
    BLOCKED = "blocked", "Step blocked"
    ACCOUNTABLE = "accountable", "Accountable person changed"
    DECLINED = "declined", "Accountability declined"


class InformItem(ClaimedSend):
    """One thing to tell one person in their next digest (``raci.duties``).

    Written in the transaction of the event; claimed and marked sent by the reminder
    sweep with the same protocol as ``Reminder`` (``raci.reminder_sweep``), so it is
    sent at most once and a dead worker's claim is taken over.
    """

    step = models.ForeignKey("projects.LifecycleStep", on_delete=models.CASCADE, related_name="inform_items")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inform_items")
    kind = models.CharField(max_length=12, choices=InformKind.choices)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    run = models.ForeignKey(ReminderRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=InformKind.values), name="raci_inform_kind_valid")]
        indexes = [
            models.Index(fields=["recipient", "sent_at"], name="raci_inform_recipient_idx"),
            models.Index(fields=["claim_token"], name="raci_inform_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.text}"


class DigestDelivery(ClaimedSend):
    """A digest sent to a person with nothing to be reminded of (only sections and
    inform items): at most one per person per reminder period, claimed like ``Reminder``."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateTimeField()
    run = models.ForeignKey(ReminderRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "period_start"], name="raci_digest_once_per_period"),
        ]
        indexes = [models.Index(fields=["claim_token"], name="raci_delivery_claim_idx")]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} — {self.period_start:%Y-%m-%d %H:%M}"
