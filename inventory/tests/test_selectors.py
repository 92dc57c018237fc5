"""Overlaps with a new request, renewals due, the dashboard tile, and the stack list."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory import selectors
from inventory.models import ToolStatus
from inventory.tests.factories import make_tool

pytestmark = pytest.mark.django_db


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


# --- Overlaps -------------------------------------------------------------------------------------


def test_overlaps_name_the_tools_in_the_category_and_those_replaced_with_cost_and_renewal(categories):
    hubspot = make_tool("HubSpot Marketing Hub", "HubSpot", renewal_date=date(2027, 3, 14))
    marketo = make_tool("Marketo Engage", "Adobe", yearly_cost=Decimal("52000.50"), status=ToolStatus.BEING_RETIRED)
    make_tool("Mailchimp", "Intuit", status=ToolStatus.RETIRED)
    make_tool("Salesforce", "Salesforce", category_slug="crm")
    hootsuite = make_tool("Hootsuite", "Hootsuite", category_slug="social", yearly_cost=None)
    found = selectors.overlaps(category=categories["marketing-automation"], replaces=[hootsuite, marketo.pk])
    assert [(o.tool, o.reason) for o in found] == [
        (hootsuite, "Named as replaced"),
        (marketo, "Named as replaced; same category"),
        (hubspot, "Same category"),
    ]
    assert [o.sentence for o in found] == [
        "You already use Hootsuite (Social); no renewal date is recorded.",
        "You already pay for Marketo Engage by Adobe (Marketing automation), €52,000.50 a year; "
        "no renewal date is recorded. It is being retired.",
        "You already pay for HubSpot Marketing Hub (Marketing automation), €36,000 a year; it renews on 14 March 2027.",
    ]


def test_overlaps_leave_out_retired_tools_unless_asked(categories):
    retired = make_tool("Mailchimp", "Intuit", status=ToolStatus.RETIRED)
    assert selectors.overlaps(category=categories["marketing-automation"], replaces=[retired]) == []
    kept = selectors.overlaps(category=None, replaces=[retired], exclude_retired=False)
    assert [(o.tool, o.same_category, o.replaced) for o in kept] == [(retired, False, True)]


def test_no_category_and_nothing_replaced_overlaps_nothing(categories, django_assert_num_queries):
    make_tool()
    with django_assert_num_queries(0):
        assert selectors.overlaps(category=None) == []


def test_a_past_renewal_says_so(categories):
    make_tool(renewal_date=date(2020, 1, 31))
    (overlap,) = selectors.overlaps(category=categories["marketing-automation"].pk)
    assert overlap.sentence.endswith("its renewal date, 31 January 2020, has passed.")


# --- Renewals and the tile --------------------------------------------------------------------------


def test_renewals_due_within_90_days_soonest_first(member, categories):
    later = make_tool("B", "B", renewal_date=in_days(90))
    today = make_tool("A", "A", renewal_date=in_days(0))
    make_tool("C", "C", renewal_date=in_days(91))
    make_tool("D", "D", renewal_date=in_days(-1))
    make_tool("E", "E", renewal_date=in_days(10), status=ToolStatus.RETIRED)
    retiring = make_tool("F", "F", renewal_date=in_days(30), status=ToolStatus.BEING_RETIRED)
    assert selectors.renewals_due(member) == [today, retiring, later]
    assert selectors.renewals_due(member, within_days=7) == [today]
    tile = selectors.renewal_tile(member)
    assert (tile["count"], tile["nearest"]) == (3, today)


def test_the_dashboard_shows_the_renewals_tile(client, executive, categories):
    make_tool("HubSpot Marketing Hub", "HubSpot", renewal_date=in_days(45))
    client.force_login(executive)
    page = client.get(reverse("portfolio")).content.decode()
    assert 'data-testid="tile-renewals">1<' in page
    assert "Renewals within 90 days" in page and "HubSpot Marketing Hub" in page
    assert reverse("inventory:tool_list") + "?renewal_due=on&amp;sort=renewal" in page


def test_an_inactive_viewer_gets_no_tile(categories):
    from conftest import UserFactory

    assert selectors.renewal_tile(UserFactory(is_active=False)) is None


# --- The list ---------------------------------------------------------------------------------------------


def names(response) -> list[str]:
    return [tool.name for tool in response.context["page"].object_list]


@pytest.fixture
def stack(categories, it_lead):
    make_tool("HubSpot Marketing Hub", "HubSpot", renewal_date=in_days(45), holds_customer_data=True)
    make_tool("Marketo Engage", "Adobe", yearly_cost=Decimal("52000"), renewal_date=in_days(150))
    make_tool("Snowflake", "Snowflake", category_slug="data-warehouse", owner_side="it", yearly_cost=None)
    make_tool("Mailchimp", "Intuit", status=ToolStatus.RETIRED, yearly_cost=Decimal("6000"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["HubSpot Marketing Hub", "Marketo Engage", "Snowflake"]),
        ({"q": "adobe"}, ["Marketo Engage"]),
        ({"side": "it"}, ["Snowflake"]),
        ({"status": "retired"}, ["Mailchimp"]),
        ({"status": "any"}, ["HubSpot Marketing Hub", "Mailchimp", "Marketo Engage", "Snowflake"]),
        ({"customer_data": "yes"}, ["HubSpot Marketing Hub"]),
        ({"renewal_due": "on"}, ["HubSpot Marketing Hub"]),
        ({"sort": "-cost"}, ["Marketo Engage", "HubSpot Marketing Hub", "Snowflake"]),  # no cost: last
        ({"sort": "renewal"}, ["HubSpot Marketing Hub", "Marketo Engage", "Snowflake"]),
        ({"status": "nonsense"}, []),  # a refused filter shows nothing rather than everything
    ],
)
def test_the_list_filters_and_sorts(client, member, stack, params, expected):
    client.force_login(member)
    assert names(client.get(reverse("inventory:tool_list"), params)) == expected


def test_the_list_filters_by_category_and_sums_what_is_in_use(client, member, stack, categories):
    client.force_login(member)
    response = client.get(reverse("inventory:tool_list"), {"category": categories["data-warehouse"].pk})
    assert names(response) == ["Snowflake"]
    listing = response.context["listing"]
    assert listing.total_cost == Decimal("88000") and listing.live_count == 3  # the retired one does not count
    assert [(c.name, c.count) for c in listing.by_category] == [("Marketing automation", 2), ("Data warehouse", 1)]
    page = response.content.decode()
    assert "€88,000" in page and "overlap" in page


def test_only_managers_see_the_buttons(client, member, mops, stack):
    client.force_login(member)
    assert "Add a tool" not in client.get(reverse("inventory:tool_list")).content.decode()
    client.force_login(mops)
    assert "Add a tool" in client.get(reverse("inventory:tool_list")).content.decode()


def test_an_empty_stack_says_what_to_do(client, mops, categories):
    client.force_login(mops)
    page = client.get(reverse("inventory:tool_list")).content.decode()
    assert "No tools in the stack yet" in page and "Add the first tool" in page


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_tools(client, mops, it_lead, categories, count, django_assert_num_queries):
    slugs = list(categories)
    for i in range(count):
        make_tool(f"Tool {i:02d}", "Vendor", category_slug=slugs[i % len(slugs)], it_owner=it_lead, business_owner=mops)
    client.force_login(mops)
    # session, user; the count, the page with categories and owners; the categories of the filter
    # (counted, then read: Django's for tag asks a model choice field's length); the counts by
    # category; the finished projects awaiting a tool.
    with django_assert_num_queries(8):
        response = client.get(reverse("inventory:tool_list"), {"sort": "-cost", "side": "marketing"})
    assert response.context["page"].paginator.count == count
