from django.contrib import admin

from scorecards.models import Candidate, Criterion, Decision, Invitation, RatingSheet, Scorecard, ScorecardCriterion


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


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("name", "scorecard", "build_in_house", "created_at")
    list_filter = ("build_in_house",)
    search_fields = ("name", "scorecard__project__name")
    list_select_related = ("scorecard__project",)


@admin.register(RatingSheet)
class RatingSheetAdmin(admin.ModelAdmin):
    list_display = ("candidate", "rater", "rater_side", "submitted_at", "updated_at")
    list_filter = ("rater_side", ("submitted_at", admin.EmptyFieldListFilter))
    search_fields = ("candidate__name", "rater__username")
    list_select_related = ("candidate", "rater")


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
