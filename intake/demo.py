"""Demo data for this app, added by ``seed_demo`` (idempotent): requests in every state.

* "Customer journey orchestration" (Maya) touches customer data and overlaps
  HubSpot and Marketo: Dev recorded the security and privacy review (approve
  with conditions); it waits for an executive's approval;
* "Account-based advertising" (Lucas) was approved by the CMO: its project
  exists, its RACI matrix filled from the responsibility framework;
* others are submitted, need information, were rejected after a failed
  security review, withdrawn, or marked a duplicate; one had its integration
  review waived and waits for approval.

Runs after the framework and inventory demos (``seed_demo.FRONT_DOOR_DEMOS``).
A request whose title exists is left as it is, so running it twice changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from governance.models import Side, User
from intake import services
from intake.defaults import ensure_default_checks
from intake.models import IntakeRequest, ReviewKind
from intake.selectors import checks_for
from intake.states import State
from inventory.defaults import ensure_default_categories
from inventory.models import Tool, ToolCategory

SECURITY, INTEGRATION = ReviewKind.SECURITY_PRIVACY, ReviewKind.INTEGRATION_OVERLAP

# Each plan: the request (as submitted), then its steps, in order:
# ("review", reviewer, kind, outcome, {check key: (result, notes)} departures from "passed", notes, conditions)
# ("move", actor, to_state, reason[, original title]), ("waive", actor, reason), ("approve", actor, people, note)
REQUESTS = [
    {
        "title": "Customer journey orchestration",
        "requester": "mops",
        "age": 9,
        "category": "marketing-automation",
        "replaces": ["HubSpot Marketing Hub", "Marketo Engage"],
        "problem": "Two e-mail tools send to the same customers; nobody sees the whole journey.",
        "desired_outcome": "One journey per customer across e-mail, web and ads; two tools retired.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "70000",
        "kinds": ["contact", "behavioural", "purchase"],
        "integrations": "Salesforce, Shopify, the consent platform (OneTrust), single sign-on",
        "urgency": "strategic",
        "steps": [
            ("move", "security", State.IN_REVIEW, ""),
            ("review", "security", SECURITY, "approve_with_conditions",
             {"dpa": ("failed", "The vendor's DPA does not name sub-processors yet.")},
             "Data stays in the EU region; SSO through our identity provider.",
             "A signed DPA naming every sub-processor before any customer data is loaded."),
        ],
    },
    {
        "title": "Account-based advertising",
        "requester": "analyst",
        "age": 30,
        "category": "advertising",
        "replaces": [],
        "problem": "Ads reach individuals, but our buyers are accounts; spend is wasted outside target accounts.",
        "desired_outcome": "Ad spend focused on 500 target accounts, measured by pipeline per account.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "24000",
        "kinds": [],
        "integrations": "Salesforce (account lists), LinkedIn Campaign Manager",
        "urgency": "quick_win",
        "steps": [
            ("review", "integrator", INTEGRATION, "approve", {},
             "Account lists come from Salesforce nightly; no personal data leaves it.", ""),
            ("approve", "cmo", {"owner": "analyst", "marketing_sponsor": "cmo", "it_sponsor": "cio",
                                "it_lead": "itlead"},
             "Approved: a quick win with a clear measure. Review the pipeline per account after one quarter."),
        ],
    },
    {
        "title": "Webinar platform",
        "requester": "content",
        "age": 2,
        "category": "content-dam",
        "replaces": ["Brightcove"],
        "problem": "Webinars run on three different tools; registrations are copied by hand.",
        "desired_outcome": "One platform; registrations flow into the CRM the same day.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "15000",
        "kinds": ["contact"],
        "integrations": "Salesforce, the website",
        "urgency": "quick_win",
        "steps": [],
    },
    {
        "title": "Instagram listening add-on",
        "requester": "content",
        "age": 6,
        "category": "social",
        "replaces": [],
        "problem": "Complaints on Instagram are not seen by the brand team.",
        "desired_outcome": "Every complaint answered within four hours.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "6000",
        "kinds": [],
        "integrations": "Sprout Social",
        "urgency": "quick_win",
        "steps": [
            ("move", "integrator", State.NEEDS_INFORMATION,
             "Sprout Social may already cover Instagram: which accounts and what volume do you need?"),
        ],
    },
    {
        "title": "AI copywriting assistant",
        "requester": "content",
        "age": 20,
        "category": "content-dam",
        "replaces": [],
        "problem": "Campaign copy takes a week from brief to approval.",
        "desired_outcome": "First drafts in a day.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "12000",
        "kinds": ["contact", "purchase"],
        "integrations": "None at first",
        "urgency": "strategic",
        "steps": [
            ("review", "security", SECURITY, "reject",
             {"data-location": ("failed", "Prompts, with customer names, are processed outside the EU."),
              "vendor-certification": ("failed", "No ISO 27001 or SOC 2 report.")},
             "Look again when the vendor offers EU processing.", ""),
            ("move", "cio", State.REJECTED, "Rejected on the security review: customer data would leave the EU."),
        ],
    },
    {
        "title": "Link shortener",
        "requester": "analyst",
        "age": 14,
        "category": "analytics",
        "replaces": [],
        "problem": "Campaign links are long and untracked.",
        "desired_outcome": "Short, tracked links.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "500",
        "kinds": [],
        "integrations": "",
        "urgency": "quick_win",
        "steps": [("move", "analyst", State.WITHDRAWN, "Google Analytics campaign parameters are enough.")],
    },
    {
        "title": "Event registration tool",
        "requester": "mops",
        "age": 1,
        "category": "content-dam",
        "replaces": [],
        "problem": "Event sign-ups are collected in spreadsheets.",
        "desired_outcome": "Sign-ups in the CRM the same day.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "8000",
        "kinds": ["contact"],
        "integrations": "Salesforce",
        "urgency": "quick_win",
        "steps": [
            ("move", "itlead", State.DUPLICATE, "The webinar platform request covers event registration too.",
             "Webinar platform"),
        ],
    },
    {
        "title": "Brand template editor",
        "requester": "content",
        "age": 4,
        "category": "content-dam",
        "replaces": ["Canva Teams"],
        "problem": "Local teams rebuild brand templates from scratch.",
        "desired_outcome": "On-brand assets without a designer.",
        "budget_side": Side.MARKETING,
        "yearly_cost": "4000",
        "kinds": [],
        "integrations": "",
        "urgency": "quick_win",
        "steps": [
            ("move", "itlead", State.IN_REVIEW, ""),
            ("waive", "cmo", "A design tool for one team with single sign-on only: nothing to integrate."),
        ],
    },
]  # fmt: skip


def seed(people: dict[str, User]) -> None:
    """Create each planned request once (by title), through the services, and walk it along."""
    ensure_default_categories()
    ensure_default_checks()
    categories = {c.slug: c for c in ToolCategory.objects.all()}
    for plan in REQUESTS:
        if IntakeRequest.objects.filter(title=plan["title"]).exists() or plan["category"] not in categories:
            continue
        request = services.request_submit(
            actor=people[plan["requester"]],
            title=plan["title"],
            problem=plan["problem"],
            desired_outcome=plan["desired_outcome"],
            budget_side=plan["budget_side"],
            category=categories[plan["category"]],
            yearly_cost=Decimal(plan["yearly_cost"]),
            replaces=list(Tool.objects.filter(name__in=plan["replaces"])),
            touches_personal_data=bool(plan["kinds"]),
            personal_data_kinds=plan["kinds"],
            integrations=plan["integrations"],
            urgency=plan["urgency"],
        )
        for step in plan["steps"]:
            _step(request, step, people)
        _backdate(request, plan["age"])


def _step(request: IntakeRequest, step: tuple, people: dict[str, User]) -> None:
    request.refresh_from_db()
    action, actor = step[0], people[step[1]]
    if action == "review":
        kind, outcome, departures, notes, conditions = step[2:]
        answers = {check.key: departures.get(check.key, ("passed", "")) for check in checks_for(kind)}
        services.review_record(
            actor=actor,
            request=request,
            kind=kind,
            answers=answers,
            outcome=outcome,
            notes=notes,
            conditions=conditions,
        )
    elif action == "move":
        original = IntakeRequest.objects.filter(title=step[4]).first() if len(step) > 4 else None
        services.request_transition(
            actor=actor, request=request, to_state=step[2], reason=step[3], duplicate_of=original
        )
    elif action == "waive":
        services.review_waive(actor=actor, request=request, reason=step[2])
    elif action == "approve":
        chosen = {role: people[username] for role, username in step[2].items()}
        services.request_approve(actor=actor, request=request, decision_note=step[3], **chosen)


def _backdate(request: IntakeRequest, days: int) -> None:
    """Demo requests were asked for a while ago: their submission ``days`` ago, each later event a day after the last."""
    start = timezone.now() - timedelta(days=days)
    IntakeRequest.objects.filter(pk=request.pk).update(created_at=start)
    for offset, event in enumerate(request.events.order_by("at", "pk")):
        type(event).objects.filter(pk=event.pk).update(at=start + timedelta(days=min(offset, days), hours=offset))
