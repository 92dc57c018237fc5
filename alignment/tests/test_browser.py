"""In a real browser: an invited IT lead answers a round, and once it closes the results show the gap."""

import re

import pytest
from playwright.sync_api import expect

from alignment.tests.factories import KEYS, answered_round, close, questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("questionnaire")]
__all__ = ["questionnaire"]


def test_invited_it_lead_answers_and_the_results_show_the_gap(page, browser_login, executive, it_lead):
    # 3 Marketing-side people answer 4 everywhere; 2 IT people answer 2 everywhere; the IT lead is the third.
    round_, _m, _it = answered_round(
        executive, [[4] * 8] * 3, [[2] * 8] * 2, invitees=[it_lead], title="Q3 alignment", closed=False
    )
    browser_login(it_lead)
    page.goto("/")
    page.get_by_role("link", name="Q3 alignment").click()
    expect(page.get_by_role("heading", name="Q3 alignment")).to_be_visible()
    for position, key in enumerate(KEYS, start=1):
        group = page.locator(f"#dimension-{position}")
        level = "3" if key == "strategy" else "2"  # IT lead: strategy 3, everything else 2
        group.get_by_label(re.compile(rf"^{level} · ")).check()
    page.get_by_label("Comment on Testing together (optional)").fill("We test separately today.")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Thank you: your answers are recorded.")).to_be_visible()
    expect(page.get_by_text("6 of 6 invited have answered.")).to_be_visible()

    close(round_)
    page.reload()
    # Marketing 4.00 vs IT (2 + 2 + 2) / 3 = 2.00 → +2.00; strategy: IT (2 + 2 + 3) / 3 = 2.33 → +1.67.
    communication = page.get_by_test_id("dimension-communication")
    expect(communication).to_contain_text("4.00")
    expect(communication).to_contain_text("2.00")
    expect(communication).to_contain_text("⚠ +2.00")
    expect(page.get_by_test_id("dimension-strategy")).to_contain_text("⚠ +1.67")
    expect(page.get_by_test_id("gap-summary")).to_contain_text("on 8 dimensions")
    # Overall: (3 × 8 × 4 + 2 × 8 × 2 + 7 × 2 + 3) / 48 = 145 / 48 = 3.02, level 3.
    expect(page.get_by_test_id("overall")).to_contain_text(re.compile(r"3\.02 of 5\s*Working together"))
    expect(page.get_by_text("We test separately today.")).to_be_visible()
    expect(page.locator("#radar-chart")).to_be_visible()
    assert page.evaluate("() => Chart.getChart('radar-chart').data.datasets[1].data[6]") == pytest.approx(2.33)
