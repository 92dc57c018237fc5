"""A newcomer's first success, in a real browser: the IT lead assigns an
accountable person to a step and the red badge disappears."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lead_assigns_accountable_and_the_badge_disappears(page, browser_login, project, it_lead):
    browser_login(it_lead)
    page.goto(project.get_absolute_url())
    badge = page.get_by_test_id("no-accountable-4")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile("No accountable owner"))

    page.get_by_role("link", name="RACI matrix").first.click()
    expect(page.get_by_role("heading", name="RACI matrix")).to_be_visible()
    page.get_by_label("Ivan Lead, step 4, Offer up technologies").select_option("A")
    page.get_by_role("button", name="Save matrix").click()
    expect(page.get_by_text("RACI matrix saved: 1 added")).to_be_visible()

    page.goto(project.get_absolute_url())
    expect(page.get_by_test_id("no-accountable-4")).to_have_count(0)
    expect(page.locator("#step-4")).to_contain_text("Accountable: Ivan Lead")
    expect(page.get_by_test_id("no-accountable-5")).to_be_visible()


def test_refused_matrix_keeps_choices_in_the_browser(page, browser_login, project, owner, it_lead):
    browser_login(owner)
    page.goto(f"/projects/{project.slug}/raci/")
    page.get_by_label("Alice Owner, step 5, Choose a vendor").select_option("A")
    page.get_by_label("Ivan Lead, step 5, Choose a vendor").select_option("A")
    page.get_by_label("Ivan Lead, step 6, Build and integrate the solution").select_option("R")
    page.get_by_role("button", name="Save matrix").click()
    expect(page.get_by_text("Nothing was saved: the matrix breaks the RACI rules")).to_be_visible()
    expect(page.get_by_label("Ivan Lead, step 6, Build and integrate the solution")).to_have_value("R")
    expect(page.get_by_label("Ivan Lead, step 5, Choose a vendor")).to_have_attribute("aria-invalid", "true")


def test_adding_a_person_with_htmx_then_saving(page, browser_login, project, owner, user_factory):
    newcomer = user_factory(first_name="Nora", last_name="Quinn", department="it")
    browser_login(owner)
    page.goto(f"/projects/{project.slug}/raci/")
    page.get_by_label("Person to add to the matrix").select_option(str(newcomer.pk))
    page.get_by_role("button", name="Add to matrix").click()
    cell = page.get_by_label("Nora Quinn, step 6, Build and integrate the solution")
    expect(cell).to_be_visible()
    cell.select_option("R")
    page.get_by_role("button", name="Save matrix").click()
    expect(page.get_by_text("RACI matrix saved: 1 added")).to_be_visible()
    expect(page.get_by_label("Nora Quinn, step 6, Build and integrate the solution")).to_have_value("R")
