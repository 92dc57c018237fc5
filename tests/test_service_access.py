"""Every write service × every persona → allowed, or refused before writing anything.

The services are called directly, not through a page: each must ask
``projects.access`` on its own. "404" means refused with ``NotVisible`` (the
persona may not even see the project; a page answers 404), "403" refused with
a plain ``PermissionDenied``, "ok" allowed. A refused call must leave every
table of the project's apps exactly as it was; an allowed one must write.

``test_every_service_has_a_row`` fails, naming the function, when a public
function taking ``actor`` is added to any ``services`` module of the
project's apps without a row here.
"""

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from conftest import UserFactory, assign
from governance.models import Department
from projects.access import NotVisible

PERSONAS = (
    "outsider",
    "informed",
    "responsible",
    "vendor_accountable",
    "it_lead",
    "owner",
    "marketing_sponsor",
    "executive",
    "admin_user",
    "inactive",
)
OK, FORBIDDEN, NOT_FOUND = "ok", "403", "404"


def everyone(outcome: str, **overrides: str) -> dict[str, str]:
    return {p: overrides.get(p, outcome) for p in PERSONAS}


# Those who manage: owner, sponsors, IT lead, executives, administrators.
MANAGE = everyone(
    OK, outsider=NOT_FOUND, informed=FORBIDDEN, responsible=FORBIDDEN, vendor_accountable=FORBIDDEN, inactive=NOT_FOUND
)
# Members only (rating, answering a project round).
PARTICIPATE = everyone(OK, outsider=NOT_FOUND, executive=FORBIDDEN, admin_user=FORBIDDEN, inactive=NOT_FOUND)
# Step 5's Accountable person or an executive.
DECIDE = everyone(FORBIDDEN, outsider=NOT_FOUND, vendor_accountable=OK, executive=OK, inactive=NOT_FOUND)
# No project involved: executives and administrators only.
EXECUTIVES = everyone(FORBIDDEN, executive=OK, admin_user=OK)


# --- The world every call acts on -----------------------------------------------------------


@pytest.fixture
def informed(db):
    return UserFactory(username="iris", department=Department.MARKETING)


@pytest.fixture
def responsible(db):
    return UserFactory(username="rita", department=Department.IT)


@pytest.fixture
def vendor_accountable(db):
    return UserFactory(username="vera", department=Department.MARKETING)


@pytest.fixture
def marketing_sponsor(db):
    return UserFactory(username="mark", department=Department.MARKETING)


@pytest.fixture
def inactive(db):
    """Would be allowed everything (executive, administrator, Responsible on step 5,
    invited everywhere) if only they were still active."""
    return UserFactory(username="gone", department=Department.IT, is_executive=True, is_staff=True, is_superuser=True)


@dataclass
class World:
    project: object
    people: dict
    scorecard: object
    acme: object  # a candidate to rate, invite for, choose
    spare: object  # a candidate to delete
    bystander: object  # someone the matrix and invitations can name

    def step(self, number: int):
        return self.project.steps.get(number=number)


@pytest.fixture
def world(request, project_factory, owner, it_lead, outsider, executive, admin_user, questionnaire):
    from raci.models import Role
    from scorecards.services import candidate_save, scorecard_for

    people = {name: request.getfixturevalue(name) for name in PERSONAS}
    project = project_factory.create(
        owner=owner,
        it_lead=it_lead,
        marketing_sponsor=people["marketing_sponsor"],
        it_sponsor=it_lead,  # vendor decisions need both sponsors (the IT lead manages already)
        name="Customer data platform",
    )
    assign(project.steps.get(number=2), people["informed"], Role.INFORMED)
    assign(project.steps.get(number=5), people["responsible"], Role.RESPONSIBLE)
    assign(project.steps.get(number=5), people["vendor_accountable"], Role.ACCOUNTABLE)
    assign(project.steps.get(number=5), people["inactive"], Role.RESPONSIBLE)
    scorecard = scorecard_for(project)
    acme = candidate_save(actor=owner, scorecard=scorecard, name="Acme")
    spare = candidate_save(actor=owner, scorecard=scorecard, name="Spare")
    world = World(project, people, scorecard, acme, spare, UserFactory(username="bystander"))
    world.rounds = {
        "project": _round(world, project=project, invitees=_members(world)),
        "organization": _round(world, project=None, invitees=[p for n, p in people.items() if n != "outsider"]),
    }
    people["inactive"].is_active = False
    people["inactive"].save(update_fields=["is_active"])
    return world


@pytest.fixture
def questionnaire(db):
    from alignment.defaults import ensure_default_questionnaire

    ensure_default_questionnaire()


def _members(world: World) -> list:
    return [p for n, p in world.people.items() if n not in ("outsider", "executive", "admin_user")]


def _round(world: World, *, project, invitees):
    from alignment.services import round_open

    return round_open(
        actor=world.people["executive"],
        title="Spring round",
        closes_on=timezone.localdate() + timedelta(days=7),
        invitees=invitees,
        project=project,
    )


