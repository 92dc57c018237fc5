"""Alignment self-assessments: how well Marketing and IT work together.

Per dimension, on RSG RealScore's five-level scale. The questionnaire is data
(Dimension, DimensionLevel); each round copies the wording its respondents saw
(RoundDimension), so editing the questionnaire later never changes a past round.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from governance.models import Side

ALIGNMENT_LEVEL_MIN = 1
ALIGNMENT_LEVEL_MAX = 5
ALIGNMENT_LEVEL_NAMES = {
    1: "Marketing flying solo",
    2: "Occasional contact",
    3: "Working together",
    4: "Strategic partners",
    5: "We are family",
}


def alignment_level_name(mean: float | None) -> str:
    """The name of the level nearest to ``mean`` (2.5 rounds up to 3)."""
    if mean is None:
        return ""
    level = min(ALIGNMENT_LEVEL_MAX, max(ALIGNMENT_LEVEL_MIN, int(mean + 0.5)))
    return ALIGNMENT_LEVEL_NAMES[level]


def _level_in_range(field: str) -> models.Q:
    return models.Q(**{f"{field}__gte": ALIGNMENT_LEVEL_MIN}) & models.Q(**{f"{field}__lte": ALIGNMENT_LEVEL_MAX})


class Dimension(models.Model):
    """One question of the default questionnaire, editable by administrators."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    question = models.TextField()
    guidance = models.TextField(help_text="What to do next when this dimension is among the weakest.")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Inactive dimensions are left out of new rounds.")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class DimensionLevel(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    description = models.TextField()

    class Meta:
        ordering = ["dimension", "level"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "level"], name="dimension_level_unique"),
            models.CheckConstraint(condition=_level_in_range("level"), name="dimension_level_in_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.level}"


def closing_change_error(stored_closes_at, new_closes_at) -> str:
    """Why a round's closing time may not go from ``stored_closes_at`` to
    ``new_closes_at`` ("" when it may). A closed round is final: its closing
    time never changes again, so it never reopens and no answer arrives after
    its results were shown. While a round is open its closing time may move
    (an extension moves it later; an earlier time closes it sooner)."""
    if stored_closes_at is None or stored_closes_at == new_closes_at:
        return ""
    if stored_closes_at <= timezone.now():
        return "This round has closed: it is final, and its closing date cannot change. Open a new round instead."
    return ""


class AlignmentRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closes_at__gt=timezone.now())

    def closed(self):
        return self.filter(closes_at__lte=timezone.now())


class AlignmentRound(models.Model):
    """A round of the questionnaire, for the whole organization (no project) or one project."""

    title = models.CharField(max_length=200)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="alignment_rounds"
    )
    opened_by = models.ForeignKey("governance.User", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closes_at = models.DateTimeField(help_text="Answers are accepted until this moment; results appear after it.")

    objects = AlignmentRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "-pk"]
        indexes = [models.Index(fields=["project", "closes_at"], name="alignment_round_scope_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """Every save of an existing round (the admin's included) re-reads its
        closing time under a lock and refuses to move a closed round's
        (``closing_change_error``): a form checked a moment before the round
        closed by time passing cannot reopen it."""
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            error = closing_change_error(self._stored_closes_at(lock=True), self.closes_at)
            if error:
                raise ValidationError({"closes_at": error})
            super().save(*args, **kwargs)

    def _stored_closes_at(self, *, lock: bool = False):
        rounds = type(self)._base_manager.filter(pk=self.pk)
        return (rounds.select_for_update() if lock else rounds).values_list("closes_at", flat=True).first()

    def clean(self) -> None:
        super().clean()
        if self.pk is not None and self.closes_at is not None:
            error = closing_change_error(self._stored_closes_at(), self.closes_at)
            if error:
                raise ValidationError({"closes_at": error})

    @property
    def is_open(self) -> bool:
        return self.closes_at > timezone.now()

    @property
    def scope_label(self) -> str:
        return self.project.name if self.project_id else "Whole organization"


class RoundDimension(models.Model):
    """The wording of one dimension as the round's respondents saw it."""

    round = models.ForeignKey(AlignmentRound, on_delete=models.CASCADE, related_name="dimensions")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    question = models.TextField()
    guidance = models.TextField(blank=True)
    levels = models.JSONField(help_text="The five level descriptions, level 1 first.")

    class Meta:
        ordering = ["round", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="round_dimension_unique_key")]

    def __str__(self) -> str:
        return self.name


class RoundInvitation(models.Model):
    """Who was invited and whether they answered. The side is snapshotted when
    they answer, so a later change of department does not move their answers."""

    round = models.ForeignKey(AlignmentRound, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey("governance.User", on_delete=models.CASCADE, related_name="alignment_invitations")
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    side = models.CharField(max_length=20, blank=True, choices=Side.choices, help_text="Snapshot when answering.")

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="round_invitation_once"),
            models.CheckConstraint(condition=models.Q(side__in=[*Side.values, ""]), name="round_invitation_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.round}"


class RoundAnswer(models.Model):
    """One respondent's level for one dimension. Never shown individually."""

    invitation = models.ForeignKey(RoundInvitation, on_delete=models.CASCADE, related_name="answers")
    dimension = models.ForeignKey(RoundDimension, on_delete=models.CASCADE, related_name="answers")
    level = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=1000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "dimension"], name="round_answer_once_per_dimension"),
            models.CheckConstraint(condition=_level_in_range("level"), name="round_answer_level_in_scale"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.dimension}"


class RoundSummary(models.Model):
    """Every figure a closed round discloses, frozen when it closes: its answers
    summed per side (``groups``, what the portfolio reads), per dimension and
    side (``dimensions``), its comments and how many were invited and answered.
    Written only by ``alignment.summaries``: when the round closes, by the beat
    task or ``manage.py refresh_round_summaries`` for rounds that closed by time
    passing, and, before anything else, by any deletion or change of a closed
    round's answers or invitations (``alignment.signals``). Once stored it is
    never recomputed: deleting a respondent after close would otherwise give a
    second set of figures, and the two sets together that person's answers.
    Valid while ``closes_at`` is the round's (a closed round's closing time
    cannot change; one changed behind the models' back makes it stale, and
    reads compute the sums instead, never storing them). Never shown as it is (a
    side's sum with one respondent is that person's answers): every read goes
    through ``alignment.anonymity.disclose``, and it has no admin page."""

    round = models.OneToOneField(AlignmentRound, on_delete=models.CASCADE, related_name="summary")
    closes_at = models.DateTimeField(help_text="The round's closing time these sums were computed for.")
    groups = models.JSONField(help_text="Per side: [sum of levels, answers, respondents].")
    dimensions = models.JSONField(
        null=True, help_text="Per round dimension id, per side: [sum of levels, answers, respondents]."
    )
    comments = models.JSONField(null=True, help_text="Per round dimension id: its comments, sorted.")
    invited = models.PositiveIntegerField(null=True)
    answered = models.PositiveIntegerField(null=True)

    class Meta:
        # Whether a closed round has a valid summary, read from this index alone: the dashboard
        # asks on every request (overview.alignment_sql), and the rows themselves are large.
        indexes = [models.Index(fields=["round", "closes_at"], name="roundsummary_round_closes_idx")]

    def __str__(self) -> str:
        return f"Summary of {self.round}"
