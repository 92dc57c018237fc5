"""The joint roadmap's own rows: a project's quick-win or strategic mark, and the shared vision per year.

Everything else the roadmap shows (dates, sponsors, the current step, the category) is read from
``projects``, ``intake`` and ``inventory``; only what the roadmap decides is stored here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

FIRST_YEAR, LAST_YEAR = 2000, 2100


class Mark(models.TextChoices):
    QUICK_WIN = "quick_win", "Quick win"
    STRATEGIC = "strategic", "Strategic"


class RoadmapMark(models.Model):
    """A project marked a quick win or strategic by someone who manages it.

    Without a row the roadmap shows a default (``roadmap.selectors``: the urgency of the intake
    request the project came from, else strategic)."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, primary_key=True, related_name="roadmap_mark"
    )
    kind = models.CharField(max_length=20, choices=Mark.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(kind__in=Mark.values), name="roadmap_mark_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: project {self.project_id}"


class Vision(models.Model):
    """The shared vision of Marketing and IT for one year, written by executives and administrators."""

    year = models.PositiveSmallIntegerField(unique=True)
    text = models.TextField(help_text="Where Marketing and IT want to be by the end of the year, together.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: every save adds one; the edit page sends back the version it showed.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="roadmap_vision_year_in_range"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="roadmap_vision_version_positive"),
            models.CheckConstraint(condition=~Q(text=""), name="roadmap_vision_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Vision {self.year}"
