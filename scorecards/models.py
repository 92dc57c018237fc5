"""Vendor priority scorecards: criteria, candidates, ratings, the decision.

A project's scorecard copies the criteria it started with
(``ScorecardCriterion``), so later edits of the defaults never rewrite a
decision already taken.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from governance.models import Side

SCORE_LABELS = {1: "Very poor", 2: "Poor", 3: "Okay", 4: "Good", 5: "Great"}
SCORE_CHOICES = [(value, f"{value} {label}") for value, label in SCORE_LABELS.items()]


# A weight is more than 0 and at most 10; a minimum lies on the score scale (1–5).
MIN_WEIGHT, MAX_WEIGHT = Decimal("0.01"), Decimal(10)
MIN_SCORE_FIGURE, MAX_SCORE_FIGURE = Decimal(1), Decimal(5)


class Group(models.TextChoices):
    IT = "it", "IT priorities"
    MARKETING = "marketing", "Marketing priorities"


class CriterionFields(models.Model):
    name = models.CharField(max_length=80)
    group = models.CharField(max_length=20, choices=Group.choices)
    description = models.CharField(max_length=300, blank=True)
    # Weights and minimums take up to two decimals ("Integration must average at
    # least 3.5"); scoring.py computes with them as exact decimals.
    weight = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(MIN_WEIGHT), MaxValueValidator(MAX_WEIGHT)],
        help_text="How much the criterion counts within its group: more than 0, at most 10 (e.g. 1.5).",
    )
    minimum = models.DecimalField(
        "minimum acceptable score",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_SCORE_FIGURE), MaxValueValidator(MAX_SCORE_FIGURE)],
        help_text="1 to 5, up to two decimals (e.g. 3.5). A candidate whose mean (as shown, to two places) "
        "falls below it on the criterion is flagged and ranked last.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["group", "position", "name"]

    def __str__(self) -> str:
        return self.name


def _criterion_checks(prefix: str) -> list:
    return [
        models.CheckConstraint(condition=Q(group__in=Group.values), name=f"{prefix}_group_valid"),
        models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=MAX_WEIGHT), name=f"{prefix}_weight_range"),
        models.CheckConstraint(
            condition=Q(minimum__isnull=True) | (Q(minimum__gte=MIN_SCORE_FIGURE) & Q(minimum__lte=MAX_SCORE_FIGURE)),
            name=f"{prefix}_minimum_range",
        ),
    ]


class Criterion(CriterionFields):
    """A default criterion: copied into each new scorecard. Administrators edit these."""

    is_active = models.BooleanField(default=True, help_text="Inactive criteria are not copied into new scorecards.")

    class Meta(CriterionFields.Meta):
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="criterion_unique_name"),
            *_criterion_checks("criterion"),
        ]


class Scorecard(models.Model):
    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="scorecard")
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by services.standings_refresh for the portfolio (5 × criteria per group).
    it_maximum = models.PositiveSmallIntegerField(default=0, editable=False)
    marketing_maximum = models.PositiveSmallIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return f"Scorecard of {self.project}"


class ScorecardCriterion(CriterionFields):
    """The copy of a criterion a scorecard was started with."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")

    class Meta(CriterionFields.Meta):
        verbose_name_plural = "scorecard criteria"
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "name"], name="scorecard_criterion_unique_name"),
            *_criterion_checks("scorecard_criterion"),
        ]


class Candidate(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=120)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    build_in_house = models.BooleanField("build in-house", default=False, help_text="Step 4 decides build or buy.")
    created_at = models.DateTimeField(auto_now_add=True)
    # The optimistic check of candidate edits (services.candidate_save): an edit
    # names the version its form was opened at and is refused if it moved since.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # The candidate's standing, as scorecards.selectors.scorecard_results computes it,
    # stored by services.standings_refresh after every write that can change it, so
    # the portfolio reads one row per project instead of aggregating every rating.
    it_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, editable=False)
    marketing_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, editable=False)
    overall_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, editable=False)
    rank = models.PositiveSmallIntegerField(null=True, editable=False, help_text="1 = leading; ties share a rank.")
    below_minimum = models.JSONField(default=list, editable=False, help_text="Criteria under their minimum.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "name"], name="candidate_unique_name")]

    def __str__(self) -> str:
        return self.name


class RatingSheet(models.Model):
    """One rater's ratings of one candidate: a draft until submitted.

    Only submitted sheets count, with the scores they were submitted with
    (``Rating.score``). Changes to a submitted sheet saved as a draft go to
    ``Rating.draft_score``/``draft_comment`` (``draft_saved_at`` set): the
    submitted version keeps counting until the changes are submitted complete.
    """

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="sheets")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rating_sheets")
    rater_side = models.CharField(max_length=20, choices=Side.choices, blank=True, help_text="The side when rating.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    draft_saved_at = models.DateTimeField(
        null=True, blank=True, help_text="Changes to the submitted ratings saved as a draft: they do not count yet."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "rater"], name="sheet_one_per_rater_candidate")]

    def __str__(self) -> str:
        return f"{self.rater} on {self.candidate}"