def _answers(round_) -> dict:
    return {d.pk: (3, "") for d in round_.dimensions.all()}


def _held_run():
    from raci.models import ReminderRun, ReminderRunStatus

    return ReminderRun.objects.create(status=ReminderRunStatus.HELD, trigger="schedule")


def _decision(world: World):
    from scorecards.services import decision_record

    return decision_record(
        actor=world.people["executive"],
        scorecard=world.scorecard,
        candidate=world.acme,
        rationale="Best fit.",
        against_ranking_reason="Nobody has rated yet.",
    )


def _disputed(world: World):
    """A proposal (by the executive) the IT sponsor, the IT lead, disagrees with."""
    from scorecards.services import decision_sign

    decision = _decision(world)
    decision_sign(actor=world.people["it_lead"], decision=decision, side="it", agrees=False, comment="Too costly.")
    return decision


def _pending_drafts(world: World):
    """Everyone has submitted Acme and saved changes as a draft: something to discard."""
    from scorecards.models import RatingSheet

    now = timezone.now()
    for person in world.people.values():
        RatingSheet.objects.create(candidate=world.acme, rater=person, submitted_at=now, draft_saved_at=now)


# --- The table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    service: str  # module.function
    label: str
    expected: dict[str, str]
    call: object  # (world, actor, prepared) -> None
    prepare: object = None  # (world) -> prepared, run before the snapshot


def _projects(name):
    return f"projects.services.{name}"


def _raci(name):
    return f"raci.services.{name}"


def _scorecards(name):
    return f"scorecards.services.{name}"


def _alignment(name):
    return f"alignment.services.{name}"


def _intake(name):
    return f"intake.services.{name}"


def _intake_seen(outcome: str, **overrides: str) -> dict[str, str]:
    """An intake request by the owner: ``outcome`` for those who see it (the owner, IT, administrators),
    404 for the Marketing people who neither asked nor review, and the inactive."""
    unseen = dict.fromkeys(("informed", "vendor_accountable", "marketing_sponsor", "inactive"), NOT_FOUND)
    return everyone(outcome, **{**unseen, **overrides})


def _committee(name):
    return f"committee.services.{name}"


# The steering committee: its members (the IT lead and the marketing sponsor) run it; executives and
# administrators see it; to anyone else it does not exist.
COMMITTEE = everyone(NOT_FOUND, it_lead=OK, marketing_sponsor=OK, executive=FORBIDDEN, admin_user=FORBIDDEN)


def _committee_members(world: World) -> None:
    for name in ("it_lead", "marketing_sponsor"):
        world.people[name].on_steering_group = True
        world.people[name].save(update_fields=["on_steering_group"])


def _committee_meeting(world: World, minutes: str = ""):
    """A meeting the IT lead planned, its agenda generated (the project needs attention: unowned steps)."""
    from committee.services import meeting_save, minutes_save

    _committee_members(world)
    meeting = meeting_save(actor=world.people["it_lead"], title="Committee", starts_at=timezone.now())
    if minutes:
        meeting = minutes_save(actor=world.people["it_lead"], meeting=meeting, minutes=minutes, expected_version=None)
    return meeting


def _duties_awaiting(world: World):
    """Step 5's Accountable person asked to accept (raci.duties rows)."""
    from raci.models import Acknowledgement

    return Acknowledgement.objects.create(step=world.step(5), user=world.people["vendor_accountable"])


def _duties_consulted(world: World) -> None:
    """iris Consulted on steps 4 and 5 (raci.duties rows)."""
    from raci.models import Role

    assign(world.step(4), world.people["informed"], Role.CONSULTED)
    assign(world.step(5), world.people["informed"], Role.CONSULTED)


