"""In a real browser: the flows a person walks through, as they see them.

Refusals and successes show where the person acted, are focused and read out;
a step offers only what can succeed now and says what the rest needs; My work
leads a newcomer to an assigned Accountable person in three clicks; the ten
steps are planned on one page; bulk RACI shows its preview first; the vendor
decision and closing a round ask only what applies and confirm what is final.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from alignment.defaults import ensure_default_questionnaire
from alignment.models import AlignmentRound
from alignment.services import round_open
from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from overview.tests.test_dashboard import scorecard_with
from raci.models import RaciAssignment, Role
from raci.services import step_transition
from raci.transitions import Transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clicks:
    """Counts the clicks (and choices) a person makes on ``page``."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()


def focused_flash(page):
    """The message that has the focus, if any."""
    return page.locator("[data-flash]:focus")


def test_a_refused_start_is_shown_at_the_step_focused_with_the_fix(page, browser_login, project, owner, it_lead):
    step = project.steps.get(number=6)
    assign(step, it_lead, Role.ACCOUNTABLE)
    browser_login(owner)
    page.goto(project.get_absolute_url())
    start = page.get_by_role("button", name="Start step 6")
    expect(start).to_be_visible()
    RaciAssignment.objects.filter(step=step).delete()  # meanwhile, someone takes the A away
    start.click()

    expect(page).to_have_url(re.compile(r"#step-6$"))
    card = page.locator("#step-6")
    alert = card.get_by_role("alert")
    expect(alert).to_contain_text("Step 6, Build and integrate the solution, cannot start without an Accountable")
    expect(alert).to_be_focused()
    expect(alert).to_be_in_viewport()
    expect(page.locator(".messages [data-flash]")).to_have_count(0)  # not at the top as well
    expect(card.get_by_role("button", name="Start step 6")).to_have_count(0)  # no longer offered
    expect(card.get_by_text("Cannot start yet: needs an Accountable person.")).to_be_visible()

    alert.get_by_role("link", name="Assign an Accountable person for step 6").click()
    expect(
        page.get_by_role("heading", name="Step 6. Build and integrate the solution: who is Accountable?")
    ).to_be_visible()
    expect(page.locator("#step-6")).to_be_in_viewport()


def test_a_new_project_offers_no_start_only_what_is_missing(page, browser_login, owner, it_lead):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Brand new")
    browser_login(owner)
    page.goto(project.get_absolute_url())
    expect(page.get_by_role("button", name=re.compile(r"^Start step"))).to_have_count(0)
    expect(page.get_by_text("Cannot start yet: needs an Accountable person.")).to_have_count(10)
    expect(page.get_by_role("link", name="Assign an Accountable person for step 1", exact=True)).to_be_visible()


def test_a_newcomer_assigns_an_accountable_person_from_my_work_in_three_clicks(page, browser_login, owner, it_lead):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Loyalty app")
    browser_login(owner)
    page.goto("/")
    expect(page.get_by_test_id("unowned-duties")).to_contain_text("Loyalty app")
    clicks = Clicks()

    clicks.click(page.get_by_role("link", name="Assign an Accountable person for step 6 of Loyalty app"))
    clicks.check(page.get_by_role("radio", name=re.compile(r"^Ivan Lead")))
    clicks.click(page.get_by_role("button", name="Make Accountable"))

    status = page.locator("#step-6").get_by_role("status")
    expect(status).to_contain_text("Ivan Lead is now Accountable for step 6, Build and integrate the solution.")
    expect(status).to_be_focused()
    expect(page.locator("#matrix-step-6")).to_contain_text("A set")
    assert clicks.count == 3
    assert project.steps.get(number=6).assignments.get(role=Role.ACCOUNTABLE).user == it_lead


def test_the_it_lead_of_three_projects_sees_their_unowned_steps(page, browser_login, it_lead):
    for name in ("Alpha", "Beta", "Gamma"):
        ProjectFactory.create(it_lead=it_lead, name=name)
    browser_login(it_lead)
    page.goto("/")
    duties = page.get_by_test_id("unowned-duties")
    expect(
        duties.get_by_role("heading", name=re.compile("Steps that need an accountable owner from you"))
    ).to_contain_text("30")
    expect(duties.get_by_role("link", name="Beta", exact=True)).to_be_visible()
    expect(page.get_by_text("has an accountable owner")).to_have_count(0)


def test_all_ten_steps_are_planned_on_one_page(page, browser_login, owner):
    launch = timezone.localdate() + timedelta(days=180)
    project = ProjectFactory.create(owner=owner, name="Planned", target_launch=launch)
    project.steps.filter(number=2).update(due_date=timezone.localdate() + timedelta(days=3))
    browser_login(owner)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Plan all steps").click()
    launch_field = page.get_by_label("Step 9, Launch: due date")
    expect(launch_field).to_have_value(launch.isoformat())
    expect(page.get_by_label("Step 2, Define desired outcomes: due date")).to_have_value(
        (timezone.localdate() + timedelta(days=3)).isoformat()  # a date already set stays until asked
    )
    page.get_by_role("link", name="Fill in every suggested date").click()
    expect(page.get_by_label("Step 2, Define desired outcomes: due date")).to_have_value(
        (launch - timedelta(days=98)).isoformat()
    )
    expect(page.get_by_text("Every date now shows its suggestion.")).to_be_visible()
    build = launch - timedelta(days=30)
    page.get_by_label("Step 6, Build and integrate the solution: due date").fill(build.isoformat())
    page.get_by_role("button", name="Save the plan").click()

    status = page.get_by_role("status").filter(has_text="Plan saved: 10 due dates set")
    expect(status).to_be_focused()
    expect(page.locator("#step-6")).to_contain_text(f"due {build.day} {build:%b %Y}")
    assert project.steps.get(number=6).due_date == build
    assert project.steps.get(number=9).due_date == launch


