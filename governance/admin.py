from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from governance.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "department", "job_title", "is_executive", "is_active")
    list_filter = ("department", "is_executive", "is_active", "is_staff", "reminders_enabled")
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Tandem", {"fields": ("department", "job_title", "is_executive", "reminders_enabled")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Tandem", {"fields": ("first_name", "last_name", "email", "department", "job_title", "is_executive")}),
    )

    @admin.display(description="name")
    def display_name(self, obj: User) -> str:
        return obj.display_name
