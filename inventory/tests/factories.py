"""Tools for tests, written straight to the database (the services are what the tests check)."""

from decimal import Decimal

from inventory.defaults import ensure_default_categories
from inventory.models import Tool, ToolCategory, ToolStatus


def category(slug: str = "marketing-automation") -> ToolCategory:
    ensure_default_categories()
    return ToolCategory.objects.get(slug=slug)


def make_tool(name: str = "HubSpot Marketing Hub", vendor: str = "HubSpot", **fields) -> Tool:
    fields.setdefault("category", category(fields.pop("category_slug", "marketing-automation")))
    fields.setdefault("yearly_cost", Decimal("36000"))
    fields.setdefault("status", ToolStatus.IN_USE)
    return Tool.objects.create(name=name, vendor=vendor, **fields)