class Rating(models.Model):
    sheet = models.ForeignKey(RatingSheet, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(ScorecardCriterion, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=SCORE_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(max_length=500, blank=True)
    # A submitted sheet's unsubmitted changes (see RatingSheet): never counted.
    draft_score = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=SCORE_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    draft_comment = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="rating_one_per_sheet_criterion"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=5)), name="rating_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(draft_score__isnull=True) | (Q(draft_score__gte=1) & Q(draft_score__lte=5)),
                name="rating_draft_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score or '—'}"


class Invitation(models.Model):
    """The owner asks someone to test-drive and rate a candidate."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "user"], name="invitation_once_per_candidate")]

    def __str__(self) -> str:
        return f"{self.user} invited to rate {self.candidate}"


class DecisionQuerySet(models.QuerySet):
    def standing(self):
        """Decisions in force: they stood (both sponsors agreed, or the budget owner broke a tie) and are not withdrawn."""
        return self.filter(withdrawn_at__isnull=True, stood_at__isnull=False)

    def proposed(self):
        """Proposals waiting for the sponsors' signatures (not standing, not withdrawn)."""
        return self.filter(withdrawn_at__isnull=True, stood_at__isnull=True)


class Decision(models.Model):
    """The vendor chosen at step 5, with its evidence frozen at that moment.

    Recorded as a *proposal* (``stood_at`` empty) that both sponsors sign
    (``DecisionSignature``); it stands (``stood_at``) once both agree, or once the
    budget owner's sponsor breaks a disagreement (``tie_broken_by`` and its reason).
    Decisions recorded before dual signatures existed stood at once (``rule``).
    At most one decision per scorecard is not withdrawn: the open proposal or the
    standing decision.
    """

    class Rule(models.TextChoices):
        SINGLE = "single", "Recorded before dual signatures"
        DUAL = "dual", "Signed by both sponsors"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="decisions")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="decisions")
    rationale = models.TextField()
    against_ranking_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    results_snapshot = models.JSONField()
    raci_snapshot = models.JSONField()
    rule = models.CharField(max_length=10, choices=Rule.choices, default=Rule.DUAL)
    stood_at = models.DateTimeField(null=True, blank=True)
    tie_broken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tie_broken_at = models.DateTimeField(null=True, blank=True)
    tie_break_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            # One open proposal or standing decision per scorecard.
            models.UniqueConstraint(
                fields=["scorecard"], condition=Q(withdrawn_at__isnull=True), name="decision_one_standing_per_scorecard"
            ),
            models.CheckConstraint(condition=Q(rule__in=["single", "dual"]), name="decision_rule_valid"),
            models.CheckConstraint(
                condition=~Q(rule="single") | Q(stood_at__isnull=False), name="decision_single_rule_stood"
            ),
            models.CheckConstraint(
                condition=Q(tie_broken_by__isnull=True) | (~Q(tie_break_reason="") & Q(stood_at__isnull=False)),
                name="decision_tie_break_has_reason",
            ),
        ]

    def __str__(self) -> str:
        verb = "chosen" if self.stood_at else "proposed"
        return f"{self.candidate} {verb} for {self.scorecard.project}"

    @property
    def is_standing(self) -> bool:
        return self.stood_at is not None and self.withdrawn_at is None

    @property
    def is_proposal(self) -> bool:
        return self.stood_at is None and self.withdrawn_at is None


class DecisionSignature(models.Model):
    """One sponsor's position on a vendor decision: agree, or disagree with a comment.

    Never overwritten: a sponsor who changes their mind (only while the decision
    does not stand) adds a new signature and the old one is marked superseded,
    so at most one signature per side is current (database) and the page shows
    the whole history.
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="signatures")
    side = models.CharField(max_length=20, choices=Side.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField()
    comment = models.TextField(blank=True)
    signed_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "side"],
                condition=Q(superseded_at__isnull=True),
                name="decision_signature_one_current_per_side",
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="decision_signature_side_valid"),
            models.CheckConstraint(
                condition=Q(agrees=True) | ~Q(comment=""), name="decision_signature_dissent_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer} {'agrees' if self.agrees else 'disagrees'} ({self.get_side_display()})"
