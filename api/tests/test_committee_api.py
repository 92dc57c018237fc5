"""The committee through the API: meetings (paginated, flat queries), one meeting with its
agenda and actions, an action given and marked done, an item decided; who may do which."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import Scope
from api.tests.conftest import client_for
from committee import services
from committee.models import Action
from conftest import UserFactory
from governance.models import Department

pytestmark = pytest.mark.django_db
MEETINGS = "/api/v1/committee/meetings/"


@pytest.fixture
def member():
    return UserFactory(department=Department.IT, on_steering_group=True)


@pytest.fixture
def executive():
    return UserFactory(department=Department.MARKETING, is_executive=True)


def _meeting(actor, days=7):
    return services.meeting_save(
        actor=actor, title="Steering committee", starts_at=timezone.now() + timedelta(days=days)
    )


def _action(actor, meeting, owner):
    due = timezone.localdate() + timedelta(days=3)
    return services.action_add(actor=actor, meeting=meeting, owner=owner, due=due, description="Call the vendor")


def test_meetings_latest_first_and_hidden_from_outsiders(member, executive):
    older, newer = _meeting(member, days=1), _meeting(member, days=9)
    body = client_for(executive).get(MEETINGS).json()
    assert [m["id"] for m in body["results"]] == [newer.pk, older.pk]
    outsider = client_for(UserFactory(department=Department.MARKETING))
    assert outsider.get(MEETINGS).status_code == 404
    response = outsider.get(f"{MEETINGS}{newer.pk}/")
    assert response.status_code == 404
    assert response.json() == {"errors": {"__all__": ["Not found."]}}


def test_meeting_detail_has_items_and_actions(member):
    meeting = _meeting(member)
    owner = UserFactory(department=Department.MARKETING)
    action = _action(member, meeting, owner)
    body = client_for(member).get(f"{MEETINGS}{meeting.pk}/").json()
    assert body["can_run"] is True
    assert body["actions"][0]["id"] == action.pk
    assert body["actions"][0]["owner"]["id"] == owner.pk
    assert isinstance(body["items"], list)


def test_member_adds_an_action_and_a_broken_rule_is_400(member):
    meeting = _meeting(member)
    owner = UserFactory(department=Department.MARKETING)
    api = client_for(member)
    due = str(timezone.localdate() + timedelta(days=5))
    url = f"{MEETINGS}{meeting.pk}/actions/"
    response = api.post(url, {"owner": owner.pk, "due": due, "description": "Draft the brief"}, format="json")
    assert response.status_code == 201, response.json()
    assert Action.objects.get(pk=response.json()["id"]).owner == owner
    refused = api.post(url, {"owner": owner.pk, "due": due, "description": "  "}, format="json")
    assert refused.status_code == 400
    assert "description" in refused.json()["errors"]


def test_reader_and_read_only_token_may_not_write(member, executive):
    meeting = _meeting(member)
    body = {"owner": member.pk, "due": str(timezone.localdate()), "description": "x"}
    url = f"{MEETINGS}{meeting.pk}/actions/"
    assert client_for(executive).post(url, body, format="json").status_code == 403
    assert client_for(member, Scope.READ).post(url, body, format="json").status_code == 403
    assert not Action.objects.exists()


def test_owner_marks_the_action_done_then_open_again(member):
    owner = UserFactory(department=Department.MARKETING)
    action = _action(member, _meeting(member), owner)
    api = client_for(owner)
    url = f"/api/v1/committee/actions/{action.pk}/done/"
    response = api.post(url, {}, format="json")
    assert response.status_code == 200
    assert response.json()["done_by"]["id"] == owner.pk
    again = api.post(url, {"done": True}, format="json")
    assert again.status_code == 400  # already done
    assert api.post(url, {"done": False}, format="json").json()["done_at"] is None
    stranger = client_for(UserFactory(department=Department.MARKETING))
    assert stranger.post(url, {}, format="json").status_code == 404


def test_member_decides_an_item_once(member):
    meeting = _meeting(member)
    item = meeting.items.create(position=99, kind="renewal", source="tool:x", title="A renewal")
    api = client_for(member)
    url = f"{MEETINGS}{meeting.pk}/items/{item.pk}/decision/"
    empty = api.post(url, {"decision": "note", "note": ""}, format="json")
    assert empty.status_code == 400 and "note" in empty.json()["errors"]
    response = api.post(url, {"decision": "defer", "note": "Next quarter."}, format="json")
    assert response.status_code == 200
    assert response.json()["decision"] == "defer"
    assert api.post(url, {"decision": "note", "note": "Again"}, format="json").status_code == 400
    assert api.post(f"{MEETINGS}{meeting.pk}/items/999999/decision/", {}, format="json").status_code == 404


def _count(api, path, rows):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == rows
    return len(captured)


def test_meetings_list_queries_are_flat(member, executive):
    api = client_for(executive)
    for day in range(3):
        _meeting(member, days=day)
    api.get(MEETINGS)  # the token's first use writes last_used_at
    few = _count(api, MEETINGS, 3)
    for day in range(27):
        _meeting(member, days=10 + day)
    many = _count(api, MEETINGS, 30)
    print(f"{MEETINGS}: {few} queries at 3 rows, {many} at 30")
    assert few == many


def test_meeting_detail_queries_are_flat(member, executive):
    meeting = _meeting(member)
    api = client_for(executive)
    url = f"{MEETINGS}{meeting.pk}/"
    _action(member, meeting, member)
    api.get(url)
    with CaptureQueriesContext(connection) as few:
        api.get(url)
    for _ in range(29):
        _action(member, meeting, UserFactory(department=Department.MARKETING))
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(url).json()["actions"]) == 30
    assert len(few) == len(many)
