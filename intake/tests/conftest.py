"""Intake's people, taxonomy, tools, checklist and framework, and helpers that walk a request along."""

from decimal import Decimal

import pytest

from conftest import UserFactory
from governance.models import Department, Side
from intake import services
from intake.defaults import ensure_default_checks
from intake.models import ReviewKind
from intake.selectors import checks_for
from inventory.defaults import ensure_default_categories
from inventory.models import Tool, ToolCategory
from raci.framework_demo import default_entries
from raci.framework_services import framework_save
from raci.models import OrganizationPost


@pytest.fixture
def taxonomy(db):
    """The default tool categories and review checklist (a flushed database has neither)."""
    ensure_default_categories()
    ensure_default_checks()
    return {c.slug: c for c in ToolCategory.objects.all()}


@pytest.fixture
def crm(taxonomy):
    return taxonomy["crm"]


@pytest.fixture
def salesforce(crm):
    """A CRM in use: what a new CRM request overlaps with."""
    return Tool.objects.create(
        name="Salesforce Sales Cloud", vendor="Salesforce", category=crm, yearly_cost=Decimal("48000"),
        holds_customer_data=True,
    )  # fmt: skip


@pytest.fixture
def requester(db):
    """Maya, in Marketing Ops: asks for tools."""
    return UserFactory(username="maya", first_name="Maya", last_name="Patel", department=Department.MARKETING_OPS)


@pytest.fixture
def reviewer(db):
    """Dev, in IT: records the IT review."""
    return UserFactory(username="dev", first_name="Dev", last_name="Raman", department=Department.IT)


@pytest.fixture
def approver(db):
    """Claire, the CMO: an executive, approves."""
    return UserFactory(
        username="claire", first_name="Claire", last_name="Moreau", department=Department.MARKETING, is_executive=True
    )


@pytest.fixture
def steering(db):
    """Sam, on the steering group (not an executive): approves too."""
    return UserFactory(
        username="sam", first_name="Sam", last_name="Steer", department=Department.MARKETING, on_steering_group=True
    )


@pytest.fixture
def marketer(db):
    """Sofia, in Marketing: neither reviewer nor approver."""
    return UserFactory(username="sofia", first_name="Sofia", last_name="Reyes", department=Department.MARKETING)


@pytest.fixture
def it_people(db):
    """An IT sponsor and an IT lead for approvals."""
    return (
        UserFactory(username="ian", first_name="Ian", last_name="Okafor", department=Department.IT),
        UserFactory(username="theo", first_name="Theo", last_name="Lindqvist", department=Department.IT),
    )


@pytest.fixture
def framework(db, requester, reviewer, admin_user):
    """The default responsibility framework, Maya as Marketing Ops and Dev as IT security."""
    return framework_save(
        actor=admin_user,
        entries=default_entries(),
        people={OrganizationPost.MARKETING_OPS: requester, OrganizationPost.IT_SECURITY: reviewer},
        expected_version=0,
    )


def submit(actor, category, **overrides):
    fields = {
        "title": "A better CRM",
        "problem": "Sales cannot see campaign history.",
        "desired_outcome": "Every rep sees every touch.",
        "budget_side": Side.MARKETING,
        "category": category,
        "yearly_cost": Decimal("12000"),
        "urgency": "strategic",
    }
    fields.update(overrides)
    return services.request_submit(actor=actor, **fields)


def all_pass(kind: str) -> dict[str, tuple[str, str]]:
    return {check.key: ("passed", "") for check in checks_for(kind)}


def review(actor, request, kind=ReviewKind.INTEGRATION_OVERLAP, outcome="approve", **kwargs):
    return services.review_record(
        actor=actor, request=request, kind=kind, answers=kwargs.pop("answers", None) or all_pass(kind),
        outcome=outcome, **kwargs,
    )  # fmt: skip


def approve(actor, request, people, **kwargs):
    owner, marketing_sponsor, it_sponsor, it_lead = people
    request.refresh_from_db()
    return services.request_approve(
        actor=actor, request=request, decision_note=kwargs.pop("decision_note", "Go ahead."), owner=owner,
        marketing_sponsor=marketing_sponsor, it_sponsor=it_sponsor, it_lead=it_lead,
        expected_version=kwargs.pop("expected_version", request.version), **kwargs,
    )  # fmt: skip


@pytest.fixture
def people(requester, approver, it_people):
    """Owner, marketing sponsor, IT sponsor, IT lead for an approval."""
    return (requester, approver, *it_people)
