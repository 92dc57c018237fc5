from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from projects.models import LifecycleStep, Project
from projects.services import PROJECT_FIELDS, validate_people

SIDE_CHECKED = ("marketing_sponsor", "it_sponsor", "it_lead")


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History in admin is for reading: reverting to a past version writes all
    of its fields at once (a step's status, a removed RACI role), past the
    services that check the rules, so it is refused."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Reverting from history would skip Tandem's rules; change it in the app.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ProjectAdminForm(forms.ModelForm):
    """Admin's project form: sponsors and the IT lead pass the same side and
    activity checks as in the app (``projects.services.validate_people``)."""

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "owner", "slug"]  # admin's own field list wins

    def clean(self):
        cleaned = super().clean()
        # Only the people being set: someone who left since blocks no unrelated edit.
        changed = {name: cleaned.get(name) for name in SIDE_CHECKED if name in self.changed_data}
        try:
            validate_people(**{name: changed.get(name) for name in SIDE_CHECKED})
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return cleaned


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
class ProjectAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "status", "owner", "marketing_sponsor", "it_sponsor", "it_lead", "target_launch")
    list_filter = ("status", "budget_owner_side", "requirements_side")
    search_fields = ("name", "slug", "problem", "owner__username", "owner__last_name")
    list_select_related = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")
    raw_id_fields = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")
    readonly_fields = ("created_at", "updated_at")
    inlines = [LifecycleStepInline]
    form = ProjectAdminForm

    def has_add_permission(self, request):
        # Projects are created in the app so their ten steps are created with them.
        return False


@admin.register(LifecycleStep)
class LifecycleStepAdmin(ReadOnlyHistoryAdmin):
    list_display = ("project", "number", "name", "status", "due_date", "suggested_side")
    list_filter = ("status", "key", "suggested_side")
    search_fields = ("project__name", "name")
    list_select_related = ("project",)
    # Status moves only through raci.services, where the RACI rules gate it.
    readonly_fields = ("project", "number", "key", "status", "started_at", "completed_at", "blocked_reason")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The ten steps live and die with their project.
        return False
