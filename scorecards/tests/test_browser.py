import pytest
from playwright.sync_api import expect

from scorecards import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marketing_ops_fills_a_scorecard_and_sees_the_totals(default_criteria, page, browser_login, project, owner):
    sc = services.scorecard_for(project)
    services.candidate_save(actor=owner, scorecard=sc, name="Acme CDP")
    criteria = list(sc.criteria.order_by("group", "position"))
    browser_login(owner)  # Alice, Marketing Ops
    page.goto(f"/projects/{project.slug}/scorecard/")
    page.get_by_role("link", name="Rate Acme CDP").click()
    for criterion in criteria:
        score = "5 Great" if criterion.group == "marketing" else "4 Good"
        page.get_by_role("group", name=criterion.name).get_by_label(score).check()
    page.get_by_role("group", name="Cost").get_by_label("Comment on Cost").fill("Cheaper than the incumbent")
    page.get_by_role("button", name="Submit ratings").click()
    expect(page.get_by_text("Ratings of “Acme CDP” submitted.")).to_be_visible()
    ranking = page.locator("#ranking")
    expect(ranking).to_contain_text("Acme CDP")
    expect(ranking.locator("tbody tr").first).to_contain_text("20.00")  # IT: 4 × 5
    expect(ranking.locator("tbody tr").first).to_contain_text("25.00")  # Marketing: 5 × 5
    expect(ranking.locator("tbody tr").first).to_contain_text("45.00")
    expect(page.locator("#totals-chart")).to_be_visible()
    # Each side's view per priority group, drawn by static/js/scorecards.js from the JSON data block.
    expect(page.locator("#sides-chart")).to_be_visible()
    assert page.evaluate("Chart.getChart(document.getElementById('sides-chart')).data.datasets.length") == 4
    assert page.evaluate("Chart.getChart(document.getElementById('sides-chart')).data.datasets[3].data") == [25]
