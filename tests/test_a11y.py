"""Accessibility in CI: axe-core (vendored for the tests only, tests/vendor/axe-core) on every main page,
at a laptop's and a phone's width, with the demo data behind them. The run fails on any critical or
serious violation of WCAG 2.0, 2.1 and 2.2 A and AA, naming each one and the elements it found.

The list of pages, the people who open them and how axe is loaded under the strict
Content-Security-Policy: tests/main_pages.py.
"""

import pytest

from tests.main_pages import (
    FAILING_IMPACTS,
    VIEWPORTS,
    PageVisitor,
    describe_violations,
    run_axe,
    seed,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_main_pages_have_no_critical_or_serious_accessibility_violation(page, viewport):
    seed()
    page.set_viewport_size(VIEWPORTS[viewport])

    def check(main_page, url):
        failing = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
        return describe_violations(f"{main_page.name} ({url}, {viewport})", failing)

    checked, problems = PageVisitor(page).visit_all(check)
    assert len(checked) >= 14, checked
    assert not problems, "axe found critical or serious violations:\n" + "\n".join(problems)


def test_axe_does_report_a_serious_violation(page):
    """The check can fail: a page made to break contrast and labelling is reported."""
    seed()
    PageVisitor(page).sign_in("cmo")
    page.goto("/my-work/")
    page.evaluate(
        """() => { const input = document.createElement("input");
                   document.querySelector("main").appendChild(input); }"""
    )
    found = {v["id"]: v for v in run_axe(page)}
    assert "label" in found and found["label"]["impact"] in FAILING_IMPACTS
    assert any("main > input" in node["target"] for node in found["label"]["nodes"])
