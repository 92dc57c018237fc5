"""The CMO's dashboard in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from raci.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portfolio(owner):
    cmo = UserFactory(
        username="cmo", first_name="Claire", last_name="Moreau", department=Department.MARKETING, is_executive=True
    )
    calm = ProjectFactory.create(owner=owner, name="Calm rollout", marketing_sponsor=cmo)
    for step in calm.steps.all():
        assign(step, owner, Role.ACCOUNTABLE)
    troubled = ProjectFactory.create(owner=owner, name="Troubled migration", marketing_sponsor=cmo)
    return cmo, calm, troubled


def test_cmo_filters_needs_attention_and_reaches_a_raci_matrix_in_two_clicks(page, browser_login, portfolio):
    cmo, _calm, troubled = portfolio
    browser_login(cmo)  # an executive lands on the dashboard
    expect(page).to_have_url(re.compile(r"/portfolio/$"))
    rows = page.get_by_test_id("portfolio-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("tile-unowned")).to_have_text("10")

    page.get_by_test_id("attention-filter").click()  # click 1
    expect(page).to_have_url(re.compile(r"attention=on"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Troubled migration")
    expect(rows.first).to_contain_text("10 steps without an accountable owner")

    page.get_by_role("link", name="RACI matrix of Troubled migration").click()  # click 2
    expect(page).to_have_url(re.compile(rf"/projects/{troubled.slug}/raci/$"))
    expect(page.get_by_role("heading", name="RACI matrix")).to_be_visible()


def test_filters_update_the_table_and_the_url_without_a_reload(page, browser_login, portfolio):
    cmo, _calm, _troubled = portfolio
    browser_login(cmo)
    page.get_by_label("Needs attention only").check()
    expect(page).to_have_url(re.compile(r"attention=on"))
    expect(page.get_by_test_id("portfolio-row")).to_have_count(1)
    page.get_by_label("Status").select_option("done")
    expect(page.get_by_text("No project matches these filters.")).to_be_visible()
    page.reload()  # the state lives in the URL
    expect(page.get_by_label("Status")).to_have_value("done")
    expect(page.get_by_label("Needs attention only")).to_be_checked()


def test_sorting_by_a_column_heading(page, browser_login, portfolio):
    cmo, _calm, _troubled = portfolio
    browser_login(cmo)
    page.get_by_role("link", name="Project", exact=True).click()
    expect(page.get_by_test_id("portfolio-row").first).to_contain_text("Calm rollout")
    page.get_by_role("link", name="Project", exact=True).click()
    expect(page.get_by_test_id("portfolio-row").first).to_contain_text("Troubled migration")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Project")


def test_chart_draws_and_the_page_prints_without_navigation(page, browser_login, portfolio):
    cmo, _calm, _troubled = portfolio
    browser_login(cmo)
    page.wait_for_function("window.Chart && Chart.getChart('stage-chart') !== undefined")
    drawn = page.evaluate("Chart.getChart('stage-chart').data.datasets.map(d => d.data.reduce((a, b) => a + b, 0))")
    assert drawn == [1, 1]  # Calm's current step has an owner; Troubled's has none
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Apply")).to_be_hidden()
    expect(page.get_by_test_id("portfolio-row").first).to_be_visible()
    expect(page.get_by_text("Where the active projects are")).to_be_visible()
