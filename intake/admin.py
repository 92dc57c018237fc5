"""Administrators edit the IT review checklist and read requests with their
timeline and reviews. Requests, reviews and their answers change only through
the pages (the services check who may do what, keep the version and write the
timeline), so they are read-only here."""

from django.contrib import admin

from intake.models import IntakeRequest, ITReview, RequestEvent, ReviewAnswer, ReviewCheck


@admin.register(ReviewCheck)
class ReviewCheckAdmin(admin.ModelAdmin):
    list_display = ("label", "key", "applies_to", "position", "is_active")
    list_filter = ("applies_to", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("label", "key", "guidance")


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    fields = ("at", "actor", "from_state", "to_state", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ITReviewInline(admin.TabularInline):
    model = ITReview
    fields = ("created_at", "kind", "reviewer", "outcome", "conditions", "notes", "is_current")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IntakeRequest)
class IntakeRequestAdmin(admin.ModelAdmin):
    list_display = ("title", "state", "category", "budget_side", "touches_personal_data", "requester", "created_at")
    list_filter = ("state", "category", "budget_side", "touches_personal_data", "urgency")
    search_fields = ("title", "problem", "requester__username", "requester__last_name")
    list_select_related = ("category", "requester")
    inlines = [RequestEventInline, ITReviewInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ITReview)
class ITReviewAdmin(admin.ModelAdmin):
    list_display = ("request", "kind", "reviewer", "outcome", "created_at", "is_current")
    list_filter = ("kind", "outcome", "is_current")
    list_select_related = ("request", "reviewer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewAnswer)
class ReviewAnswerAdmin(admin.ModelAdmin):
    list_display = ("review", "label", "result")
    list_filter = ("result",)
    list_select_related = ("review__request",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
