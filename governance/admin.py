from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from governance import deactivation
from governance.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "department", "job_title", "is_executive", "is_active")
    list_filter = ("department", "is_executive", "on_steering_group", "is_active", "is_staff", "reminders_enabled")
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Tandem", {"fields": ("department", "job_title", "is_executive", "on_steering_group", "reminders_enabled")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Tandem", {"fields": ("first_name", "last_name", "email", "department", "job_title", "is_executive")}),
    )
    actions = ["deactivate"]

    @admin.display(description="name")
    def display_name(self, obj: User) -> str:
        return obj.display_name

    def save_model(self, request, obj, form, change):
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            # Unticking "active" is a deactivation: say which steps it leaves unowned.
            lines = deactivation.left_unowned(obj)
            self.message_user(
                request, deactivation.summary(obj, lines), level=messages.WARNING if lines else messages.INFO
            )

    @admin.action(description="Deactivate: they can no longer sign in or own a step")
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            lines = deactivation.deactivate(user)
            self.message_user(
                request, deactivation.summary(user, lines), level=messages.WARNING if lines else messages.INFO
            )