def _fn(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


TABLE = [
    Row(
        _projects("project_create"),
        "for themselves",
        everyone(OK, inactive=FORBIDDEN),
        lambda w, actor, _: _fn(_projects("project_create"))(actor=actor, name="New", problem="x"),
    ),
    Row(
        _projects("project_create"),
        "for someone else",
        EXECUTIVES,
        lambda w, actor, _: _fn(_projects("project_create"))(actor=actor, owner=w.bystander, name="New", problem="x"),
    ),
    Row(
        _projects("project_update"),
        "rename",
        MANAGE,
        lambda w, actor, _: _fn(_projects("project_update"))(actor=actor, project=w.project, name="Renamed"),
    ),
    Row(
        _projects("step_update"),
        "plan step 2",
        MANAGE,
        lambda w, actor, _: _fn(_projects("step_update"))(
            actor=actor, step=w.step(2), due_date=timezone.localdate(), outcome="Planned."
        ),
    ),
    Row(
        _raci("matrix_save"),
        "make someone Consulted",
        MANAGE,
        lambda w, actor, _: _fn(_raci("matrix_save"))(
            actor=actor, project=w.project, rows={w.bystander.pk: {w.step(3).pk: "C"}}
        ),
    ),
    Row(
        _raci("step_transition"),
        "block step 5",
        {**MANAGE, "responsible": OK, "vendor_accountable": OK},
        lambda w, actor, _: _fn(_raci("step_transition"))(actor=actor, step=w.step(5), transition="block"),
    ),
    Row(
        _raci("step_transition"),
        "block step 2 (Informed there)",
        MANAGE,
        lambda w, actor, _: _fn(_raci("step_transition"))(actor=actor, step=w.step(2), transition="block"),
    ),
    Row(
        _raci("release_held_run"),
        "release a held run",
        everyone(FORBIDDEN, admin_user=OK),
        lambda w, actor, run: _fn(_raci("release_held_run"))(actor=actor, run=run),
        lambda w: _held_run(),
    ),
    Row(
        _scorecards("candidate_save"),
        "add a candidate",
        MANAGE,
        lambda w, actor, _: _fn(_scorecards("candidate_save"))(actor=actor, scorecard=w.scorecard, name="Newco"),
    ),
    Row(
        _scorecards("candidate_save"),
        "rename a candidate",
        MANAGE,
        lambda w, actor, _: _fn(_scorecards("candidate_save"))(
            actor=actor, scorecard=w.scorecard, candidate=w.acme, name="Acme Inc"
        ),
    ),
    Row(
        _scorecards("candidate_delete"),
        "delete a candidate",
        MANAGE,
        lambda w, actor, _: _fn(_scorecards("candidate_delete"))(actor=actor, candidate=w.spare),
    ),
    Row(
        _scorecards("ratings_save"),
        "save a draft",
        PARTICIPATE,
        lambda w, actor, _: _fn(_scorecards("ratings_save"))(
            actor=actor, candidate=w.acme, scores={}, comments={}, submit=False
        ),
    ),
    Row(
        _scorecards("ratings_draft_discard"),
        "discard draft changes",
        PARTICIPATE,
        lambda w, actor, _: _fn(_scorecards("ratings_draft_discard"))(actor=actor, candidate=w.acme),
        _pending_drafts,
    ),
    Row(
        _scorecards("invitations_send"),
        "invite a member",
        MANAGE,
        lambda w, actor, _: _fn(_scorecards("invitations_send"))(
            actor=actor, candidate=w.acme, users=[w.people["informed"]]
        ),
    ),
    Row(
        _scorecards("decision_record"),
        "choose Acme",
        DECIDE,
        lambda w, actor, _: _fn(_scorecards("decision_record"))(
            actor=actor, scorecard=w.scorecard, candidate=w.acme, rationale="Fit.", against_ranking_reason="Unrated."
        ),
    ),
    Row(
        _scorecards("decision_withdraw"),
        "withdraw the choice",
        DECIDE,
        lambda w, actor, decision: _fn(_scorecards("decision_withdraw"))(
            actor=actor, decision=decision, reason="Changed our minds."
        ),
        _decision,
    ),
    # Vendor decisions both sponsors sign: each sponsor only their own side; the budget
    # owner (the Marketing sponsor here) breaks a tie only when the IT sponsor disagrees.
    Row(
        _scorecards("decision_sign"),
        "sign the marketing position",
        everyone(FORBIDDEN, outsider=NOT_FOUND, marketing_sponsor=OK, inactive=NOT_FOUND),
        lambda w, actor, decision: _fn(_scorecards("decision_sign"))(
            actor=actor, decision=decision, side="marketing", agrees=True
        ),
        _decision,
    ),
    Row(
        _scorecards("decision_sign"),
        "sign the IT position",
        everyone(FORBIDDEN, outsider=NOT_FOUND, it_lead=OK, inactive=NOT_FOUND),
        lambda w, actor, decision: _fn(_scorecards("decision_sign"))(
            actor=actor, decision=decision, side="it", agrees=False, comment="Too costly."
        ),
        _decision,
    ),
    Row(
        _scorecards("decision_break_tie"),
        "the IT sponsor disagrees",
        everyone(FORBIDDEN, outsider=NOT_FOUND, marketing_sponsor=OK, inactive=NOT_FOUND),
        lambda w, actor, decision: _fn(_scorecards("decision_break_tie"))(
            actor=actor, decision=decision, reason="The budget is ours."
        ),
        _disputed,
    ),
    Row(
        _scorecards("decision_break_tie"),
        "no disagreement",
        everyone(FORBIDDEN, outsider=NOT_FOUND, inactive=NOT_FOUND),
        lambda w, actor, decision: _fn(_scorecards("decision_break_tie"))(
            actor=actor, decision=decision, reason="The budget is ours."
        ),
        _decision,
    ),
    Row(
        _alignment("round_open"),
        "a project round",
        MANAGE,
        lambda w, actor, _: _fn(_alignment("round_open"))(
            actor=actor,
            title="Another",
            closes_on=timezone.localdate() + timedelta(days=3),
            invitees=[w.people["owner"], w.people["it_lead"]],
            project=w.project,
        ),
    ),
    Row(
        _alignment("round_open"),
        "an organization round",
        EXECUTIVES,
        lambda w, actor, _: _fn(_alignment("round_open"))(
            actor=actor,
            title="Another",
            closes_on=timezone.localdate() + timedelta(days=3),
            invitees=[w.people["owner"], w.people["it_lead"]],
        ),
    ),
    Row(
        _alignment("round_close"),
        "a project round",
        MANAGE,
        lambda w, actor, _: _fn(_alignment("round_close"))(actor=actor, round_=w.rounds["project"]),
    ),
    Row(
        _alignment("round_close"),
        "an organization round",
        EXECUTIVES,
        lambda w, actor, _: _fn(_alignment("round_close"))(actor=actor, round_=w.rounds["organization"]),
    ),
    Row(
        _alignment("round_extend"),
        "a project round",
        MANAGE,
        lambda w, actor, _: _fn(_alignment("round_extend"))(
            actor=actor, round_=w.rounds["project"], closes_on=timezone.localdate() + timedelta(days=30)
        ),
    ),
    Row(
        _alignment("round_extend"),
        "an organization round",
        EXECUTIVES,
        lambda w, actor, _: _fn(_alignment("round_extend"))(
            actor=actor, round_=w.rounds["organization"], closes_on=timezone.localdate() + timedelta(days=30)
        ),
    ),
    Row(
        _alignment("answers_submit"),
        "a project round (members invited)",
        PARTICIPATE,
        lambda w, actor, _: _fn(_alignment("answers_submit"))(
            actor=actor, round_=w.rounds["project"], answers=_answers(w.rounds["project"])
        ),
    ),
    Row(
        _alignment("answers_submit"),
        "an organization round (all but the outsider invited)",
        everyone(OK, inactive=FORBIDDEN, outsider=FORBIDDEN),
        lambda w, actor, _: _fn(_alignment("answers_submit"))(
            actor=actor, round_=w.rounds["organization"], answers=_answers(w.rounds["organization"])
        ),
    ),
    # --- raci: the duties of the letters (raci.duties_services). Step 5's Accountable person (vera) is
    # asked to accept; iris is Consulted on steps 4 and 5. Nobody acts for someone else ---
    Row(
        "raci.duties_services.acknowledgement_accept",
        "step 5's Accountable person",
        everyone(FORBIDDEN, outsider=NOT_FOUND, inactive=NOT_FOUND, vendor_accountable=OK),
        lambda w, actor, ack: _fn("raci.duties_services.acknowledgement_accept")(actor=actor, acknowledgement=ack),
        lambda w: _duties_awaiting(w),
    ),
    Row(
        "raci.duties_services.acknowledgement_decline",
        "step 5's Accountable person",
        everyone(FORBIDDEN, outsider=NOT_FOUND, inactive=NOT_FOUND, vendor_accountable=OK),
        lambda w, actor, ack: _fn("raci.duties_services.acknowledgement_decline")(
            actor=actor, acknowledgement=ack, reason="Not my area."
        ),
        lambda w: _duties_awaiting(w),
    ),
    Row(
        "raci.duties_services.consultation_answer",
        "the Consulted person, for themselves",
        everyone(FORBIDDEN, outsider=NOT_FOUND, inactive=NOT_FOUND, informed=OK),
        lambda w, actor, _: _fn("raci.duties_services.consultation_answer")(
            actor=actor, step=w.step(4), answer="agree"
        ),
        lambda w: _duties_consulted(w),
    ),
    Row(
        "raci.duties_services.consultation_waive",
        "step 5's Accountable person",
        everyone(FORBIDDEN, outsider=NOT_FOUND, inactive=NOT_FOUND, vendor_accountable=OK),
        lambda w, actor, _: _fn("raci.duties_services.consultation_waive")(
            actor=actor, step=w.step(5), person=w.people["informed"], reason="Away this month."
        ),
        lambda w: _duties_consulted(w),
    ),
    # --- raci: the organization's responsibility framework ---
    Row(
        "raci.framework_services.framework_save",
        "save the default framework",
        EXECUTIVES,
        lambda w, actor, _: _fn("raci.framework_services.framework_save")(
            actor=actor,
            entries=_fn("raci.framework_demo.default_entries")(),
            people={"marketing_ops": w.bystander},
            expected_version=None,
        ),
    ),
    Row(
        "raci.framework_services.framework_apply",
        "fill the matrix from the framework",
        MANAGE,
        lambda w, actor, _: _fn("raci.framework_services.framework_apply")(actor=actor, project=w.project),
        lambda w: _fn("raci.framework_services.framework_save")(
            actor=w.people["admin_user"],
            entries=_fn("raci.framework_demo.default_entries")(),
            people={},
            expected_version=None,
        ),
    ),
    # --- roadmap: a project's quick-win or strategic mark (its managers); the shared vision (executives) ---
    Row(
        "roadmap.services.mark_set",
        "mark a quick win",
        MANAGE,
        lambda w, actor, _: _fn("roadmap.services.mark_set")(actor=actor, project=w.project, kind="quick_win"),
    ),
    Row(
        "roadmap.services.vision_save",
        "write this year's vision",
        EXECUTIVES,
        lambda w, actor, _: _fn("roadmap.services.vision_save")(
            actor=actor, year=2027, text="One customer view.", expected_version=0
        ),
    ),
    # --- inventory: the stack (administrators, executives, IT and Marketing Ops; no project involved) ---
    Row(
        "inventory.services.tool_create",
        "add a tool",
        everyone(OK, informed=FORBIDDEN, vendor_accountable=FORBIDDEN, marketing_sponsor=FORBIDDEN, inactive=FORBIDDEN),
        lambda w, actor, category: _fn("inventory.services.tool_create")(
            actor=actor, name="Marketo Engage", vendor="Adobe", category=category
        ),
        lambda w: _fn("inventory.tests.factories.category")(),
    ),
    Row(
        "inventory.services.tool_update",
        "change a tool's cost",
        everyone(OK, informed=FORBIDDEN, vendor_accountable=FORBIDDEN, marketing_sponsor=FORBIDDEN, inactive=FORBIDDEN),
        lambda w, actor, tool: _fn("inventory.services.tool_update")(actor=actor, tool=tool, yearly_cost=1),
        lambda w: _fn("inventory.tests.factories.make_tool")(),
    ),
    Row(
        "inventory.services.tool_retire",
        "retire a tool",
        everyone(OK, informed=FORBIDDEN, vendor_accountable=FORBIDDEN, marketing_sponsor=FORBIDDEN, inactive=FORBIDDEN),
        lambda w, actor, tool: _fn("inventory.services.tool_retire")(actor=actor, tool=tool),
        lambda w: _fn("inventory.tests.factories.make_tool")(),
    ),
    Row(
        "inventory.services.tools_import",
        "import one valid row",
        everyone(OK, informed=FORBIDDEN, vendor_accountable=FORBIDDEN, marketing_sponsor=FORBIDDEN, inactive=FORBIDDEN),
        lambda w, actor, _: _fn("inventory.services.tools_import")(
            actor=actor, rows=[{"name": "Segment", "vendor": "Twilio", "category": "CRM"}], dry_run=False
        ),
        lambda w: _fn("inventory.tests.factories.category")(),
    ),
    # --- projects: liaisons (the organization's: executives and administrators; a project's: its managers) ---
    Row(
        "projects.liaison_services.liaison_set",
        "the organization's Marketing liaison",
        EXECUTIVES,
        lambda w, actor, _: _fn("projects.liaison_services.liaison_set")(
            actor=actor, side="marketing", user=w.bystander
        ),
    ),
    Row(
        "projects.liaison_services.liaison_set",
        "the project's own Marketing liaison",
        MANAGE,
        lambda w, actor, _: _fn("projects.liaison_services.liaison_set")(
            actor=actor, side="marketing", user=w.bystander, project=w.project
        ),
    ),
    Row(
        "projects.liaison_services.liaison_clear",
        "the organization's",
        EXECUTIVES,
        lambda w, actor, _: _fn("projects.liaison_services.liaison_clear")(actor=actor, side="marketing"),
        lambda w: _fn("projects.liaison_services.liaison_set")(
            actor=w.people["admin_user"], side="marketing", user=w.bystander
        ),
    ),
    Row(
        "projects.liaison_services.liaison_clear",
        "the project's own",
        MANAGE,
        lambda w, actor, _: _fn("projects.liaison_services.liaison_clear")(
            actor=actor, side="marketing", project=w.project
        ),
        lambda w: _fn("projects.liaison_services.liaison_set")(
            actor=w.people["admin_user"], side="marketing", user=w.bystander, project=w.project
        ),
    ),
    Row(
        "projects.liaison_services.liaisons_save",
        "the organization's, both sides",
        EXECUTIVES,
        lambda w, actor, _: _fn("projects.liaison_services.liaisons_save")(
            actor=actor, people={"marketing": w.bystander, "it": None}
        ),
    ),
    Row(
        "projects.liaison_services.liaisons_save",
        "the project's own, both sides",
        MANAGE,
        lambda w, actor, _: _fn("projects.liaison_services.liaisons_save")(
            actor=actor, people={"marketing": w.bystander, "it": None}, project=w.project
        ),
    ),
    # --- projects: the CSV import (anyone active, owned by themselves; each row through project_create) ---
    Row(
        "projects.import_services.projects_import",
        "import one valid row",
        everyone(OK, inactive=FORBIDDEN),
        lambda w, actor, _: _fn("projects.import_services.projects_import")(
            actor=actor, rows=[{"name": "Imported", "problem": "x"}], dry_run=False
        ),
    ),
    # --- intake: requests by the owner (Marketing Ops); IT reviews, executives and administrators decide ---
    # Seen by the requester, IT (outsider, responsible, it_lead, executive) and administrators; 404 to the rest.
    Row(
        _intake("request_submit"),
        "submit a request",
        everyone(OK, inactive=FORBIDDEN),
        lambda w, actor, category: _fn(_intake("request_submit"))(
            actor=actor, title="CDP", problem="x", desired_outcome="y", budget_side="marketing", category=category
        ),
        lambda w: _fn("intake.tests.factories.category")(),
    ),
    Row(
        _intake("request_update"),
        "the requester edits",
        _intake_seen(FORBIDDEN, owner=OK),
        lambda w, actor, request: _fn(_intake("request_update"))(actor=actor, request=request, title="Renamed"),
        lambda w: _fn("intake.tests.factories.submitted")(w.people["owner"]),
    ),
    Row(
        _intake("request_transition"),
        "ask for information",
        _intake_seen(OK, owner=FORBIDDEN),
        lambda w, actor, request: _fn(_intake("request_transition"))(
            actor=actor, request=request, to_state="needs_information", reason="Which systems?"
        ),
        lambda w: _fn("intake.tests.factories.submitted")(w.people["owner"]),
    ),
    Row(
        _intake("request_transition"),
        "withdraw",
        _intake_seen(FORBIDDEN, owner=OK),
        lambda w, actor, request: _fn(_intake("request_transition"))(
            actor=actor, request=request, to_state="withdrawn"
        ),
        lambda w: _fn("intake.tests.factories.submitted")(w.people["owner"]),
    ),
    Row(
        _intake("request_reject"),
        "reject a request in review",
        _intake_seen(FORBIDDEN, executive=OK, admin_user=OK),
        lambda w, actor, request: _fn(_intake("request_reject"))(actor=actor, request=request, reason="No."),
        lambda w: _fn("intake.tests.factories.reviewed")(w.people["owner"], w.people["it_lead"]),
    ),
    Row(
        _intake("review_record"),
        "record the integration review",
        _intake_seen(OK, owner=FORBIDDEN),
        lambda w, actor, request: _fn(_intake("review_record"))(
            actor=actor,
            request=request,
            kind="integration_overlap",
            answers={c.key: ("passed", "") for c in _fn("intake.selectors.checks_for")("integration_overlap")},
            outcome="approve",
        ),
        lambda w: _fn("intake.tests.factories.submitted")(w.people["owner"]),
    ),
    Row(
        _intake("review_waive"),
        "waive the integration review",
        _intake_seen(FORBIDDEN, executive=OK, admin_user=OK),
        lambda w, actor, request: _fn(_intake("review_waive"))(actor=actor, request=request, reason="A trial."),
        lambda w: _fn("intake.tests.factories.submitted")(w.people["owner"]),
    ),
    Row(
        _intake("request_approve"),
        "approve: the project with its matrix",
        _intake_seen(FORBIDDEN, executive=OK, admin_user=OK),
        lambda w, actor, request: _fn(_intake("request_approve"))(
            actor=actor,
            request=request,
            decision_note="Go.",
            owner=w.people["owner"],
            marketing_sponsor=w.people["marketing_sponsor"],
            it_sponsor=w.people["responsible"],
            it_lead=w.people["it_lead"],
        ),
        lambda w: _fn("intake.tests.factories.reviewed")(w.people["owner"], w.people["it_lead"]),
    ),
    # --- committee: the steering committee; the IT lead and the marketing sponsor sit on it (both sides).
    # Members run it; executives and administrators see it (403); anyone else finds nothing (404) ---
    Row(
        _committee("meeting_save"),
        "plan a meeting (its agenda generated)",
        COMMITTEE,
        lambda w, actor, _: _fn(_committee("meeting_save"))(
            actor=actor, title="Committee", starts_at=timezone.now() + timedelta(days=7)
        ),
        lambda w: _committee_members(w),
    ),
    Row(
        _committee("agenda_generate"),
        "regenerate the agenda",
        COMMITTEE,
        lambda w, actor, meeting: _fn(_committee("agenda_generate"))(actor=actor, meeting=meeting),
        lambda w: _committee_meeting(w),
    ),
    Row(
        _committee("agenda_send"),
        "e-mail the agenda",
        COMMITTEE,
        lambda w, actor, meeting: _fn(_committee("agenda_send"))(actor=actor, meeting=meeting),
        lambda w: _committee_meeting(w),
    ),
    Row(
        _committee("item_decide"),
        "note on a project item",
        COMMITTEE,
        lambda w, actor, meeting: _fn(_committee("item_decide"))(
            actor=actor, item=meeting.items.get(project=w.project), decision="note", note="Name the owners."
        ),
        lambda w: _committee_meeting(w),
    ),
    Row(
        _committee("minutes_save"),
        "write the minutes",
        COMMITTEE,
        lambda w, actor, meeting: _fn(_committee("minutes_save"))(
            actor=actor, meeting=meeting, minutes="Agreed.", expected_version=meeting.version
        ),
        lambda w: _committee_meeting(w),
    ),
    Row(
        _committee("meeting_minute"),
        "close the record",
        COMMITTEE,
        lambda w, actor, meeting: _fn(_committee("meeting_minute"))(actor=actor, meeting=meeting),
        lambda w: _committee_meeting(w, minutes="Agreed."),
    ),
    Row(
        _committee("action_add"),
        "give the owner an action",
        COMMITTEE,
        lambda w, actor, meeting: _fn(_committee("action_add"))(
            actor=actor, meeting=meeting, owner=w.people["owner"], due=timezone.localdate(), description="Call."
        ),
        lambda w: _committee_meeting(w),
    ),
    Row(
        _committee("action_done"),
        "the owner's action",
        {**COMMITTEE, "owner": OK},
        lambda w, actor, action: _fn(_committee("action_done"))(actor=actor, action=action),
        lambda w: _fn(_committee("action_add"))(
            actor=w.people["it_lead"],
            meeting=_committee_meeting(w),
            owner=w.people["owner"],
            due=timezone.localdate(),
            description="Call.",
        ),
    ),
    # --- flows: plan all steps at once ---
    Row(
        _projects("steps_plan"),
        "due dates of steps 1 and 2",
        MANAGE,
        lambda w, actor, _: _fn(_projects("steps_plan"))(
            actor=actor, project=w.project, plans={1: timezone.localdate(), 2: timezone.localdate()}
        ),
    ),
    # --- the calendar feed (calendars): one's own link; an administrator may reset or stop anyone's ---
    Row(
        "calendars.services.feed_reset",
        "the owner's link",
        everyone(FORBIDDEN, owner=OK, admin_user=OK),
        lambda w, actor, _: _fn("calendars.services.feed_reset")(actor=actor, person=w.people["owner"]),
    ),
    Row(
        "calendars.services.feed_stop",
        "the owner's link",
        everyone(FORBIDDEN, owner=OK, admin_user=OK),
        lambda w, actor, _: _fn("calendars.services.feed_stop")(actor=actor, person=w.people["owner"]),
        lambda w: _fn("calendars.services.feed_reset")(actor=w.people["owner"], person=w.people["owner"]),
    ),
    # --- api: personal API tokens (a person's own; an inactive person has none to make) ---
    Row(
        "api.services.token_create",
        "one's own token",
        everyone(OK, inactive=FORBIDDEN),
        lambda w, actor, _: _fn("api.services.token_create")(actor=actor, name="CI", scope="read", expires_at=None),
    ),
    Row(
        "api.services.token_revoke",
        "the owner's token",
        everyone(FORBIDDEN, owner=OK),
        lambda w, actor, token: _fn("api.services.token_revoke")(actor=actor, token=token),
        lambda w: _fn("api.services.token_create")(actor=w.people["owner"], name="CI", scope="read", expires_at=None)[
            0
        ],
    ),
    # --- integrations: webhooks, Slack and Teams (a project's: those who manage it; organization-wide: admins) ---
    Row(
        "integrations.services.subscription_create",
        "a project webhook",
        MANAGE,
        lambda w, actor, _: _fn("integrations.services.subscription_create")(
            actor=actor, project=w.project, url="https://93.184.215.14/hook", events=["vendor.decided"]
        ),
    ),
    Row(
        "integrations.services.subscription_create",
        "an organization-wide webhook",
        everyone(FORBIDDEN, admin_user=OK),
        lambda w, actor, _: _fn("integrations.services.subscription_create")(
            actor=actor, project=None, url="https://93.184.215.14/hook", events=["vendor.decided"]
        ),
    ),
    Row(
        "integrations.services.subscription_update",
        "change the events",
        MANAGE,
        lambda w, actor, sub: _fn("integrations.services.subscription_update")(
            actor=actor, subscription=sub, url=sub.url, events=["round.closed"]
        ),
        lambda w: _webhook(w),
    ),
    Row(
        "integrations.services.subscription_delete",
        "delete a webhook",
        MANAGE,
        lambda w, actor, sub: _fn("integrations.services.subscription_delete")(actor=actor, subscription=sub),
        lambda w: _webhook(w),
    ),
    Row(
        "integrations.services.delivery_resend",
        "send a delivery again",
        MANAGE,
        lambda w, actor, delivery: _fn("integrations.services.delivery_resend")(actor=actor, delivery=delivery),
        lambda w: _webhook(w).deliveries.create(event="vendor.decided", body="{}", status="failed", attempts=8),
    ),
    Row(
        "integrations.services.channel_create",
        "a project's Slack channel",
        MANAGE,
        lambda w, actor, _: _fn("integrations.services.channel_create")(
            actor=actor,
            project=w.project,
            kind="slack",
            name="#cdp",
            url="https://93.184.215.14/slack",
            events=["vendor.decided"],
        ),
    ),
    Row(
        "integrations.services.channel_update",
        "rename a channel",
        MANAGE,
        lambda w, actor, channel: _fn("integrations.services.channel_update")(
            actor=actor, channel=channel, name="#renamed", url=channel.url, events=channel.events
        ),
        lambda w: _channel(w),
    ),
    Row(
        "integrations.services.channel_delete",
        "delete a channel",
        MANAGE,
        lambda w, actor, channel: _fn("integrations.services.channel_delete")(actor=actor, channel=channel),
        lambda w: _channel(w),
    ),
]


def _webhook(world: World):
    return _fn("integrations.services.subscription_create")(
        actor=world.people["owner"], project=world.project, url="https://93.184.215.14/hook", events=["vendor.decided"]
    )


def _channel(world: World):
    return _fn("integrations.services.channel_create")(
        actor=world.people["owner"],
        project=world.project,
        kind="teams",
        name="CDP",
        url="https://93.184.215.14/teams",
        events=["vendor.decided"],
    )


def _local_models():
    local = {config.label for config in _local_app_configs()}
    return [m for m in apps.get_models() if m._meta.app_label in local and not m._meta.proxy]


def _snapshot() -> dict:
    """Every row of every table of the project's apps (the test world is small)."""
    return {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in _local_models()}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r.service.rsplit('.', 1)[1]}[{r.label}]")
