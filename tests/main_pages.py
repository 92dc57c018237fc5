"""The main pages the accessibility, viewport and keyboard checks visit, with the demo data behind them.

``seed()`` loads ``seed_demo``'s people, projects, scorecards and alignment rounds (so no page is only
an empty state); ``main_pages()`` lists each page with the demo person who opens it. Pages of work that
may not have landed yet (intake, the stack inventory, the responsibility framework) are listed once
their URL exists (``django.urls.reverse`` succeeds): a page that exists is always checked, none is
skipped silently.

axe-core (``tests/vendor/axe-core``, test-only) is not added as a ``<script>`` element: Playwright's
``add_script_tag`` inserts an inline script, which the Content-Security-Policy refuses (and the
``page`` fixture would fail the test on). It is evaluated through Playwright instead (the DevTools
protocol, outside the page's policy), so the policy stays enforced on everything the page itself does,
axe's own work included.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("critical", "serious")
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
DEMO_PASSWORD = "tandem-demo"
CDP = "Customer data platform"


def seed() -> None:
    """The demo data (``manage.py seed_demo``), which refuses to run without DEBUG."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _project_url(name: str = "project_detail") -> str:
    from projects.models import Project

    return reverse(name, args=[Project.objects.get(name=CDP).slug])


def _rate_url() -> str:
    from scorecards.models import Candidate

    candidate = Candidate.objects.select_related("scorecard__project").get(name="Northwind CDP")
    return reverse("scorecards:rate", args=[candidate.scorecard.project.slug, candidate.pk])


def _round_url(name: str, title: str) -> str:
    from alignment.models import AlignmentRound

    return reverse(name, args=[AlignmentRound.objects.get(title=title).pk])


def _vendor_decision_url() -> str | None:
    """The demo's proposal waiting for the IT sponsor's signature (scorecards/demo.py)."""
    from scorecards.models import Decision

    decision = Decision.objects.proposed().select_related("scorecard__project").order_by("pk").first()
    if decision is None:
        return None
    return reverse("scorecards:decision", args=[decision.scorecard.project.slug, decision.pk])


@dataclass(frozen=True)
class MainPage:
    name: str
    who: str | None  # the demo username who opens it; None: signed out
    url: Callable[[], str | None]  # None: the page does not exist (yet)
    # A page reached from another one: the first link on ``url`` whose path matches this.
    first_link: str | None = None


MAIN_PAGES = [
    MainPage("dashboard", "cmo", lambda: reverse("portfolio")),
    MainPage("My work", "mops", lambda: reverse("my_work")),
    MainPage("project list", "cmo", lambda: reverse("project_list")),
    MainPage("project page", "cmo", _project_url),
    MainPage("RACI matrix", "cmo", lambda: _project_url("raci:matrix")),
    MainPage("scorecard", "cmo", lambda: _project_url("scorecards:scorecard")),
    MainPage("rating form", "mops", _rate_url),
    MainPage("vendor decision", "cio", _vendor_decision_url),  # the IT sponsor's signature form
    MainPage("alignment index", "cmo", lambda: reverse("alignment:index")),
    MainPage("answer form", "itlead", lambda: _round_url("alignment:answer", f"{CDP} kick-off check")),
    MainPage("results", "cmo", lambda: _round_url("alignment:round", "Social listening mid-project check")),
    MainPage("login", None, lambda: reverse("login")),
    MainPage("project form", "mops", lambda: reverse("projects:create")),
    MainPage("preferences", "cmo", lambda: reverse("preferences")),
    MainPage("404", "cmo", lambda: "/no-such-page/"),
    # Pages other work adds: checked as soon as their URL exists.
    MainPage("intake list", "cmo", lambda: url_or_none("intake:list")),
    MainPage("intake form", "mops", lambda: url_or_none("intake:new")),
    MainPage("intake request", "cmo", lambda: url_or_none("intake:list"), first_link=r"^/intake/\d+/$"),
    MainPage("stack inventory", "cmo", lambda: url_or_none("inventory:tool_list")),
    MainPage("framework", "cmo", lambda: url_or_none("raci:framework")),
    MainPage("organization liaisons", "cio", lambda: url_or_none("projects:liaisons")),
    MainPage("project liaisons", "cmo", lambda: _project_url("projects:project_liaisons")),
    MainPage("project import", "mops", lambda: url_or_none("projects:import")),
    MainPage("joint roadmap", "cmo", lambda: url_or_none("roadmap:index")),
    MainPage("shared vision form", "cio", lambda: url_or_none("roadmap:vision")),
    MainPage("committee agenda", "cmo", lambda: url_or_none("committee:list"), first_link=r"^/committee/\d+/$"),
    # webhooks, Slack and Teams (integrations): the administrator's demo webhook and its delivery log
    MainPage("webhooks", "admin", lambda: url_or_none("integrations:subscriptions")),
    MainPage(
        "webhook log",
        "admin",
        lambda: url_or_none("integrations:subscriptions"),
        first_link=r"^/integrations/webhooks/\d+/$",
    ),
    MainPage("chat channels", "mops", lambda: url_or_none("integrations:channels")),
]


