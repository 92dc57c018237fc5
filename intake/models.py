"""Intake: requests for new tools and projects, their timeline and their IT reviews.

Invariants live in the database first (see each model's constraints): a state
from the machine (``intake.states``), a project exactly when approved (and one
approval event per request), a duplicate always names its original, personal
data kinds exactly when the request touches personal data, one *current*
review of each kind per request (earlier reviews are kept, superseded, so the
record of who checked what stays), a waiver only on a request without personal
data and always with its reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from governance.models import Side
from intake.states import OPEN_STATES, State


class Urgency(models.TextChoices):
    QUICK_WIN = "quick_win", "Quick win"
    STRATEGIC = "strategic", "Strategic"


class PersonalData(models.TextChoices):
    """The kinds of customer or personal data a tool may store or process."""

    CONTACT = "contact", "Contact details (name, e-mail, phone, address)"
    BEHAVIOURAL = "behavioural", "Behavioural or tracking data (web, app, e-mail engagement)"
    PURCHASE = "purchase", "Purchase history"
    PAYMENT = "payment", "Payment details"
    SENSITIVE = "sensitive", "Sensitive or special category data (health, beliefs, ...)"


KIND_SEPARATOR = ","


class IntakeRequest(models.Model):
    title = models.CharField(max_length=200, help_text="A short name for the tool or project asked for.")
    problem = models.TextField("the problem", help_text="What is wrong today, for customers or the business?")
    desired_outcome = models.TextField(help_text="What will be better, and how will we know?")
    budget_side = models.CharField(
        "budget owner", max_length=20, choices=Side.choices, help_text="Which side pays: Marketing or IT."
    )
    yearly_cost = models.DecimalField(
        "estimated yearly cost (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    category = models.ForeignKey(
        "inventory.ToolCategory", on_delete=models.PROTECT, related_name="intake_requests", verbose_name="tool category"
    )
    replaces = models.ManyToManyField(
        "inventory.Tool", blank=True, related_name="intake_requests", verbose_name="tools it might replace"
    )
    replaces_other = models.CharField(
        "other tools it might replace",
        max_length=300,
        blank=True,
        help_text="Tools that are not in the stack inventory, separated by commas.",
    )
    touches_personal_data = models.BooleanField(
        "stores or processes customer or personal data",
        default=False,
        help_text="If yes, IT records a security and privacy review before anyone may approve it.",
    )
    personal_data_kinds = models.CharField(
        "kinds of personal data", max_length=200, blank=True, help_text="Stored as keys separated by commas."
    )
    integrations = models.TextField(
        "systems it must integrate with", blank=True, help_text="CRM, website, data warehouse, single sign-on..."
    )
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.STRATEGIC)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake_requests")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set on approval, with the people who decided it.
    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="intake_request"
    )
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # An approver may waive the integration review of a request without personal data.
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waiver_reason = models.TextField(blank=True)
    # Optimistic concurrency: every write adds one; a page sends back the version it showed.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="intake_state_valid"),
            models.CheckConstraint(condition=Q(budget_side__in=Side.values), name="intake_budget_side_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="intake_urgency_valid"),
            models.CheckConstraint(
                condition=Q(yearly_cost__isnull=True) | Q(yearly_cost__gte=0), name="intake_yearly_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(touches_personal_data=True, personal_data_kinds__gt="")
                | Q(touches_personal_data=False, personal_data_kinds=""),
                name="intake_personal_data_kinds_iff_touched",
            ),
            models.CheckConstraint(
                condition=Q(state=State.APPROVED, project__isnull=False, decided_by__isnull=False)
                | (~Q(state=State.APPROVED) & Q(project__isnull=True)),
                name="intake_project_iff_approved",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.REJECTED) | Q(decided_by__isnull=False), name="intake_rejection_has_decider"
            ),
            models.CheckConstraint(
                condition=(Q(state=State.DUPLICATE) & Q(duplicate_of__isnull=False) & ~Q(duplicate_of=F("id")))
                | (~Q(state=State.DUPLICATE) & Q(duplicate_of__isnull=True)),
                name="intake_duplicate_names_another_request",
            ),
            models.CheckConstraint(
                condition=Q(waived_by__isnull=True, waiver_reason="")
                | Q(waived_by__isnull=False, touches_personal_data=False, waiver_reason__gt=""),
                name="intake_waiver_without_personal_data_with_reason",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="intake_version_positive"),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="intake_state_created")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("intake:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.personal_data_kinds.split(KIND_SEPARATOR) if k]

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(PersonalData.choices)
        return [labels.get(k, k) for k in self.kinds]

    @property
    def other_tools(self) -> list[str]:
        return [name.strip() for name in self.replaces_other.split(",") if name.strip()]


class RequestEvent(models.Model):
    """One line of a request's timeline: a change of state, who made it, when and why."""

    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)  # blank: submitted
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(to_state__in=State.values), name="intake_event_to_state_valid"),
            models.CheckConstraint(
                condition=Q(from_state="") | Q(from_state__in=State.values), name="intake_event_from_state_valid"
            ),
            models.CheckConstraint(condition=~Q(from_state=F("to_state")), name="intake_event_changes_state"),
            models.UniqueConstraint(
                fields=["request"], condition=Q(to_state=State.APPROVED), name="intake_one_approval_per_request"
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(from_state=""), name="intake_one_submission_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.from_state or '—'} → {self.to_state}"


class ReviewKind(models.TextChoices):
    SECURITY_PRIVACY = "security_privacy", "Security and privacy review"
    INTEGRATION_OVERLAP = "integration_overlap", "Integration and overlap review"


class AppliesTo(models.TextChoices):
    SECURITY_PRIVACY = ReviewKind.SECURITY_PRIVACY.value, "Security and privacy reviews"
    INTEGRATION_OVERLAP = ReviewKind.INTEGRATION_OVERLAP.value, "Integration and overlap reviews"
    BOTH = "both", "Both kinds of review"


class ReviewCheck(models.Model):
    """One item of the IT review checklist, kept as data (administrators edit it)."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    guidance = models.CharField(max_length=300, blank=True, help_text="What the reviewer looks at.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the checklist: lowest first.")
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    is_active = models.BooleanField("active", default=True, help_text="Inactive checks are not asked any more.")

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(applies_to__in=AppliesTo.values), name="intake_check_applies_to_valid")
        ]

    def __str__(self) -> str:
        return self.label


class Outcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
    REJECT = "reject", "Reject"


class ITReview(models.Model):
    """An IT reviewer's record on a request. Recording another review of the same
    kind supersedes the earlier one (kept, ``is_current`` false): the latest counts."""

    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    conditions = models.TextField(blank=True, help_text="What must hold for the approval to stand.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = "IT review"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReviewKind.values), name="intake_review_kind_valid"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="intake_review_outcome_valid"),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.APPROVE_WITH_CONDITIONS) | Q(conditions__gt=""),
                name="intake_review_conditions_stated",
            ),
            models.UniqueConstraint(
                fields=["request", "kind"], condition=Q(is_current=True), name="intake_one_current_review_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.request}: {self.get_outcome_display()}"


class Result(models.TextChoices):
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ReviewAnswer(models.Model):
    """One checklist item of a review: passed, failed or not applicable, with notes.
    The check's label is copied: an edited checklist never rewrites a past review."""

    review = models.ForeignKey(ITReview, on_delete=models.CASCADE, related_name="answers")
    check_item = models.ForeignKey(ReviewCheck, on_delete=models.PROTECT, related_name="answers", db_column="check_id")
    label = models.CharField(max_length=120)
    result = models.CharField(max_length=20, choices=Result.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]  # written in the checklist's order
        constraints = [
            models.CheckConstraint(condition=Q(result__in=Result.values), name="intake_answer_result_valid"),
            models.CheckConstraint(
                condition=~Q(result=Result.FAILED) | Q(notes__gt=""), name="intake_failed_check_has_notes"
            ),
            models.UniqueConstraint(fields=["review", "check_item"], name="intake_one_answer_per_check"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.get_result_display()}"
