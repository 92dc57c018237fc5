"""Keyboard only: the RACI matrix and the rating form are reached, changed and saved without a mouse
(Tab, Space, Enter, and the arrow keys a select and a radio group answer to), and the result is seen.
After every key the focused element must show a visible focus indicator (WCAG 2.2: a solid outline of
2 px or more, or an opaque box-shadow; Bootstrap's 25 %-transparent blue glow is not one) and must not
be hidden (its centre in the viewport, not under anything else, such as a sticky column).
"""

import pytest
from playwright.sync_api import expect

from raci.models import RaciAssignment, Role
from scorecards.models import Candidate, RatingSheet
from tests.main_pages import CDP, VIEWPORTS, PageVisitor, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_JS = r"""
async () => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {problem: "focus is nowhere"};
  const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " \""
    + (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().replace(/\s+/g, " ").slice(0, 50) + "\"";
  // Focus scrolls the element into view, smoothly (Bootstrap's scroll-behavior): wait until it stops moving.
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let last = null;
  for (let still = 0, i = 0; still < 3 && i < 90; i++) {
    await frame();
    const r = el.getBoundingClientRect(), key = r.left + "," + r.top;
    still = key === last ? still + 1 : 0;
    last = key;
  }
  const style = getComputedStyle(el);
  const opaque = (color) => { const parts = color.match(/[\d.]+/g) || []; return parts.length < 4 || parseFloat(parts[3]) === 1; };
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 && opaque(style.outlineColor);
  const spread = (shadow) => { const m = shadow.trim().match(/(\d+(\.\d+)?)px\s*$/); return m ? parseFloat(m[1]) : 0; };
  const shadows = style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\))/);
  const shadow = shadows.some((s) => !s.includes("inset") && opaque(s) && spread(s) >= 2);
  if (!outline && !shadow)
    return {name, problem: `no visible focus (outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}; box-shadow ${style.boxShadow})`};
  // Some part of it in view, and not under anything else (a sticky column, a header): a line box of
  // an inline element, or the part of a large box that is in the viewport.
  const boxes = Array.from(el.getClientRects());
  for (const r of boxes) {
    const left = Math.max(r.left, 0), right = Math.min(r.right, innerWidth);
    const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
    if (right <= left || bottom <= top) continue;
    const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
    if (hit && (hit === el || el.contains(hit) || hit.control === el)) return {name, problem: null};
    return {name, problem: "focused element hidden under " + (hit ? hit.tagName.toLowerCase() + "." + hit.className : "nothing")};
  }
  return {name, problem: "focused element out of view"};
}
"""


class Keyboard:
    """Presses keys and records, after each, what has focus and whether it shows."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.presses = 0

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        self.presses += 1
        state = self.page.evaluate(FOCUS_JS)
        if state["problem"]:
            self.problems.append(f"after {key} #{self.presses}: {state.get('name', '')}: {state['problem']}")
        return state

    def submit(self) -> None:
        """Enter on the focused button: the form is sent and the next page loads."""
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def active(self, expression: str):
        return self.page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")

    def tab_to(self, expression: str, *, limit: int = 250) -> None:
        """Tab until ``expression`` (JavaScript over ``el``, the focused element) is true."""
        for _ in range(limit):
            self.press("Tab")
            if self.active(expression):
                return
        raise AssertionError(f"Tab never reached {expression}; problems on the way: {self.problems}")

    def assert_focus_always_visible(self):
        assert not self.problems, "Focus not visible at every step:\n" + "\n".join(self.problems)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_raci_matrix_by_keyboard(page, viewport):
    from projects.models import Project

    seed()
    project = Project.objects.get(name=CDP)
    page.set_viewport_size(VIEWPORTS[viewport])
    PageVisitor(page).sign_in("itlead")
    page.goto(f"/projects/{project.slug}/raci/")
    keys = Keyboard(page)
    cell = "Theo Lindqvist, step 6, Build and integrate the solution"
    keys.tab_to(f"el.getAttribute('aria-label') === {cell!r}")
    assert keys.active("el.value") == ""
    for _ in range(4):
        if keys.active("el.value") == Role.ACCOUNTABLE:
            break
        keys.press("ArrowDown")
    assert keys.active("el.value") == Role.ACCOUNTABLE
    keys.tab_to("el.textContent.trim() === 'Save matrix'")
    keys.submit()
    expect(page.get_by_text("RACI matrix saved: 1 added")).to_be_visible()
    keys.assert_focus_always_visible()
    assert RaciAssignment.objects.filter(
        step__project=project, step__number=6, user__username="itlead", role=Role.ACCOUNTABLE
    ).exists()
    expect(page.get_by_label(cell)).to_have_value(Role.ACCOUNTABLE)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_rating_form_by_keyboard(page, viewport):
    seed()
    candidate = Candidate.objects.select_related("scorecard__project").get(name="Build in-house")
    project = candidate.scorecard.project
    page.set_viewport_size(VIEWPORTS[viewport])
    PageVisitor(page).sign_in("cmo")
    page.goto(f"/projects/{project.slug}/scorecard/candidates/{candidate.pk}/rate/")
    keys = Keyboard(page)
    groups = page.locator("fieldset").count()
    assert groups >= 10
    for _ in range(groups):
        # Tab lands on a group's first radio (none is chosen yet); Space chooses it, → moves to "4 Good".
        keys.tab_to("el.type === 'radio'")
        keys.press("Space")
        for _ in range(3):
            keys.press("ArrowRight")
        assert keys.active("el.checked && el.labels[0].textContent.trim()") == "4 Good"
    keys.tab_to("el.textContent.trim() === 'Submit ratings'")
    keys.submit()
    keys.assert_focus_always_visible()
    sheet = RatingSheet.objects.get(candidate=candidate, rater__username="cmo")
    assert sheet.submitted_at is not None
    assert set(sheet.ratings.values_list("score", flat=True)) == {4}
    expect(page.get_by_role("status").first).to_be_visible()
    expect(page.locator("tr", has_text="Build in-house").get_by_text("Submitted")).to_be_visible()
