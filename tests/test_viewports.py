"""Viewports in CI: every main page at a laptop's 1366×768 and a phone's 390×844. Nothing may reach past
the viewport's edge except inside a box meant to scroll sideways (a wide table's .table-responsive);
the page itself never scrolls sideways. Then the two complaints this started from: at 1366 px the RACI
matrix shows all ten steps and the scorecard's "Choose this vendor" buttons without scrolling; on a
phone the matrix shows one whole step beside the person column, the person column staying in view.

The pages and their data: tests/main_pages.py.
"""

import pytest
from playwright.sync_api import expect

from tests.main_pages import CDP, OVERFLOW_JS, VIEWPORTS, PageVisitor, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_main_page_overflows_the_viewport(page, viewport):
    seed()
    page.set_viewport_size(VIEWPORTS[viewport])

    def check(main_page, url):
        return [f"{main_page.name} ({url}, {viewport}): {line}" for line in page.evaluate(OVERFLOW_JS)]

    checked, problems = PageVisitor(page).visit_all(check)
    assert len(checked) >= 14, checked
    assert not problems, "Elements overflow the viewport outside a scroll box:\n" + "\n".join(problems)


def test_the_overflow_check_names_what_sticks_out(page):
    """The check can fail: a block wider than the viewport is named, and so is absolutely positioned
    text that escapes its scroll box; a wide block inside a scroll box is not."""
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto("/login/")
    page.evaluate(
        """() => {
            const main = document.body;
            const wide = document.createElement("div"); wide.id = "too-wide"; wide.style.width = "900px"; wide.textContent = "wide";
            const box = document.createElement("div"); box.className = "overflow-auto";
            const fine = document.createElement("div"); fine.id = "fine"; fine.style.width = "1500px";
            const escapes = document.createElement("span"); escapes.id = "escapes"; escapes.textContent = "text";
            escapes.className = "position-absolute"; escapes.style.left = "1200px";
            fine.append(escapes); box.append(fine); main.append(wide, box);
        }"""
    )
    found = page.evaluate(OVERFLOW_JS)
    assert any("#too-wide" in line for line in found), found
    assert any("#escapes" in line for line in found), found
    assert not any("#fine" in line for line in found), found
    assert found[0].startswith("the page scrolls sideways"), found


def _sign_in(page, who):
    PageVisitor(page).sign_in(who)


def test_at_1366_px_the_matrix_shows_all_ten_steps_and_the_ranking_its_buttons(page):
    from projects.models import Project

    seed()
    slug = Project.objects.get(name=CDP).slug
    page.set_viewport_size(VIEWPORTS["laptop"])
    _sign_in(page, "cmo")
    page.goto(f"/projects/{slug}/raci/")
    box = page.locator(".table-responsive:has(> .raci-matrix)")
    sizes = box.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert sizes[0] <= sizes[1], f"the matrix scrolls at 1366 px: {sizes}"
    expect(page.get_by_role("link", name="10. Ongoing maintenance")).to_be_in_viewport()
    page.goto(f"/projects/{slug}/scorecard/")
    buttons = page.get_by_role("link", name="Choose this vendor")
    assert buttons.count() == 3
    ranking = page.locator(".table-responsive:has(> #ranking)")
    right = ranking.evaluate("box => box.getBoundingClientRect().right")
    for index in range(buttons.count()):
        assert buttons.nth(index).evaluate("b => b.getBoundingClientRect().right") <= right


def test_on_a_phone_the_matrix_shows_one_whole_step_beside_the_person(page):
    from projects.models import Project

    seed()
    slug = Project.objects.get(name=CDP).slug
    page.set_viewport_size(VIEWPORTS["phone"])
    _sign_in(page, "cmo")
    page.goto(f"/projects/{slug}/raci/")
    box = page.locator(".table-responsive:has(> .raci-matrix)")
    person = page.locator(".raci-matrix thead th.person")
    step = page.locator(".raci-matrix thead th.step-head").first
    box_width = box.evaluate("b => b.clientWidth")
    person_width = person.evaluate("e => e.getBoundingClientRect().width")
    step_width = step.evaluate("e => e.getBoundingClientRect().width")
    assert person_width + step_width <= box_width + 1 and person_width + 2 * step_width > box_width
    # Scrolling to step 7 keeps the person column where it was, with step 7 whole beside it.
    select = page.get_by_label("Theo Lindqvist, step 7, Project management")
    select.focus()
    page.wait_for_timeout(300)
    assert person.evaluate("e => e.getBoundingClientRect().left") == pytest.approx(
        box.evaluate("b => b.getBoundingClientRect().left + b.clientLeft"), abs=1
    )
    cell = select.evaluate("s => { const r = s.closest('td').getBoundingClientRect(); return [r.left, r.right]; }")
    edges = box.evaluate("b => { const r = b.getBoundingClientRect(); return [r.left, r.left + b.clientWidth]; }")
    assert cell[0] >= edges[0] + person_width - 1 and cell[1] <= edges[1] + 1, (cell, edges, person_width)
