"""Requests for the shared persona tables (``tests/test_access.py``, ``tests/test_service_access.py``),
made through the services, so each is what a real one would be."""

from decimal import Decimal

from governance.models import Side, User
from intake import services
from intake.defaults import ensure_default_checks
from intake.models import IntakeRequest, ReviewKind
from intake.selectors import checks_for
from inventory.defaults import ensure_default_categories
from inventory.models import ToolCategory


def category(slug: str = "crm") -> ToolCategory:
    ensure_default_categories()
    ensure_default_checks()
    return ToolCategory.objects.get(slug=slug)


def submitted(requester: User, **overrides) -> IntakeRequest:
    """A request by ``requester`` that touches no personal data, just submitted."""
    fields = {
        "title": "Event app",
        "problem": "Events run from spreadsheets.",
        "desired_outcome": "Leads reach sales the same day.",
        "budget_side": Side.MARKETING,
        "category": category(),
        "yearly_cost": Decimal("9000"),
    }
    return services.request_submit(actor=requester, **{**fields, **overrides})


def reviewed(requester: User, reviewer: User, **overrides) -> IntakeRequest:
    """A request in review whose integration and overlap review ``reviewer`` recorded (approve)."""
    request = submitted(requester, **overrides)
    kind = ReviewKind.INTEGRATION_OVERLAP
    answers = {check.key: ("passed", "") for check in checks_for(kind)}
    services.review_record(actor=reviewer, request=request, kind=kind, answers=answers, outcome="approve")
    request.refresh_from_db()
    return request
