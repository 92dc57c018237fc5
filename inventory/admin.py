from django.contrib import admin
from django.db.models import Count

from inventory.models import Tool, ToolCategory
from projects.admin import ReadOnlyHistoryAdmin


@admin.register(ToolCategory)
class ToolCategoryAdmin(admin.ModelAdmin):
    """The martech taxonomy, kept as data: administrators add, rename, reorder and
    retire categories here. A category a tool uses cannot be deleted (make it inactive)."""

    list_display = ("name", "slug", "position", "is_active", "tool_count")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tools_count=Count("tools"))

    @admin.display(description="tools", ordering="tools_count")
    def tool_count(self, obj: ToolCategory) -> int:
        return obj.tools_count


@admin.register(Tool)
class ToolAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "vendor", "category", "owner_side", "status", "yearly_cost", "renewal_date")
    list_filter = ("status", "category", "owner_side", "holds_customer_data")
    search_fields = ("name", "vendor", "notes")
    list_select_related = ("category",)
    autocomplete_fields = ("business_owner", "it_owner", "project")
    date_hierarchy = "renewal_date"
