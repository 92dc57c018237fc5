"""Administrators edit the questionnaire and see who was invited and who
responded, never what anyone answered: answers have no admin, and nothing
here shows a level or a comment. A closed round is final here too: its closing
date is read-only (and ``AlignmentRound.clean``/``save`` refuse to move it, for
a form opened before the round closed); an open round's date may move, later
to extend it, or into the past to close it."""

from django.contrib import admin

from alignment.models import AlignmentRound, Dimension, DimensionLevel, RoundInvitation


class DimensionLevelInline(admin.TabularInline):
    model = DimensionLevel
    extra = 0
    max_num = 5
    ordering = ["level"]


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "key", "question")
    list_editable = ("position", "is_active")
    inlines = [DimensionLevelInline]


class RoundInvitationInline(admin.TabularInline):
    model = RoundInvitation
    fields = ("user", "invited_at", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AlignmentRound)
class AlignmentRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "scope", "opened_by", "opened_at", "closes_at")
    list_filter = (("project", admin.RelatedOnlyFieldListFilter), "closes_at")
    search_fields = ("title", "project__name", "opened_by__username", "opened_by__last_name")
    fields = ("title", "project", "opened_by", "opened_at", "closes_at")
    readonly_fields = ("project", "opened_by", "opened_at")
    list_select_related = ("project", "opened_by")
    inlines = [RoundInvitationInline]

    def has_add_permission(self, request):
        return False  # rounds are opened through the site, which copies the questionnaire and checks invitees

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return (*self.readonly_fields, "closes_at")  # closed: final
        return self.readonly_fields

    @admin.display(description="scope", ordering="project__name")
    def scope(self, obj: AlignmentRound) -> str:
        return obj.scope_label


@admin.register(RoundInvitation)
class RoundInvitationAdmin(admin.ModelAdmin):
    """Who responded, never what: no side (it would narrow a small group), no answers."""

    list_display = ("user", "round", "invited_at", "answered_at")
    list_filter = (("round", admin.RelatedOnlyFieldListFilter), ("answered_at", admin.EmptyFieldListFilter))
    search_fields = ("user__username", "user__first_name", "user__last_name", "round__title")
    fields = ("round", "user", "invited_at", "answered_at")
    readonly_fields = fields
    list_select_related = ("user", "round")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
