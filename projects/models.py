"""Projects and their ten lifecycle steps."""

from functools import cached_property, lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, When
from django.urls import get_script_prefix, get_urlconf, reverse
from simple_history.models import HistoricalRecords

from governance.models import Side
from projects.lifecycle import STEP_COUNT, SuggestedSide


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"


class ProjectQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=ProjectStatus.ACTIVE)

    def visible_to(self, user):
        """Projects ``user`` may see. Only ``projects.access`` should call this."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_staff or user.is_executive:
            return self
        return self.member_of(user)

    def member_of(self, user):
        """Projects ``user`` is a member of: owner, a sponsor, IT lead, or a RACI role on one of its steps.

        Written as ``id IN (a union of five lookups)``, each answered by its own
        index, so a query for one person reads that person's rows whatever the
        size of the portfolio; the same condition as one ``OR`` can use no index
        and made every such query read every project and every step.
        """
        as_key_person = [
            Project.objects.filter(**{field: user}).order_by().values("pk")
            for field in ("owner", "marketing_sponsor", "it_sponsor", "it_lead")
        ]
        # Membership through a RACI role is read by relation name, so this app
        # never imports raci (imports point down the layers). From the person's
        # assignments, each step's project is looked up by its key: a join would
        # be planned as a read of every step.
        assignment = LifecycleStep._meta.get_field("assignments").related_model
        step_project = LifecycleStep.objects.filter(pk=OuterRef("step_id")).order_by().values("project_id")
        holds_role = assignment.objects.filter(user=user).order_by().values(project_id=Subquery(step_project))
        return self.filter(pk__in=as_key_person[0].union(*as_key_person[1:], holds_role))


@lru_cache(maxsize=20_000)
def _project_url(prefix: str, urlconf, slug: str) -> str:
    """A project's page, by slug, for the URL configuration and prefix in force: a page listing
    hundreds of steps links each to its project, and ``reverse`` is the costly part of a link."""
    return reverse("project_detail", kwargs={"slug": slug})


class Project(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    problem = models.TextField("business problem", help_text="What is wrong today, for customers or the business?")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_projects")
    marketing_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    it_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="IT sponsor",
    )
    it_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="IT lead",
    )
    budget_owner_side = models.CharField(
        max_length=20,
        choices=Side.choices,
        default=Side.MARKETING,
        help_text="The budget owner breaks ties when choosing a vendor.",
    )
    requirements_side = models.CharField(
        "requirements accountable side",
        max_length=20,
        choices=Side.choices,
        default=Side.MARKETING,
        help_text="Step 3, Define the requirements, is led by Marketing or IT: decided per project.",
    )
    target_launch = models.DateField("target launch date", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values), name="project_status_valid"),
            models.CheckConstraint(condition=Q(budget_owner_side__in=Side.values), name="project_budget_side_valid"),
            models.CheckConstraint(
                condition=Q(requirements_side__in=Side.values), name="project_requirements_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return _project_url(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, self.slug)

    @property
    def key_people(self) -> list:
        """Owner, sponsors and IT lead, without gaps or repeats."""
        people = []
        for person in (self.owner, self.marketing_sponsor, self.it_sponsor, self.it_lead):
            if person is not None and person not in people:
                people.append(person)
        return people


class LifecycleStep(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=30)
    name = models.CharField(max_length=120)
    guidance = models.TextField(blank=True)
    suggested_side = models.CharField(max_length=30, choices=SuggestedSide.choices)
    status = models.CharField(max_length=20, choices=StepStatus.choices, default=StepStatus.NOT_STARTED)
    due_date = models.DateField(null=True, blank=True)
    blocked_reason = models.CharField(max_length=300, blank=True)
    outcome = models.TextField(blank=True, help_text="What the step decided or delivered.")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="step_unique_number_per_project"),
            models.UniqueConstraint(fields=["project", "key"], name="step_unique_key_per_project"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=STEP_COUNT), name="step_number_in_lifecycle"
            ),
            models.CheckConstraint(condition=Q(status__in=StepStatus.values), name="step_status_valid"),
            # A finished step always says when it finished.
            models.CheckConstraint(
                condition=~Q(status=StepStatus.DONE) | Q(completed_at__isnull=False), name="step_done_has_completed_at"
            ),
        ]
        # The portfolio's overdue steps: unfinished steps by due date, with their project, so the
        # overdue tile counts them from the index alone (overview.tiles).
        indexes = [
            models.Index(
                fields=["due_date", "project"], condition=~Q(status=StepStatus.DONE), name="step_open_due_project_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @cached_property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.due_date is not None and self.status != StepStatus.DONE and self.due_date < timezone.localdate()


# --- Stored portfolio figures (projects.figures keeps them; the portfolio dashboard reads them) ---


# A perception gap this big (in levels, either way) needs attention: ``alignment.anonymity.BIG_GAP``,
# repeated here for the stored figures (this app is below alignment; a test holds them equal).
ALIGNMENT_BIG_GAP = 1.0


def big_alignment_gap(field: str = "alignment_gap") -> Q:
    """A stored perception gap of ``ALIGNMENT_BIG_GAP`` or more, either way (``field``: the
    gap's column, or a lookup to it from another model)."""
    return Q(**{f"{field}__gte": ALIGNMENT_BIG_GAP}) | Q(**{f"{field}__lte": -ALIGNMENT_BIG_GAP})


class ProjectFigures(models.Model):
    """A project's step and RACI figures, stored beside it so the portfolio filters,
    sorts and sums them in the database (``projects.figures`` says when they are
    refreshed: in the transaction of every change to the steps, the RACI or a
    person's side or active flag, and a project round's stored summary). Nothing
    here depends on the day or the viewer: overdue steps and vendors are read live,
    and so is a round closed by time passing until its summary is stored. (A change to a project's creation
    time, which dates a step never owned, is not expected: a data fix refreshes them.)"""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="figures")
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_unowned = models.PositiveSmallIntegerField(default=0, help_text="Steps without an active Accountable person.")
    current_number = models.PositiveSmallIntegerField(
        null=True, help_text="The first step not done; none when all are."
    )
    current_owned = models.BooleanField(default=False, help_text="The current step has an active Accountable person.")
    next_due = models.DateField(null=True, help_text="The earliest due date of a step not done.")
    unowned_since = models.DateTimeField(
        null=True, help_text="Since when its longest-unowned step has had no Accountable person."
    )
    current_marketing = models.BooleanField(default=False, help_text="The current step is led by Marketing.")
    current_it = models.BooleanField(default=False, help_text="The current step is led by IT.")
    marketing_going_alone = models.BooleanField(default=False)
    it_going_alone = models.BooleanField(default=False)
    alignment_level = models.FloatField(
        null=True, help_text="The overall level of its latest summarized alignment round, where the round shows it."
    )
    alignment_gap = models.FloatField(
        null=True, help_text="That round's perception gap (Marketing's mean minus IT's), where the round shows it."
    )
    # How many of its reasons for attention these columns hold (steps without an owner, an
    # alignment gap, one side going it alone), computed by the database from them: the dashboard
    # adds the reasons of the day and the viewer, and sorts and counts by the sum.
    stored_attention = models.GeneratedField(
        expression=(
            Case(When(steps_unowned__gt=0, then=1), default=0)
            + Case(When(big_alignment_gap(), then=1), default=0)
            + Case(When(Q(marketing_going_alone=True) | Q(it_going_alone=True), then=1), default=0)
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "project figures"
        verbose_name_plural = "project figures"

    def __str__(self) -> str:
        return f"Figures of project {self.project_id}"


# --- Liaisons: who speaks for one side to the other (projects.liaison_services writes them) ---


class Liaison(models.Model):
    """The person who speaks for ``side`` to the other side: the organization's
    (``project`` empty) or one project's, which then stands in for the
    organization's on that project (``projects.liaisons.liaisons_for``).

    One per side for the organization and one per side per project, in the
    database; that the person is on ``side`` and active is checked by the
    service, which says so in words."""

    side = models.CharField(max_length=20, choices=Side.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaisons")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="liaisons")

    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "side"]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Side.values), name="liaison_side_valid"),
            models.UniqueConstraint(
                fields=["side"], condition=Q(project__isnull=True), name="liaison_one_per_side_organization"
            ),
            models.UniqueConstraint(
                fields=["project", "side"], condition=Q(project__isnull=False), name="liaison_one_per_side_project"
            ),
        ]

    def __str__(self) -> str:
        where = self.project.name if self.project_id else "the organization"
        return f"{self.get_side_display()} liaison for {where}: {self.user}"