def test_service_refuses_or_allows(row, persona, world):
    actor = world.people[persona]
    prepared = row.prepare(world) if row.prepare else None
    expected = row.expected[persona]
    before = _snapshot()
    if expected == OK:
        row.call(world, actor, prepared)
        assert _snapshot() != before, f"{persona} was allowed but nothing was written"
        return
    with pytest.raises(PermissionDenied) as refusal:
        row.call(world, actor, prepared)
    if expected == NOT_FOUND:
        assert isinstance(refusal.value, NotVisible), f"{persona} should not even see the project"
    else:
        assert not isinstance(refusal.value, Http404), f"{persona} may see the project: 403, not 404"
    assert _snapshot() == before, f"{persona} was refused, yet something was written"


def test_every_persona_has_an_outcome_in_every_row():
    for row in TABLE:
        assert set(row.expected) == set(PERSONAS), row.service
        assert set(row.expected.values()) <= {OK, FORBIDDEN, NOT_FOUND}, row.service


# --- Discovery: every service has a row -----------------------------------------------------


def _local_app_configs():
    root = Path(settings.BASE_DIR).resolve()
    return [c for c in apps.get_app_configs() if Path(c.path).resolve().is_relative_to(root)]


def _services_modules():
    """Every ``services`` module (or package, with its submodules) of the project's apps,
    and every module named ``<something>_services`` beside it (``raci.framework_services``)."""
    for config in _local_app_configs():
        for info in pkgutil.iter_modules([config.path]):
            if info.name.endswith("_services"):
                yield importlib.import_module(f"{config.name}.{info.name}")
        name = f"{config.name}.services"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        yield module
        if hasattr(module, "__path__"):
            for info in pkgutil.walk_packages(module.__path__, prefix=f"{name}."):
                yield importlib.import_module(info.name)


