"""The project list: search by name, business problem and people; filters by status, the side owning
the budget, sponsor and "only mine"; sort by any column; everything in the URL and nothing elsewhere."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department, Side
from projects.models import ProjectStatus
from raci.models import Role

URL = reverse("project_list")


def names(response) -> list[str]:
    assert response.status_code == 200
    return [project.name for project in response.context["page"].object_list]


@pytest.fixture
def people(db):
    return {
        "cmo": UserFactory(username="claire", first_name="Claire", last_name="Moreau", is_executive=True),
        "cio": UserFactory(
            username="ian", first_name="Ian", last_name="Okafor", department=Department.IT, is_executive=True
        ),
        "maya": UserFactory(username="maya", first_name="Maya", last_name="Patel", department=Department.MARKETING_OPS),
        "theo": UserFactory(username="theo", first_name="Theo", last_name="Lindqvist", department=Department.IT),
        "nora": UserFactory(username="nora", first_name="Nora", last_name="Quinn", department=Department.IT),
        "sofia": UserFactory(username="sofia", first_name="Sofia", last_name="Reyes"),
    }


@pytest.fixture
def portfolio(people):
    p = people
    cdp = ProjectFactory.create(
        owner=p["maya"], name="Customer data platform", problem="Customer data sits in six tools.",
        marketing_sponsor=p["cmo"], it_sponsor=p["cio"], it_lead=p["theo"], target_launch=date(2027, 4, 30),
    )  # fmt: skip
    consent = ProjectFactory.create(
        owner=p["maya"], name="Consent centre", problem="Opt-outs are not honoured by ads.",
        it_sponsor=p["cio"], it_lead=p["nora"], budget_owner_side=Side.IT, target_launch=date(2027, 3, 31),
    )  # fmt: skip
    events = ProjectFactory.create(
        owner=p["sofia"], name="event platform", problem="Events run from four spreadsheets.",
        marketing_sponsor=p["cmo"], status=ProjectStatus.ON_HOLD,
    )  # fmt: skip
    # Nora holds a role in the events project only: she is one of its people.
    assign(events.steps.get(number=6), p["nora"], Role.RESPONSIBLE)
    # Every step of the consent centre has an Accountable person but one; the others have none.
    for step in consent.steps.exclude(number=10):
        assign(step, p["nora"] if step.number != 1 else p["maya"], Role.ACCOUNTABLE)
    return {"cdp": cdp, "consent": consent, "events": events}


@pytest.fixture
def as_cmo(client, people):
    client.force_login(people["cmo"])
    return client


def test_search_reads_the_name_the_problem_and_the_people(as_cmo, portfolio):
    assert names(as_cmo.get(URL, {"q": "customer"})) == ["Customer data platform"]
    assert names(as_cmo.get(URL, {"q": "spreadsheets"})) == ["event platform"]
    assert names(as_cmo.get(URL, {"q": "lindqvist"})) == ["Customer data platform"]  # IT lead
    assert names(as_cmo.get(URL, {"q": "okafor"})) == ["Consent centre", "Customer data platform"]  # sponsor
    assert names(as_cmo.get(URL, {"q": "sofia"})) == ["event platform"]  # owner
    # Nora leads the consent centre's IT and holds a role in the events project.
    assert names(as_cmo.get(URL, {"q": "Quinn"})) == ["Consent centre", "event platform"]
    # Every word must match something: Maya's projects about ads.
    assert names(as_cmo.get(URL, {"q": "maya ads"})) == ["Consent centre"]
    assert names(as_cmo.get(URL, {"q": "maya spreadsheets"})) == []


def test_search_never_finds_a_project_the_viewer_may_not_see(client, people, portfolio):
    outsider = UserFactory(department=Department.IT)
    client.force_login(outsider)
    assert names(client.get(URL, {"q": "customer"})) == []
    client.force_login(people["sofia"])
    assert names(client.get(URL, {"q": "platform"})) == ["event platform"]


def test_filters_by_status_side_sponsor_and_mine(client, as_cmo, people, portfolio):
    assert names(as_cmo.get(URL, {"status": "on_hold"})) == ["event platform"]
    assert names(as_cmo.get(URL, {"side": "it"})) == ["Consent centre"]
    assert names(as_cmo.get(URL, {"side": "marketing"})) == ["Customer data platform", "event platform"]
    cio = people["cio"].pk
    assert names(as_cmo.get(URL, {"sponsor": cio})) == ["Consent centre", "Customer data platform"]
    # The executive sees everything; "mine" is what she sponsors.
    assert names(as_cmo.get(URL, {"mine": "1"})) == ["Customer data platform", "event platform"]
    assert names(as_cmo.get(URL, {"status": "active", "side": "marketing", "sponsor": cio})) == [
        "Customer data platform"
    ]
    client.force_login(people["nora"])  # IT lead of one project, a role in another
    assert names(client.get(URL, {"mine": "1"})) == ["Consent centre", "event platform"]


def test_the_sponsor_choices_are_the_sponsors_of_visible_projects_and_others_are_refused(client, people, portfolio):
    client.force_login(people["sofia"])  # sees only the events project, sponsored by the CMO
    response = client.get(URL)
    assert list(response.context["filter"].filters["sponsor"].queryset) == [people["cmo"]]
    refused = client.get(URL, {"sponsor": people["cio"].pk})
    assert refused.context["filter"].form.errors["sponsor"] and names(refused) == []
    assert 'aria-describedby="id_sponsor_error"' in refused.content.decode()


def test_every_column_sorts_both_ways_with_empty_values_last(as_cmo, portfolio):
    def order(sort):
        return names(as_cmo.get(URL, {"sort": sort}))

    cdp, consent, events = "Customer data platform", "Consent centre", "event platform"
    assert order("name") == [consent, cdp, events]  # case does not matter
    assert order("-name") == [events, cdp, consent]
    assert order("status") == [consent, cdp, events] and order("-status") == [events, consent, cdp]
    assert order("owner") == [consent, cdp, events] and order("-owner")[0] == events  # Patel, Patel, Reyes
    assert order("it_lead") == [consent, cdp, events]  # as shown: Nora Quinn, Theo Lindqvist, none
    assert order("-it_lead") == [cdp, consent, events]  # none stays last
    assert order("sponsor") == [cdp, events, consent]  # Claire (+ Ian), Claire, none (+ Ian)
    assert order("side") == [cdp, events, consent] and order("-side") == [consent, cdp, events]
    assert order("target") == [consent, cdp, events] and order("-target") == [cdp, consent, events]
    assert order("-unowned") == [cdp, events, consent] and order("unowned") == [consent, cdp, events]
    assert order("nonsense") == order("") == order("name")


def test_the_column_heads_link_to_their_sort_keeping_the_filters(as_cmo, portfolio):
    response = as_cmo.get(URL, {"status": "active", "sort": "target", "page": "1"})
    columns = response.context["columns"]
    assert columns["target"]["aria_sort"] == "ascending"
    assert columns["target"]["query"] == "status=active&sort=-target"  # the other direction, no page
    assert columns["name"]["query"] == "status=active&sort=name" and columns["name"]["aria_sort"] is None
    assert columns["unowned"]["query"] == "status=active&sort=-unowned"  # most unowned first, first
    page = response.content.decode()
    assert 'aria-sort="ascending"' in page and 'href="?status=active&amp;sort=-target"' in page
    assert '<option value="target" selected>Target launch, soonest first</option>' in page


def test_nothing_is_remembered_outside_the_url(as_cmo, portfolio):
    assert names(as_cmo.get(URL, {"status": "on_hold", "sort": "-name", "mine": "1"})) == ["event platform"]
    assert names(as_cmo.get(URL)) == ["Consent centre", "Customer data platform", "event platform"]


def test_a_filtered_empty_list_offers_to_clear_and_the_htmx_request_gets_the_table(as_cmo, portfolio):
    empty = as_cmo.get(URL, {"side": "it", "status": "done"}).content.decode()
    assert "No project matches this search." in empty and "Clear the filter" in empty
    table = as_cmo.get(URL, {"q": "consent"}, headers={"HX-Request": "true"}).content.decode()
    assert "Consent centre" in table and "<html" not in table and 'data-label="Budget owner"' in table


@pytest.mark.parametrize("count", [3, 30])
def test_queries_do_not_grow_with_the_projects(client, count, people, django_assert_num_queries):
    viewer = people["theo"]
    for i in range(count):
        project = ProjectFactory.create(name=f"P{i}", it_lead=viewer, marketing_sponsor=people["cmo"])
        assign(project.steps.get(number=1), people["nora"], Role.INFORMED)
    client.force_login(viewer)
    params = {"q": "p", "status": "active", "side": "marketing", "sponsor": people["cmo"].pk, "mine": "1"}
    # session, user, the sponsor chosen, the count, the page of projects, the sponsor choices
    with django_assert_num_queries(6):
        response = client.get(URL, {**params, "sort": "-unowned"})
    assert response.context["page"].paginator.count == count


# --- In a real browser --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_filters_update_the_table_and_the_address_in_place(page, browser_login, people, portfolio):
    browser_login(people["cmo"])
    page.goto(URL)
    page.get_by_label("Search").fill("quinn")
    expect(page.locator("#project-table tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"\?q=quinn"))
    page.get_by_label("Sponsor").select_option(label="Claire Moreau")
    expect(page.locator("#project-table tbody tr")).to_have_count(1)
    expect(page.locator("#project-table")).to_contain_text("event platform")
    page.get_by_label("Only my projects").check()
    expect(page).to_have_url(re.compile(rf"sponsor={people['cmo'].pk}.*mine=1"))
    page.reload()  # the address alone brings the same list back
    expect(page.locator("#project-table tbody tr")).to_have_count(1)
    expect(page.get_by_label("Only my projects")).to_be_checked()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_column_head_sorts_and_a_phone_sorts_from_the_form(page, browser_login, people, portfolio):
    browser_login(people["cmo"])
    page.goto(URL)
    page.get_by_role("link", name="Target launch").click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Target launch")
    expect(page.locator("#project-table tbody tr").first).to_contain_text("Consent centre")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#project-table thead")).to_be_hidden()  # rows are cards on a phone
    page.get_by_label("Sort by").select_option("-target")
    expect(page.locator("#project-table tbody tr").first).to_contain_text("Customer data platform")
    expect(page.locator("#project-table tbody tr").first.locator("[data-label='Target launch']")).to_be_visible()