def test_bulk_raci_previews_then_applies(page, browser_login, owner, it_lead):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Bulk in the browser")
    browser_login(owner)
    page.goto(reverse("raci:matrix", args=[project.slug]))
    page.get_by_role("link", name="Make the suggested side's person Accountable for every step without one").click()
    preview = page.get_by_test_id("bulk-changes")
    expect(preview.locator("tbody tr")).to_have_count(10)
    expect(preview).to_contain_text("IT side: the project's IT lead")
    assert not RaciAssignment.objects.exists()  # a preview changes nothing
    page.get_by_role("button", name="Apply 10 changes").click()
    expect(page.get_by_role("status").filter(has_text="Applied to 10 steps: 10 added")).to_be_focused()
    expect(page.locator("thead").get_by_text("A set")).to_have_count(10)

    page.get_by_role("link", name="Give one person a role on all IT steps").click()
    page.get_by_label("Person").select_option(label=f"{owner.display_name} (Marketing side)")
    page.get_by_label("Role").select_option("A")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("bulk-skipped")).to_contain_text("Conflict: Ivan Lead is Accountable (one per step)")
    expect(page.get_by_role("button", name=re.compile("^Apply"))).to_have_count(0)  # nothing else to change


def test_the_vendor_decision_asks_only_what_applies_and_says_what_comes_next(page, browser_login, project, owner):
    made = scorecard_with(project, {"Acme": [[5] * 10, [5] * 10], "Bolt": [[2] * 10, [2] * 10]})
    step5 = project.steps.get(number=5)
    assign(step5, UserFactory(department=Department.IT), Role.ACCOUNTABLE)
    assign(step5, owner, Role.RESPONSIBLE)
    step_transition(actor=owner, step=step5, transition=Transition.START)
    executive = UserFactory(department=Department.IT, is_executive=True)  # sees the ranking
    project.marketing_sponsor, project.it_sponsor = owner, executive  # a vendor decision needs both sponsors
    project.save(update_fields=["marketing_sponsor", "it_sponsor"])
    browser_login(executive)
    page.goto(reverse("scorecards:decide", args=[project.slug, made["Bolt"].pk]))
    expect(page.get_by_label("Why not Acme (required)")).to_be_visible()
    page.goto(reverse("scorecards:decide", args=[project.slug, made["Acme"].pk]))
    expect(page.get_by_text("Why not", exact=False)).to_have_count(0)  # Acme is ranked first: no such question
    expect(page.get_by_test_id("signs-by-recording")).to_contain_text("You are the IT sponsor")
    page.get_by_label("Why this vendor").fill("Best on both sides.")
    page.get_by_role("button", name="Propose this vendor").click()
    expect(page.get_by_test_id("decision-state")).to_have_text("Waiting for signatures")
    decision_url = page.url

    page.context.clear_cookies()  # the marketing sponsor signs: the decision stands
    browser_login(owner)
    page.goto(decision_url)
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Sign the Marketing position").click()

    card = page.locator("#step-5")
    status = card.get_by_role("status")
    expect(status).to_contain_text("“Acme” chosen.")
    expect(status).to_contain_text("Next: finish step 5, Choose a vendor, here (it is in progress)")
    expect(status).to_be_focused()
    expect(status).to_be_in_viewport()
    expect(card.get_by_role("button", name="Finish step 5")).to_be_visible()


@pytest.fixture
def open_round(project, owner, it_lead, member):
    ensure_default_questionnaire()
    return round_open(
        actor=owner,
        title="Kick-off check",
        closes_on=timezone.localdate() + timedelta(days=7),
        invitees=[member, it_lead],
        project=project,
    )


def test_closing_a_round_asks_first_and_is_apart_from_answering(
    page, browser_login, open_round, owner, member, it_lead
):
    browser_login(member)  # answers only
    page.goto(reverse("alignment:round", args=[open_round.pk]))
    expect(page.get_by_role("link", name="Answer now")).to_be_visible()
    expect(page.get_by_text("Close the round now")).to_have_count(0)

    page.context.clear_cookies()
    browser_login(it_lead)  # invited to answer, and manages the project: closing is tucked away
    page.goto(reverse("alignment:round", args=[open_round.pk]))
    expect(page.get_by_role("button", name="Close the round now…")).to_be_hidden()
    page.get_by_text("Manage this round").click()
    expect(page.get_by_role("button", name="Close the round now…")).to_be_visible()

    page.context.clear_cookies()
    browser_login(owner)  # opened it, not invited: the controls are open
    page.goto(reverse("alignment:round", args=[open_round.pk]))
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Close the round now…").click()
    assert "0 of 2 invited have answered" in dialogs[0] and "cannot be undone" in dialogs[0]
    assert AlignmentRound.objects.get(pk=open_round.pk).is_open  # dismissed: still open

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close the round now…").click()
    expect(page.get_by_role("status").filter(has_text="Round closed")).to_be_focused()
    assert not AlignmentRound.objects.get(pk=open_round.pk).is_open
