from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from raci.models import RaciAssignment


@admin.register(RaciAssignment)
class RaciAssignmentAdmin(SimpleHistoryAdmin):
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

    @admin.display(ordering="step__project__name")
    def project(self, obj: RaciAssignment):
        return obj.step.project
