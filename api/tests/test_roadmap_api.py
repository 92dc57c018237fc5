"""The roadmap through the API: its items (filtered, paginated, flat queries), the shared vision
(read by all, written by executives with its version: stale is 409), a project's mark."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import Scope
from api.tests.conftest import client_for
from conftest import ProjectFactory, UserFactory
from governance.models import Department
from roadmap.models import RoadmapMark, Vision
from roadmap.services import mark_set

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/roadmap/items/"
VISION = "/api/v1/roadmap/vision/"


@pytest.fixture
def executive():
    return UserFactory(department=Department.IT, is_executive=True)


def test_items_by_launch_then_unscheduled_and_only_visible(executive):
    later = ProjectFactory.create(name="Later", target_launch=date(2031, 5, 1))
    sooner = ProjectFactory.create(name="Sooner", target_launch=date(2030, 1, 1))
    api = client_for(executive)
    slugs = [row["slug"] for row in api.get(ITEMS).json()["results"]]
    assert slugs.index(sooner.slug) < slugs.index(later.slug)
    row = next(r for r in api.get(ITEMS).json()["results"] if r["slug"] == sooner.slug)
    assert row["quarter"] == "2030-Q1" and row["launch_source"] == "target launch"
    outsider = client_for(UserFactory(department=Department.MARKETING))
    assert outsider.get(ITEMS).json()["count"] == 0


def test_items_filters(executive):
    quick = ProjectFactory.create(name="Quick")
    ProjectFactory.create(name="Slow")
    mark_set(actor=executive, project=quick, kind="quick_win")
    api = client_for(executive)
    assert [r["slug"] for r in api.get(ITEMS, {"mark": "quick_win"}).json()["results"]] == [quick.slug]
    refused = api.get(ITEMS, {"mark": "urgent"})
    assert refused.status_code == 400 and "mark" in refused.json()["errors"]


def test_vision_read_by_all_written_with_its_version(executive):
    reader = client_for(UserFactory(department=Department.MARKETING))
    assert reader.get(VISION, {"year": 2030}).json()["version"] == 0
    api = client_for(executive)
    written = api.put(f"{VISION}?year=2030", {"text": "One customer view.", "version": 0}, format="json")
    assert written.status_code == 200 and written.json()["version"] == 1
    assert reader.get(VISION, {"year": 2030}).json()["text"] == "One customer view."
    stale = api.put(f"{VISION}?year=2030", {"text": "Other words.", "version": 0}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == 1
    empty = api.put(f"{VISION}?year=2030", {"text": " ", "version": 1}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["errors"]
    assert Vision.objects.get(year=2030).text == "One customer view."
    assert api.get(VISION, {"year": 1900}).status_code == 400


def test_vision_refused_to_others_and_read_only_tokens(executive):
    body = {"text": "Mine.", "version": 0}
    assert client_for(UserFactory(department=Department.MARKETING)).put(VISION, body, format="json").status_code == 403
    assert client_for(executive, Scope.READ).put(VISION, body, format="json").status_code == 403
    assert not Vision.objects.exists()


def test_mark_set_by_a_manager_only():
    project = ProjectFactory.create()
    url = f"/api/v1/projects/{project.slug}/roadmap-mark/"
    owner = client_for(project.owner)
    assert owner.put(url, {"kind": "quick_win"}, format="json").json() == {"slug": project.slug, "mark": "quick_win"}
    assert owner.put(url, {"kind": "urgent"}, format="json").status_code == 400
    assert owner.put(url, {"kind": ""}, format="json").json()["mark"] == ""
    outsider = client_for(UserFactory(department=Department.MARKETING))
    assert outsider.put(url, {"kind": "strategic"}, format="json").status_code == 404
    assert client_for(project.owner, Scope.READ).put(url, {"kind": "strategic"}, format="json").status_code == 403
    assert not RoadmapMark.objects.exists()


def _count(api, rows):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(ITEMS, {"page_size": 100})
    assert response.json()["count"] == rows
    return len(captured)


def test_items_queries_are_flat(executive):
    api = client_for(executive)
    for _ in range(3):
        ProjectFactory.create()
    api.get(ITEMS)  # the token's first use writes last_used_at
    few = _count(api, 3)
    for _ in range(27):
        ProjectFactory.create()
    many = _count(api, 30)
    print(f"{ITEMS}: {few} queries at 3 rows, {many} at 30")
    assert few == many
