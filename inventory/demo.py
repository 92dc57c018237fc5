"""Demo data for this app, added by ``seed_demo`` (idempotent): about 25 tools
across the categories, with owners among the demo people. HubSpot and Marketo
are two marketing automation tools in use (an overlap a new request is shown);
HubSpot renews within 90 days (on the dashboard); Optimizely is being retired;
Snowflake came in with the finished "Marketing data warehouse" project."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from governance.models import Side, User
from inventory.defaults import ensure_default_categories
from inventory.models import Tool, ToolCategory, ToolStatus
from inventory.services import tool_create
from projects.models import Project

M, IT = Side.MARKETING, Side.IT
IN_USE, RETIRING, RETIRED = ToolStatus.IN_USE, ToolStatus.BEING_RETIRED, ToolStatus.RETIRED

# name, vendor, category slug, side, business owner, IT owner, yearly cost, renews in (days), customer data, status
TOOLS = [
    ("Salesforce Sales Cloud", "Salesforce", "crm", M, "cmo", "itlead", 120000, 220, True, IN_USE),
    ("HubSpot Marketing Hub", "HubSpot", "marketing-automation", M, "mops", "itlead", 36000, 45, True, IN_USE),
    ("Marketo Engage", "Adobe", "marketing-automation", M, "content", "integrator", 52000, 150, True, IN_USE),
    ("Mailchimp", "Intuit", "marketing-automation", M, "content", None, 6000, None, True, RETIRED),
    ("Google Analytics 4", "Google", "analytics", M, "analyst", "integrator", 0, None, False, IN_USE),
    ("Looker Studio", "Google", "analytics", M, "analyst", None, 0, None, False, IN_USE),
    ("Hotjar", "Contentsquare", "analytics", M, "analyst", "security", 4800, 300, True, IN_USE),
    ("Tableau", "Salesforce", "analytics", IT, "analyst", "itlead", 18000, 260, False, IN_USE),
    ("Semrush", "Semrush", "analytics", M, "content", None, 5400, 210, False, IN_USE),
    ("WordPress VIP", "Automattic", "content-dam", M, "content", "integrator", 25000, 180, False, IN_USE),
    ("Bynder", "Bynder", "content-dam", M, "content", "integrator", 30000, 330, False, IN_USE),
    ("Brightcove", "Brightcove", "content-dam", M, "content", None, 9000, 250, False, IN_USE),
    ("Canva Teams", "Canva", "content-dam", M, "content", None, 3000, 190, False, IN_USE),
    ("Sprout Social", "Sprout Social", "social", M, "content", None, 14000, 120, True, IN_USE),
    ("Hootsuite", "Hootsuite", "social", M, "content", None, 7000, None, True, RETIRED),
    ("Google Ads", "Google", "advertising", M, "cmo", None, None, None, False, IN_USE),
    ("Meta Ads Manager", "Meta", "advertising", M, "cmo", None, None, None, False, IN_USE),
    ("LinkedIn Campaign Manager", "LinkedIn", "advertising", M, "cmo", None, None, None, False, IN_USE),
    ("The Trade Desk", "The Trade Desk", "advertising", M, "mops", None, 20000, 240, False, IN_USE),
    ("Shopify Plus", "Shopify", "e-commerce", M, "cmo", "integrator", 30000, 200, True, IN_USE),
    ("Snowflake", "Snowflake", "data-warehouse", IT, "analyst", "itlead", 60000, 270, True, IN_USE),
    ("dbt Cloud", "dbt Labs", "data-warehouse", IT, "analyst", "integrator", 12000, 280, False, IN_USE),
    ("Fivetran", "Fivetran", "data-warehouse", IT, "analyst", "integrator", 15000, 230, True, IN_USE),
    ("Optimizely Web Experimentation", "Optimizely", "personalization", M, "mops", "integrator", 40000, 100, True,
     RETIRING),
    ("OneTrust", "OneTrust", "consent-management", IT, "mops", "security", 22000, 130, True, IN_USE),
]  # fmt: skip
# Tools brought in by a demo project: tool name -> project name.
BROUGHT_BY = {"Snowflake": "Marketing data warehouse"}


def seed(people: dict[str, User]) -> None:
    """Add each demo tool once (by name and vendor, whatever its status), as the
    demo administrator; tools already there, or edited since, are left alone."""
    ensure_default_categories()
    categories = {c.slug: c for c in ToolCategory.objects.all()}
    existing = {(n.lower(), v.lower()) for n, v in Tool.objects.values_list("name", "vendor")}
    today = timezone.localdate()
    for name, vendor, slug, side, business, it, cost, renews_in, customer_data, status in TOOLS:
        if (name.lower(), vendor.lower()) in existing or slug not in categories:
            continue
        tool_create(
            actor=people["admin"],
            name=name,
            vendor=vendor,
            category=categories[slug],
            owner_side=side,
            business_owner=people.get(business),
            it_owner=people.get(it) if it else None,
            yearly_cost=None if cost is None else Decimal(cost),
            renewal_date=None if renews_in is None else today + timedelta(days=renews_in),
            holds_customer_data=customer_data,
            status=status,
            project=Project.objects.filter(name=BROUGHT_BY[name]).first() if name in BROUGHT_BY else None,
        )