def _acting_services():
    """``module.function`` -> function, for every public function taking ``actor``."""
    found = {}
    for module in _services_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(function).parameters:
                found[f"{module.__name__}.{name}"] = function
    return found


def test_discovery_finds_the_known_services():
    found = _acting_services()
    assert {_projects("project_create"), _raci("matrix_save"), _alignment("round_open")} <= set(found)
    assert {c.label for c in _local_app_configs()} >= {"governance", "projects", "raci", "scorecards", "alignment"}


def test_every_service_has_a_row():
    missing = sorted(set(_acting_services()) - {row.service for row in TABLE})
    assert not missing, f"Services with no row in tests/test_service_access.py TABLE: {', '.join(missing)}"


def test_every_row_names_a_service():
    stale = sorted({row.service for row in TABLE} - set(_acting_services()))
    assert not stale, f"Rows for functions that are not services taking actor: {', '.join(stale)}"


def test_actor_is_keyword_only():
    positional = sorted(
        path
        for path, function in _acting_services().items()
        if inspect.signature(function).parameters["actor"].kind is not inspect.Parameter.KEYWORD_ONLY
    )
    assert not positional, f"Take actor as a keyword-only parameter: {', '.join(positional)}"


# --- What a page makes of a refusal ---------------------------------------------------------------


def test_a_refusal_becomes_404_or_403_on_a_page(rf):
    """Views keep their own early checks for a clean page, but a refusal the
    service raises on its own answers the same: NotVisible 404, PermissionDenied 403."""
    from django.core.handlers.exception import response_for_exception

    assert response_for_exception(rf.get("/"), NotVisible("No such project.")).status_code == 404
    assert response_for_exception(rf.get("/"), PermissionDenied("Not yours.")).status_code == 403


def test_closing_a_round_is_refused_by_the_service_itself(client, world):
    """The close view has no permission check of its own: the service's refusal is the page's 403."""
    from django.urls import reverse

    round_ = world.rounds["project"]
    client.force_login(world.people["informed"])
    response = client.post(reverse("alignment:close", kwargs={"pk": round_.pk}))
    assert response.status_code == 403
    round_.refresh_from_db()
    assert round_.is_open
