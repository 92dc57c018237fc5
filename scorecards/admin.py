from django.contrib import admin
from django.db import models
from django.utils import timezone

from scorecards.models import Candidate, Criterion, Decision, Invitation, RatingSheet, Scorecard, ScorecardCriterion
from scorecards.services import standings_refresh


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "group", "weight", "minimum", "position", "is_active")
    list_filter = ("group", "is_active")
    list_editable = ("weight", "minimum", "position", "is_active")
    search_fields = ("name", "description")


class ScorecardCriterionInline(admin.TabularInline):
    model = ScorecardCriterion
    extra = 0
    fields = ("name", "group", "weight", "minimum", "position")


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("project", "created_at")
    search_fields = ("project__name",)
    list_select_related = ("project",)
    inlines = [ScorecardCriterionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        standings_refresh(form.instance)  # a weight or minimum may have changed


class RefreshStandingsMixin:
    """Admin edits that can move a candidate's figures refresh the stored standings."""

    def _scorecard(self, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        standings_refresh(self._scorecard(obj))

    def delete_model(self, request, obj):
        scorecard = self._scorecard(obj)
        super().delete_model(request, obj)
        standings_refresh(scorecard)

    def delete_queryset(self, request, queryset):
        scorecards = {self._scorecard(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for scorecard in scorecards:
            standings_refresh(scorecard)


@admin.register(Candidate)
class CandidateAdmin(RefreshStandingsMixin, admin.ModelAdmin):
    list_display = ("name", "scorecard", "build_in_house", "created_at")
    list_filter = ("build_in_house",)
    search_fields = ("name", "scorecard__project__name")
    list_select_related = ("scorecard__project",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the page's candidate form
    readonly_fields = ("it_total", "marketing_total", "overall_total", "rank", "below_minimum", "version",
                       "updated_by", "updated_at")  # fmt: skip

    def _scorecard(self, obj):
        return obj.scorecard

    def save_model(self, request, obj, form, change):
        # An admin edit is an edit too: a page's edit form opened before it is then stale.
        if change:
            obj.version += 1
        obj.updated_by, obj.updated_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(RatingSheet)
class RatingSheetAdmin(RefreshStandingsMixin, admin.ModelAdmin):
    list_display = ("candidate", "rater", "rater_side", "submitted_at", "updated_at")
    list_filter = ("rater_side", ("submitted_at", admin.EmptyFieldListFilter))
    search_fields = ("candidate__name", "rater__username")
    list_select_related = ("candidate", "rater")

    def _scorecard(self, obj):
        return obj.candidate.scorecard


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("candidate", "user", "invited_by", "created_at")
    search_fields = ("candidate__name", "user__username")
    list_select_related = ("candidate", "user", "invited_by")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("candidate", "scorecard", "decided_by", "decided_at", "withdrawn_at")
    list_filter = (("withdrawn_at", admin.EmptyFieldListFilter),)
    search_fields = ("candidate__name", "scorecard__project__name", "rationale")
    list_select_related = ("candidate", "scorecard__project", "decided_by")
    readonly_fields = [f.name for f in Decision._meta.fields]

    def has_add_permission(self, request):
        return False
