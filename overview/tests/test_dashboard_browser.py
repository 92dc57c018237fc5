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
    assign(calm.steps.get(number=1), UserFactory(department=Department.IT), Role.CONSULTED)  # not going it alone
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


# --- A laptop and a phone ---------------------------------------------------------------------

# Every element shown that reaches past the viewport's left or right edge, unless a box that clips
# or scrolls it (a .table-responsive) keeps it in: what makes a page scroll sideways as a whole.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const inside = (r) => r.left >= -1 && r.right <= width + 1;
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || inside(r)) continue;
    let box = el.parentElement, kept = false;
    while (box && box !== document.body) {
      if (getComputedStyle(box).overflowX !== "visible" && inside(box.getBoundingClientRect())) { kept = true; break; }
      box = box.parentElement;
    }
    if (!kept) found.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {found: found.slice(0, 8), pageWidth: document.documentElement.scrollWidth, width};
}"""


@pytest.fixture
def wide_portfolio(portfolio, owner):
    """The two projects, a long name, vendors, a gap and enough rows to fill the screen."""
    from alignment.defaults import ensure_default_questionnaire
    from alignment.tests.factories import answered_round
    from overview.tests.test_dashboard import scorecard_with

    cmo, calm, troubled = portfolio
    for i in range(6):
        ProjectFactory.create(owner=owner, name=f"Customer data platform consolidation for EMEA markets, wave {i}")
    scorecard_with(troubled, {"Acme Cloud Enterprise Suite": [[4] * 10, [3] * 10], "Bolt": [[2] * 10]})
    ensure_default_questionnaire()  # a transactional test flushed it
    answered_round(owner, [[5] * 8] * 3, [[2] * 8] * 3, project=calm)
    return cmo


def _overflow(page) -> dict:
    return page.evaluate(OVERFLOWING)


def test_at_1366_px_the_project_column_stays_while_the_rest_scrolls(page, browser_login, wide_portfolio):
    browser_login(wide_portfolio)
    for width, height in ((1366, 768), (800, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/portfolio/?sort=name")
        box = page.locator(".portfolio-scroll")
        expect(box).to_be_visible()
        expect(page.get_by_test_id("portfolio-card").first).to_be_hidden()
        if width == 1366:  # (800 px, a tablet, only to be sure the table scrolls: the navigation is not ours)
            overflow = _overflow(page)
            assert overflow["found"] == [] and overflow["pageWidth"] <= overflow["width"], overflow

        box.evaluate("el => el.scrollIntoView({block: 'start'})")  # the page down to the table
        first = page.get_by_test_id("portfolio-row").first.locator("th")
        raci = page.get_by_test_id("portfolio-row").first.get_by_role("link", name=re.compile("^RACI"))
        before = first.bounding_box()
        box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        page.wait_for_function(
            "document.querySelector('.portfolio-scroll').scrollLeft > 0 || "
            "document.querySelector('.portfolio-scroll').scrollWidth <= "
            "document.querySelector('.portfolio-scroll').clientWidth"
        )
        after = first.bounding_box()
        frame = box.bounding_box()
        # The project column has not moved; the last column (the RACI link) is now in view, beside it.
        assert abs(after["x"] - before["x"]) < 1 and after["x"] >= frame["x"] - 1
        expect(first.get_by_role("link").first).to_be_in_viewport()
        expect(raci).to_be_in_viewport()
        assert raci.bounding_box()["x"] >= after["x"] + after["width"] - 1  # not hidden under the project column
    assert page.evaluate("getComputedStyle(document.querySelector('.portfolio-table tbody th')).position") == "sticky"


def test_at_390_px_each_project_is_a_card_with_its_figures(page, browser_login, wide_portfolio):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(wide_portfolio)
    page.goto("/portfolio/?sort=name")
    expect(page.locator(".portfolio-scroll")).to_be_hidden()  # display:none: read once, as cards
    cards = page.get_by_test_id("portfolio-card")
    expect(cards).to_have_count(8)
    troubled = cards.filter(has_text="Troubled migration")
    expect(troubled.get_by_role("heading", name="Troubled migration")).to_be_visible()
    for text in (
        "Current step",
        "1. Define the problem",
        "Without an owner",
        "10 steps",
        "Overdue",
        "Vendor",
        "Alignment",
        "10 steps without an accountable owner",
    ):
        expect(troubled).to_contain_text(text)
    overflow = _overflow(page)
    assert overflow["found"] == [] and overflow["pageWidth"] <= overflow["width"], overflow

    page.get_by_label("Sort by").select_option(label="IT total, highest first")  # no headings on a phone
    expect(page).to_have_url(re.compile(r"sort=-it"))
    expect(cards.first).to_contain_text("Troubled migration")
    troubled.get_by_role("link", name="RACI matrix of Troubled migration").click()
    expect(page.get_by_role("heading", name="RACI matrix")).to_be_visible()
