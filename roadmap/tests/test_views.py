"""The roadmap's pages: the timeline with its filters in the query string, bad input (never a
500), the vision form (403, 404, 409 with the input kept), marks, the exports, and query counts
that stay flat from 3 to 30 projects."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from common.tabular import xlsx_rows
from conftest import UserFactory
from governance.models import Department
from roadmap.models import Mark, RoadmapMark, Vision
from roadmap.services import mark_set, vision_save
from roadmap.tests.conftest import START, plan

pytestmark = pytest.mark.django_db
INDEX = reverse("roadmap:index")
VISION = reverse("roadmap:vision")


@pytest.fixture
def portfolio(project_factory, owner):
    launching = project_factory.create(owner=owner, name="Orbit", target_launch=date(2027, 5, 20))
    planned = project_factory.create(owner=owner, name="Harbor")
    plan(planned, 9, date(2027, 8, 15))
    bare = project_factory.create(owner=owner, name="Lonely")
    return launching, planned, bare


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_roadmap_places_projects_by_quarter_with_unscheduled_ones(client, owner, portfolio):
    response = _get(client, owner, INDEX, start=START.code)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="quarter-2027-Q2"' in page and 'data-testid="quarter-2027-Q3"' in page
    assert page.index("Orbit") < page.index("Harbor") < page.index('id="unscheduled"') < page.index("Lonely")
    assert [i.project.name for i in response.context["unplanned"].object_list] == ["Lonely"]


def test_an_outsider_sees_an_empty_roadmap(client, outsider, portfolio):
    response = _get(client, outsider, INDEX, start=START.code)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Orbit" not in page and "Lonely" not in page
    assert all(bucket.count == 0 for bucket in response.context["buckets"])


def test_filters_stay_in_the_query_string(client, owner, portfolio):
    response = _get(client, owner, INDEX, start=START.code, mark="quick_win", status="active")
    assert [i.project.name for _, items in response.context["groups"] for i in items] == []
    assert "mark=quick_win" in response.context["export_query"]
    later = next(b for b in response.context["buckets"] if b.key == "after")
    assert f"start={later.start.code}" in response.content.decode()
    assert "mark=quick_win&amp;status=active&amp;start=2028-Q1" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"status": "nope"}, {"sponsor": "'; drop"}, {"category": "999999"}, {"start": "2027-Q9"}, {"page": "x"}],
)
def test_bad_filter_values_are_reported_and_ignored(client, owner, portfolio, params):
    response = _get(client, owner, INDEX, **params)
    assert response.status_code == 200
    if "page" not in params:
        assert [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert response.context["unplanned"].paginator.count == 1


def test_the_vision_shows_at_the_top_or_invites_executives(client, owner, executive):
    assert "Write the vision for" in _get(client, executive, INDEX).content.decode()
    page = _get(client, owner, INDEX).content.decode()
    assert "have not written the shared vision" in page and "Write the vision for" not in page
    from django.utils import timezone

    vision_save(actor=executive, year=timezone.localdate().year, text="One customer view.", expected_version=0)
    assert "One customer view." in _get(client, owner, INDEX).content.decode()


def test_an_executive_writes_the_vision(client, executive):
    client.force_login(executive)
    assert client.get(VISION, {"year": "2027"}).status_code == 200
    response = client.post(f"{VISION}?year=2027", {"text": "Together.", "version": "0"})
    assert response.status_code == 302
    assert Vision.objects.get(year=2027).text == "Together."


def test_a_stale_vision_is_a_409_with_the_input_kept(client, executive, admin_user):
    vision_save(actor=admin_user, year=2027, text="First.", expected_version=0)
    vision_save(actor=admin_user, year=2027, text="Theirs.", expected_version=1)
    client.force_login(executive)
    response = client.post(f"{VISION}?year=2027", {"text": "My careful words.", "version": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "My careful words." in page and "after you opened it" in page
    assert response.context["form"]["version"].value() == "2"
    assert Vision.objects.get(year=2027).text == "Theirs."


@pytest.mark.parametrize("year", ["1999", "2101", "abc", "-1", "20270", "²⁰²⁷", "٢٠٢٧"])
def test_a_bad_year_is_a_404(client, executive, year):
    client.force_login(executive)
    assert client.get(VISION, {"year": year}).status_code == 404
    assert client.post(f"{VISION}?year={year}", {"text": "x", "version": "0"}).status_code == 404
    assert not Vision.objects.exists()


def test_a_non_executive_may_not_write_the_vision(client, owner):
    client.force_login(owner)
    assert client.get(VISION).status_code == 403
    assert client.post(f"{VISION}?year=2027", {"text": "Mine.", "version": "0"}).status_code == 403
    assert not Vision.objects.exists()


def test_an_empty_vision_shows_the_error_on_the_field(client, executive):
    client.force_login(executive)
    response = client.post(f"{VISION}?year=2027", {"text": "  ", "version": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Vision.objects.exists()


def test_marking_from_the_roadmap(client, owner, member, outsider, project):
    url = reverse("roadmap:mark", args=[project.slug])
    back = f"{INDEX}?mark=strategic"
    client.force_login(owner)
    response = client.post(url, {"kind": "quick_win", "back": back})
    assert response.status_code == 302 and response["Location"] == back
    assert RoadmapMark.objects.get(project=project).kind == Mark.QUICK_WIN
    assert client.post(url, {"kind": "quick_win", "back": "https://evil.example/"})["Location"] == INDEX
    assert client.post(url, {"kind": "nonsense"}).status_code == 302  # told why
    client.force_login(member)
    assert client.post(url, {"kind": "strategic"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"kind": "strategic"}).status_code == 404
    assert RoadmapMark.objects.get(project=project).kind == Mark.QUICK_WIN


def test_csv_and_excel_exports(client, owner, portfolio):
    launching = portfolio[0]
    mark_set(actor=owner, project=launching, kind=Mark.QUICK_WIN)
    response = _get(client, owner, reverse("roadmap:export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Project", "Status", "Quick win or strategic"]
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [
        ("Orbit", "Quick win", "Q2 2027"),
        ("Harbor", "Strategic", "Q3 2027"),
        ("Lonely", "Strategic", "Unscheduled"),
    ]
    sheet = xlsx_rows(_get(client, owner, reverse("roadmap:export", args=["xlsx"]), mark="quick_win").content)
    assert [row[0] for row in sheet] == ["Project", "Orbit"]
    assert sheet[1][5].date() == date(2027, 5, 20)
    assert _get(client, owner, reverse("roadmap:export", args=["pdf"])).status_code == 404


def test_the_ics_lists_launch_dates_of_the_filtered_roadmap(client, owner, outsider, portfolio):
    response = _get(client, owner, reverse("roadmap:launches"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in events] == [
        ("Launch: Orbit", date(2027, 5, 20)),
        ("Launch: Harbor", date(2027, 8, 15)),
    ]
    assert str(events[0]["url"]).startswith("http://testserver/projects/")
    narrowed = _get(client, owner, reverse("roadmap:launches"), mark="quick_win", status="bad")
    assert Calendar.from_ical(narrowed.content).walk("VEVENT") == []
    assert Calendar.from_ical(_get(client, outsider, reverse("roadmap:launches")).content).walk("VEVENT") == []


def _portfolio_of(count: int, project_factory, owner) -> None:
    """``count`` projects, varied: sponsors, a target launch, planned steps, marks, none at all."""
    sponsor = UserFactory(department=Department.IT)
    for n in range(count):
        kind = n % 3
        project = project_factory.create(
            owner=owner,
            name=f"P{n:03}",
            it_sponsor=sponsor if n % 2 else None,
            target_launch=date(2027, 1 + n % 12, 10) if kind == 0 else None,
        )
        if kind == 1:
            plan(project, 9, date(2027, 1 + n % 12, 20))
        if n % 4 == 0:
            mark_set(actor=owner, project=project, kind=Mark.QUICK_WIN)


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INDEX, {"start": START.code})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_roadmap_reads_the_same_number_of_queries_for_3_and_30_projects(client, owner, project_factory):
    _portfolio_of(3, project_factory, owner)
    few = _queries(client, owner)
    _portfolio_of(27, project_factory, owner)
    many = _queries(client, owner)
    print(f"roadmap page queries: 3 projects {few}, 30 projects {many}")
    assert few == many
    assert many <= 16