class PageVisitor:
    """Opens the main pages in one browser page, signing in as each page's person through the real
    login form (and out again when the next page wants someone else)."""

    def __init__(self, page):
        self.page = page
        self.signed_in_as: str | None = None

    def sign_in(self, who: str | None) -> None:
        if who == self.signed_in_as:
            return
        self.page.context.clear_cookies()
        self.signed_in_as = None
        if who is not None:
            self.page.goto(reverse("login"))
            self.page.get_by_label("Username").fill(who)
            self.page.get_by_label("Password").fill(DEMO_PASSWORD)
            self.page.get_by_role("button", name="Log in").click()
            self.page.wait_for_url(lambda url: "/login/" not in url)
            self.signed_in_as = who

    def open(self, main_page: MainPage) -> str | None:
        """Open ``main_page``; its path, or None when it does not exist (yet). Fails on any status
        other than the page's own (200; 404 for the 404 page)."""
        url = main_page.url()
        if url is None:
            return None
        self.sign_in(main_page.who)
        response = self.page.goto(url)
        if main_page.first_link:
            links = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            matching = [href for href in links if re.match(main_page.first_link, href)]
            if not matching:
                raise PageNotReached(f"{main_page.name}: no link matching {main_page.first_link} on {url}")
            url = matching[0]
            response = self.page.goto(url)
        expected = 404 if main_page.name == "404" else 200
        if response is None or response.status != expected:
            raise PageNotReached(f"{main_page.name}: {url} answered {response.status if response else 'nothing'}")
        self.page.wait_for_load_state("load")
        return url

    def visit_all(self, check: Callable[[MainPage, str], list[str]]) -> tuple[list[str], list[str]]:
        """``check`` every main page that exists: (the names checked, every problem found, pages that
        could not be opened included)."""
        checked, problems = [], []
        for main_page in MAIN_PAGES:
            try:
                url = self.open(main_page)
            except PageNotReached as error:
                problems.append(str(error))
                continue
            if url is not None:
                checked.append(main_page.name)
                problems += check(main_page, url)
        return checked, problems


class PageNotReached(Exception):
    """A main page that exists could not be opened as expected."""


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
            }));
        }""",
        AXE_TAGS,
    )


def describe_violations(where: str, violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['impact']} {violation['id']} ({violation['help']})")
        for node in violation["nodes"][:8]:
            summary = " ".join(node["summary"].split())[:240]
            lines.append(f"    {node['target']}  —  {summary}")
    return lines


# Elements whose box reaches past the viewport's right (or left) edge outside a box meant to scroll
# sideways. An element counts as inside a scroll box only when that box actually clips it: an
# absolutely positioned element escapes every ancestor up to its positioned one (the trap that lets
# screen-reader-only text widen a page), a fixed one is the viewport's. Only the outermost offender of
# a branch is named.
OVERFLOW_JS = r"""
() => {
  const limit = document.documentElement.clientWidth;
  const scrolls = (style) => style.overflowX === "auto" || style.overflowX === "scroll";
  function inScrollBox(element) {
    let position = getComputedStyle(element).position;
    if (position === "fixed") return true;
    for (let box = element.parentElement; box && box !== document.documentElement; box = box.parentElement) {
      const style = getComputedStyle(box);
      const containing = position !== "absolute" || style.position !== "static" || style.transform !== "none";
      if (!containing) continue;
      if (scrolls(style)) return true;
      if (style.position === "fixed") return true;
      position = style.position;
    }
    return false;
  }
  function describe(element) {
    let text = element.tagName.toLowerCase();
    if (element.id) text += "#" + element.id;
    if (typeof element.className === "string" && element.className.trim())
      text += "." + element.className.trim().split(/\s+/).join(".");
    const label = (element.getAttribute("aria-label") || element.textContent || "").trim().replace(/\s+/g, " ");
    return text + (label ? ` "${label.slice(0, 40)}"` : "");
  }
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    if (rect.right <= limit + 1 && rect.left >= -1) continue;
    if (getComputedStyle(element).visibility === "hidden") continue;
    if (inScrollBox(element)) continue;
    if (offenders.some((outer) => outer.contains(element))) continue;
    offenders.push(element);
  }
  const page = document.documentElement.scrollWidth > limit + 1
    ? [`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${limit} px viewport`] : [];
  return page.concat(offenders.map((element) => {
    const rect = element.getBoundingClientRect();
    return `${describe(element)} spans ${Math.round(rect.left)}–${Math.round(rect.right)} px of ${limit}`;
  }));
}
"""
