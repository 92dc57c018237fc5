"""A finished project with a vendor decision adds its chosen vendor to the stack, once."""

import pytest
from django.urls import reverse

from conftest import decide_vendor
from inventory import selectors
from inventory.models import Tool, ToolStatus
from inventory.tests.factories import make_tool
from projects.models import ProjectStatus
from projects.services import project_update
from scorecards.defaults import ensure_default_criteria
from scorecards.services import candidate_save, scorecard_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(project, executive):
    """The project's vendor is chosen: Acme CDP (by the executive)."""
    ensure_default_criteria()
    scorecard = scorecard_for(project)
    acme = candidate_save(actor=project.owner, scorecard=scorecard, name="Acme CDP")
    candidate_save(actor=project.owner, scorecard=scorecard, name="Bolt")
    decide_vendor(actor=executive, scorecard=scorecard, candidate=acme, rationale="Fit.", against_ranking_reason="x")
    return project


@pytest.fixture
def requested(decided, categories):
    """The project came from an intake request in the CDP category."""
    from intake.models import IntakeRequest

    IntakeRequest.objects.create(
        title="A customer data platform",
        problem="Data everywhere.",
        desired_outcome="One view.",
        budget_side="marketing",
        category=categories["cdp"],
        requester=decided.owner,
        state="approved",
        project=decided,
        decided_by=decided.owner,
    )
    return decided


def finish(project, actor, capture, status=ProjectStatus.DONE):
    with capture(execute=True):
        project_update(actor=actor, project=project, status=status)


def test_finishing_adds_the_chosen_vendor_once(requested, owner, it_lead, django_capture_on_commit_callbacks):
    finish(requested, owner, django_capture_on_commit_callbacks)
    tool = Tool.objects.get()
    assert (tool.name, tool.vendor, tool.category.slug, tool.project, tool.status) == (
        "Acme CDP",
        "Acme CDP",
        "cdp",
        requested,
        ToolStatus.IN_USE,
    )
    assert (tool.business_owner, tool.it_owner, tool.owner_side) == (owner, it_lead, "marketing")
    assert tool.history.get().history_user == owner  # on behalf of whoever finished the project
    # Reopened and finished again: still one tool.
    finish(requested, owner, django_capture_on_commit_callbacks, status=ProjectStatus.ACTIVE)
    finish(requested, owner, django_capture_on_commit_callbacks)
    assert Tool.objects.count() == 1


def test_saving_a_finished_project_again_sends_nothing(requested, owner, django_capture_on_commit_callbacks):
    finish(requested, owner, django_capture_on_commit_callbacks)
    Tool.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        project_update(actor=owner, project=requested, name="Renamed")
    assert callbacks == [] and not Tool.objects.exists()


def test_a_rolled_back_finish_adds_nothing(requested, owner):
    # Inside the test's transaction nothing commits: the hook waits for a commit that never comes.
    project_update(actor=owner, project=requested, status=ProjectStatus.DONE)
    assert not Tool.objects.exists()


def test_no_decision_no_tool(project, owner, categories, django_capture_on_commit_callbacks):
    finish(project, owner, django_capture_on_commit_callbacks)
    assert not Tool.objects.exists()


def test_a_tool_already_in_the_stack_is_not_added_again(requested, owner, django_capture_on_commit_callbacks):
    make_tool("acme cdp", "ACME CDP", category_slug="cdp")
    finish(requested, owner, django_capture_on_commit_callbacks)
    assert Tool.objects.count() == 1


def test_without_a_category_the_project_waits_on_the_stack_page(
    client, decided, owner, mops, executive, django_capture_on_commit_callbacks
):
    """No intake request: no category to guess. The project is listed for inventory
    managers who may see it, with a link that fills in the new tool's form."""
    finish(decided, owner, django_capture_on_commit_callbacks)
    assert not Tool.objects.exists()
    assert [(p, p.chosen) for p in selectors.projects_awaiting_tool(executive)] == [(decided, "Acme CDP")]
    assert selectors.projects_awaiting_tool(mops) == []  # Maya cannot see the project
    client.force_login(executive)
    page = client.get(reverse("inventory:tool_list")).content.decode()
    assert "Finished projects with a vendor to add" in page and "Add Acme CDP to the stack" in page
    form = client.get(reverse("inventory:tool_new"), {"project": decided.slug}).context["form"]
    assert (form.initial["name"], form.initial["project"]) == ("Acme CDP", decided.pk)
    # Added by hand with its category: the project no longer waits, and finishing again adds nothing.
    cdp = form.fields["category"].queryset.get(slug="cdp")
    data = {k: v for k, v in form.initial.items() if v is not None} | {"category": cdp.pk, "status": "in_use"}
    assert client.post(reverse("inventory:tool_new"), data).status_code == 302
    assert selectors.projects_awaiting_tool(executive) == []
    finish(decided, owner, django_capture_on_commit_callbacks, status=ProjectStatus.ACTIVE)
    finish(decided, owner, django_capture_on_commit_callbacks)
    assert Tool.objects.count() == 1
