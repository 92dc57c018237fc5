"""In a real browser: an executive edits the framework; a project owner previews and applies it."""

import pytest
from playwright.sync_api import expect

from conftest import UserFactory
from governance.models import Department
from raci.framework_demo import default_entries
from raci.framework_services import framework_save
from raci.models import FrameworkEntry, OrganizationPost, RaciAssignment, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def default_framework(executive):
    mops = UserFactory(username="maya", first_name="Maya", last_name="Patel", department=Department.MARKETING_OPS)
    security = UserFactory(username="dev", first_name="Dev", last_name="Raman", department=Department.IT)
    people = {OrganizationPost.MARKETING_OPS: mops, OrganizationPost.IT_SECURITY: security}
    return framework_save(actor=executive, entries=default_entries(), people=people, expected_version=0)


def test_an_executive_edits_a_cell_of_the_framework(page, browser_login, executive, default_framework):
    browser_login(executive)
    page.goto("/")
    page.get_by_role("link", name="Who owns what").click()
    expect(page.get_by_role("heading", name="Who owns what", exact=True)).to_be_visible()
    page.get_by_role("link", name="Edit the framework").click()
    cell = page.get_by_label("Project owner, step 7, Project management")
    expect(cell).to_have_value("C")
    cell.select_option("R")
    expect(cell).to_have_class("form-select form-select-sm role-R")  # coloured by tandem.js
    page.get_by_role("button", name="Save the framework").click()
    expect(page.get_by_role("status")).to_contain_text("Framework saved (version 2): 1 change.")
    expect(page.locator("#framework-step-7")).to_contain_text("R")
    assert FrameworkEntry.objects.get(step_number=7, role="owner").letter == Role.RESPONSIBLE


def test_a_refused_framework_shows_the_step_at_fault(page, browser_login, executive, default_framework):
    browser_login(executive)
    page.goto("/framework/edit/")
    page.get_by_label("Project owner, step 1, Define the problem").select_option("")
    page.get_by_role("button", name="Save the framework").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("Step 1, Define the problem, has no Accountable role")
    assert FrameworkEntry.objects.get(step_number=1, role="owner").letter == Role.ACCOUNTABLE


def test_an_owner_previews_and_applies_the_framework(
    page, browser_login, project_factory, owner, it_lead, default_framework
):
    marketing = UserFactory(first_name="Claire", last_name="Moreau", department=Department.MARKETING)
    it = UserFactory(first_name="Ian", last_name="Okafor", department=Department.IT)
    project = project_factory.create(
        owner=owner, it_lead=it_lead, marketing_sponsor=marketing, it_sponsor=it, name="Loyalty app"
    )
    browser_login(owner)
    page.goto(f"/projects/{project.slug}/")
    expect(page.get_by_test_id("framework-departures")).to_be_visible()
    page.get_by_role("link", name="Preview applying the framework").click()
    expect(page.get_by_test_id("preview-add")).to_contain_text("Step 9, Launch: Maya Patel (Marketing Ops)")
    expect(page.get_by_test_id("unowned-after")).to_contain_text("every step has an Accountable person")
    assert not RaciAssignment.objects.filter(step__project=project).exists()  # the preview wrote nothing
    page.get_by_role("button", name="Apply the framework").focus()
    page.keyboard.press("Enter")  # keyboard-usable
    expect(page.get_by_role("status").first).to_contain_text("Framework applied:")
    expect(page.get_by_role("heading", name="RACI matrix")).to_be_visible()
    expect(page.get_by_text("No A", exact=True)).to_have_count(0)
    expect(page.get_by_text("A set", exact=True)).to_have_count(10)
    page.goto(f"/projects/{project.slug}/")
    expect(page.get_by_test_id("framework-matches")).to_be_visible()
