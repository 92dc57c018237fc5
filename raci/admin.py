from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from projects.admin import ReadOnlyHistoryAdmin
from raci.models import FrameworkEntry, FrameworkRevision, OrganizationRole, RaciAssignment, Reminder, ReminderRun
from raci.services import release_held_run


@admin.register(RaciAssignment)
class RaciAssignmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("step", "project", "user", "role", "updated_at")
    list_filter = ("role", "step__key")
    search_fields = ("user__username", "user__first_name", "user__last_name", "step__project__name")
    list_select_related = ("step__project", "user")
    raw_id_fields = ("step", "user")

    # Roles change in the matrix editor (raci.services.matrix_save), which
    # checks every rule across the step; admin reads them and their history.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting here would skip "a done step keeps its Accountable" and the
        # reminder that follows losing one.
        return False

    @admin.display(ordering="step__project__name")
    def project(self, obj: RaciAssignment):
        return obj.step.project


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("recipient", "step", "project", "reason", "escalation", "period_start", "sent_at", "attempts")
    list_filter = ("escalation", "reason", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("recipient__username", "recipient__email", "step__project__name")
    list_select_related = ("recipient", "step__project")
    date_hierarchy = "period_start"

    @admin.display(ordering="step__project__name")
    def project(self, obj: Reminder):
        return obj.step.project

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderRun)
class ReminderRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "trigger", "status", "steps_found", "recipients", "emails_sent", "failures")
    list_filter = ("status", "trigger")
    search_fields = ("note",)
    readonly_fields = [f.name for f in ReminderRun._meta.fields]
    actions = ["release"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Release: let the next run send despite the limit")
    def release(self, request, queryset):
        try:
            released = sum(release_held_run(actor=request.user, run=run) for run in queryset)
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), level=messages.ERROR)
            return
        self.message_user(request, f"{released} held run(s) released; the next sweep will send.")


# --- The organization's responsibility framework ---------------------------------------------
# Edited on its own page (raci.framework_services.framework_save checks one A per
# step, active people and concurrent edits); admin reads it and its history.


class _ReadOnlyFrameworkAdmin(ReadOnlyHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FrameworkEntry)
class FrameworkEntryAdmin(_ReadOnlyFrameworkAdmin):
    list_display = ("step_number", "role", "letter")
    list_filter = ("role", "letter")


@admin.register(OrganizationRole)
class OrganizationRoleAdmin(_ReadOnlyFrameworkAdmin):
    list_display = ("role", "user")
    list_select_related = ("user",)


@admin.register(FrameworkRevision)
class FrameworkRevisionAdmin(admin.ModelAdmin):
    list_display = ("number", "saved_at", "saved_by")
    list_select_related = ("saved_by",)
    readonly_fields = [f.name for f in FrameworkRevision._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
