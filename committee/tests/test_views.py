"""The committee's pages: what members and others get, the decision form's errors on
the agenda page, the stale minutes (409, input kept), and queries that do not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committee import services
from committee.models import Decision, ItemKind
from committee.tests.conftest import new_meeting
from conftest import ProjectFactory
from intake.states import State
from intake.tests.factories import reviewed
from inventory.tests.factories import make_tool

pytestmark = pytest.mark.django_db


def test_members_page_shows_both_sides_and_warns(client, cmo, outsider):
    client.force_login(outsider)
    page = client.get(reverse("committee:members")).content.decode()
    assert "Claire Moreau" in page and "Nobody from IT" in page


def test_creating_a_meeting_generates_its_agenda(client, cmo, owner, it_lead):
    ProjectFactory.create(owner=owner, it_lead=it_lead, name="Needs owners")
    client.force_login(cmo)
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("committee:new"),
        {"title": "June committee", "starts_at": starts, "duration_minutes": 60, "call_link": "https://meet.example/x"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "June committee" in page and "Needs owners" in page and "Projects needing attention" in page


def test_a_bad_call_link_is_a_form_error(client, cmo):
    client.force_login(cmo)
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("committee:new"),
        {"title": "x", "starts_at": starts, "duration_minutes": 60, "call_link": "ftp://files.example"},
    )
    assert response.status_code == 200
    assert "must be a web address" in response.content.decode()


def test_an_approval_refused_by_intake_shows_its_errors_on_the_agenda_page(client, cmo, requester, reviewer):
    request = reviewed(requester, reviewer)
    meeting = new_meeting(cmo)
    item = meeting.items.get(kind=ItemKind.INTAKE)
    client.force_login(cmo)
    prefix = f"item-{item.pk}"
    response = client.post(
        reverse("committee:decide", kwargs={"pk": meeting.pk, "item_pk": item.pk}),
        {f"{prefix}-decision": "approve", f"{prefix}-note": "Go ahead"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Name the marketing sponsor." in page and "Go ahead" in page  # intake's words; the note kept
    request.refresh_from_db()
    item.refresh_from_db()
    assert request.state == State.IN_REVIEW and item.decision == ""


def test_deciding_as_a_non_member_is_refused_with_a_message(client, cmo, executive, owner, it_lead):
    ProjectFactory.create(owner=owner, it_lead=it_lead)
    meeting = new_meeting(cmo)
    item = meeting.items.first()
    client.force_login(executive)  # sees the committee, is not on it
    response = client.post(
        reverse("committee:decide", kwargs={"pk": meeting.pk, "item_pk": item.pk}),
        {f"item-{item.pk}-decision": "note", f"item-{item.pk}-note": "x"},
    )
    assert response.status_code == 403
    assert "Only members of the steering committee" in response.content.decode()
    item.refresh_from_db()
    assert item.decision == ""


def test_minutes_of_a_meeting_one_may_not_see_are_404(client, meeting, outsider):
    client.force_login(outsider)
    response = client.post(reverse("committee:minutes", kwargs={"pk": meeting.pk}), {"minutes": "x", "version": 0})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_stale_minutes_answer_409_and_keep_the_input(client, cmo, it_member, meeting):
    opened = meeting.version
    services.minutes_save(actor=cmo, meeting=meeting, minutes="Claire's draft", expected_version=opened)
    client.force_login(it_member)
    response = client.post(
        reverse("committee:minutes", kwargs={"pk": meeting.pk}), {"minutes": "Ines's draft", "version": opened}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Ines&#x27;s draft" in page and "Someone saved this meeting" in page
    assert f'value="{opened + 1}"' in page  # saving again applies against the current version
    meeting.refresh_from_db()
    assert meeting.minutes == "Claire's draft"


def test_the_owner_marks_an_action_done_from_my_work(client, cmo, it_lead, meeting):
    action = services.action_add(
        actor=cmo, meeting=meeting, owner=it_lead, due=timezone.localdate(), description="Call"
    )
    client.force_login(it_lead)
    assert "Call" in client.get(reverse("my_work")).content.decode()
    response = client.post(reverse("committee:action_done", kwargs={"pk": action.pk}), {"done": "1"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_by == it_lead


# --- Queries that do not grow -------------------------------------------------------------------------------


AGENDA_QUERIES = (
    10  # session, user, meeting, attendees, items, their actions, the actions, visible projects, people, ...1
)


def _agenda_with(cmo, requester, reviewer, size):
    for n in range(size):
        reviewed(requester, reviewer, title=f"Request {n}")
        make_tool(f"Tool {n}", renewal_date=timezone.localdate() + timedelta(days=10 + n))
    meeting = new_meeting(cmo)
    for item in list(meeting.items.filter(kind=ItemKind.RENEWAL))[:2]:
        services.item_decide(actor=cmo, item=item, decision=Decision.NOTE, note="Renew.")
        services.action_add(actor=cmo, meeting=meeting, owner=cmo, due=timezone.localdate(), description="x", item=item)
    assert meeting.items.count() == 2 * size
    return meeting


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("size", [3, 30])
def test_agenda_page_queries_do_not_grow(client, cmo, requester, reviewer, size):
    client.force_login(cmo)
    meeting = _agenda_with(cmo, requester, reviewer, size)
    assert _count(client, meeting.get_absolute_url()) == AGENDA_QUERIES


def test_my_work_section_queries_do_not_grow(client, cmo, it_lead, meeting):
    client.force_login(it_lead)
    for n in range(3):
        services.action_add(actor=cmo, meeting=meeting, owner=it_lead, due=timezone.localdate(), description=f"A{n}")
    at_3 = _count(client, reverse("my_work"))
    for n in range(27):
        services.action_add(actor=cmo, meeting=meeting, owner=it_lead, due=timezone.localdate(), description=f"B{n}")
    at_30 = _count(client, reverse("my_work"))
    assert at_3 == at_30
