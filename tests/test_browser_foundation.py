"""A newcomer's first success, in a real browser: the IT lead assigns an
accountable person to a step and the red badge disappears."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

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


def test_an_inline_script_is_refused_and_reported(_browser, live_server, owner):
    """What the ``page`` fixture fails a test on: here a script injected into a
    real page is blocked by the Content-Security-Policy and reported."""
    from tests.browser import watch_csp

    context = _browser.new_context(base_url=live_server.url)
    try:
        page, violations = watch_csp(context)
        page.goto("/login/")
        page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.injected = true"; document.body.appendChild(s); }"""
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.injected === undefined")
        assert any("script-src" in text for text in violations), violations
    finally:
        context.close()


def test_the_login_page_breaks_no_policy(page):
    page.goto("/login/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_every_page_keeps_the_policy(page, browser_login, request, project, admin_user, executive):
    """Every page of the URL table (tests/test_access.py), with every kind of
    figure it can show, opened in a real browser: the ``page`` fixture fails the
    test on any Content-Security-Policy violation. Django's admin too."""
    from tests.test_access import TABLE, World

    world = World(request, project)
    world.populate()
    browser_login(admin_user)
    seen, pages = set(), 0
    for row in TABLE:
        if row.method != "get" or row.expected["admin_user"] != 200:
            continue
        params = world.params(row)
        url = world.url(row) + (f"?{urlencode(params)}" if params else "")
        if url in seen:
            continue
        seen.add(url)
        # Files and API data (CSV, Excel, calendars, JSON) are not pages: nothing to render.
        if not page.request.get(url).headers.get("content-type", "").startswith("text/html"):
            continue
        assert page.goto(url).status == 200, url
        pages += 1
    assert pages >= 60, pages  # the skip above left the pages in (files and API data are the few others)
    for url in ("/admin/", "/admin/projects/project/", "/admin/governance/user/add/", "/admin/axes/accessattempt/"):
        assert page.goto(url).status == 200, url
    assert len(seen) > 20


def test_go_back_on_the_refusal_page_returns_without_a_javascript_url(page, browser_login, project, member):
    browser_login(member)
    page.goto(project.get_absolute_url())
    assert page.goto(f"/projects/{project.slug}/edit/").status == 403
    page.get_by_role("link", name="Go back").click()
    page.wait_for_url(f"**{project.get_absolute_url()}")


def test_a_locked_out_person_reads_why_and_for_how_long(page, owner):
    page.goto("/login/")
    for password in ["wrong"] * 5 + [PASSWORD]:
        page.get_by_label("Username").fill(owner.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    expect(page.get_by_test_id("lockout")).to_have_text(
        re.compile(r"Too many failed attempts; try again in 15 minutes or ask an administrator\.")
    )
    assert "/login/" in page.url
