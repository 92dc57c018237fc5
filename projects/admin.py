from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import LifecycleStep, Project


class LifecycleStepInline(admin.TabularInline):
    model = LifecycleStep
    fields = ("number", "name", "suggested_side", "status", "due_date", "started_at", "completed_at")
    # Status moves only through raci.services, where the RACI rules gate it.
    readonly_fields = ("number", "name", "status", "started_at", "completed_at")
    extra = 0
    can_delete = False
    max_num = 10

    def has_add_permission(self, request, obj=None):
        # The ten steps come with the project (projects.services.project_create).
        return False


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "status", "owner", "marketing_sponsor", "it_sponsor", "it_lead", "target_launch")
    list_filter = ("status", "budget_owner_side", "requirements_side")
    search_fields = ("name", "slug", "problem", "owner__username", "owner__last_name")
    list_select_related = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")
    raw_id_fields = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")
    readonly_fields = ("created_at", "updated_at")
    inlines = [LifecycleStepInline]

    def has_add_permission(self, request):
        # Projects are created in the app so their ten steps are created with them.
        return False


@admin.register(LifecycleStep)
class LifecycleStepAdmin(SimpleHistoryAdmin):
    list_display = ("project", "number", "name", "status", "due_date", "suggested_side")
    list_filter = ("status", "key", "suggested_side")
    search_fields = ("project__name", "name")
    list_select_related = ("project",)
    # Status moves only through raci.services, where the RACI rules gate it.
    readonly_fields = ("project", "number", "key", "status", "started_at", "completed_at")

    def has_add_permission(self, request):
        return False
