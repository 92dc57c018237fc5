"""The database's own rules for tools and the seeded taxonomy."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from inventory.models import Tool, ToolCategory, ToolStatus
from inventory.tests.factories import make_tool

pytestmark = pytest.mark.django_db


def test_the_data_migration_seeds_the_eleven_categories(categories):
    names = list(ToolCategory.objects.values_list("name", flat=True))
    assert names == [
        "CRM",
        "Marketing automation",
        "Customer data platform (CDP)",
        "Analytics",
        "Content / DAM",
        "Social",
        "Advertising",
        "E-commerce",
        "Data warehouse",
        "Personalization",
        "Consent management",
    ]


def test_a_negative_cost_is_refused_by_the_database(categories):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_tool(yearly_cost=Decimal("-1"))


def test_an_unknown_status_or_side_is_refused_by_the_database(categories):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_tool(status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_tool(owner_side="finance")


def test_one_live_entry_per_name_and_vendor_whatever_the_case(categories):
    make_tool("HubSpot Marketing Hub", "HubSpot")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_tool("hubspot marketing hub", "HUBSPOT")
    # Another vendor, or the same tool retired, is another entry.
    make_tool("HubSpot Marketing Hub", "Reseller Ltd")
    make_tool("HubSpot Marketing Hub", "HubSpot", status=ToolStatus.RETIRED)
    make_tool("HubSpot Marketing Hub", "HubSpot", status=ToolStatus.RETIRED)
    assert Tool.objects.filter(name__iexact="hubspot marketing hub").count() == 4


def test_a_category_in_use_cannot_be_deleted(categories):
    tool = make_tool()
    with pytest.raises(IntegrityError), transaction.atomic():
        ToolCategory.objects.filter(pk=tool.category_id).delete()


def test_history_is_kept(categories):
    tool = make_tool()
    tool.yearly_cost = Decimal("40000")
    tool.save()
    assert tool.history.count() == 2
