"""The personal calendar feed: what it lists, for whom, and its secret, revocable link."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from calendars import selectors, services, tokens
from calendars.models import CalendarFeed
from conftest import ProjectFactory, UserFactory, assign
from projects.models import StepStatus
from projects.registry import CalendarEvent, register_calendar
from raci.models import Role


def _feed_url(person) -> str:
    feed = services.feed_reset(actor=person, person=person)
    return selectors.feed_url(feed)


def _path(url: str) -> str:
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL) :]


def _events(client, url) -> list:
    response = client.get(_path(url))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    # Round trip: what icalendar reads back it writes out the same.
    assert Calendar.from_ical(calendar.to_ical()).to_ical() == calendar.to_ical()
    return calendar.walk("VEVENT")


def _due(project, number, person, role, due):
    step = project.steps.get(number=number)
    step.due_date = due
    step.save(update_fields=["due_date"])
    assign(step, person, role)
    return step


@pytest.fixture
def person(db):
    return UserFactory(username="dana", first_name="Dana", last_name="Due")


def test_feed_lists_my_accountable_and_responsible_steps_with_their_fields(client, person, owner):
    project = ProjectFactory.create(owner=owner, name="Loyalty app")
    step_a = _due(project, 2, person, Role.ACCOUNTABLE, date(2027, 3, 4))
    step_r = _due(project, 3, person, Role.RESPONSIBLE, date(2027, 3, 9))
    _due(project, 4, person, Role.CONSULTED, date(2027, 3, 10))  # consulted: not on the calendar
    assign(project.steps.get(number=5), person, Role.ACCOUNTABLE)  # no due date: not on the calendar
    done = _due(project, 6, person, Role.ACCOUNTABLE, date(2027, 3, 1))
    done.status = StepStatus.DONE
    done.started_at = done.completed_at = timezone.now()
    done.save(update_fields=["status", "started_at", "completed_at"])

    events = _events(client, _feed_url(person))

    by_uid = {str(event["UID"]): event for event in events}
    assert set(by_uid) >= {f"step-{step_a.pk}@tandem", f"step-{step_r.pk}@tandem"}
    assert f"step-{done.pk}@tandem" not in by_uid
    assert len([uid for uid in by_uid if uid.startswith("step-")]) == 2
    event = by_uid[f"step-{step_a.pk}@tandem"]
    assert event.decoded("DTSTART") == date(2027, 3, 4)  # all day
    assert event.decoded("DTEND") == date(2027, 3, 5)
    assert "Loyalty app" in str(event["SUMMARY"]) and step_a.name in str(event["SUMMARY"])
    assert str(event["URL"]) == f"{settings.SITE_URL}/projects/{project.slug}/#step-2"
    assert "Accountable" in str(event["DESCRIPTION"])
    assert "Responsible" in str(by_uid[f"step-{step_r.pk}@tandem"]["DESCRIPTION"])
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_feed_shows_only_the_viewers_steps(client, person, owner):
    other = UserFactory()
    project = ProjectFactory.create(owner=owner)
    mine = _due(project, 2, person, Role.ACCOUNTABLE, date(2027, 1, 5))
    theirs = _due(project, 3, other, Role.ACCOUNTABLE, date(2027, 1, 6))

    uids = {str(e["UID"]) for e in _events(client, _feed_url(person))}

    assert f"step-{mine.pk}@tandem" in uids
    assert f"step-{theirs.pk}@tandem" not in uids


def test_uids_are_stable_across_fetches(client, person, owner):
    project = ProjectFactory.create(owner=owner)
    _due(project, 2, person, Role.ACCOUNTABLE, date(2027, 1, 5))
    url = _feed_url(person)
    first = [str(e["UID"]) for e in _events(client, url)]
    assert first == [str(e["UID"]) for e in _events(client, url)]


def test_other_registered_sources_are_in_the_feed_for_their_viewer_only(client, person, owner):
    def meetings(viewer):
        if viewer.pk != person.pk:
            return []
        return [CalendarEvent(uid="meeting-1@tandem", summary="Steering meeting", start=date(2027, 2, 1), url="/x/")]

    register_calendar("zz-test-meetings", meetings)
    try:
        events = {str(e["UID"]): e for e in _events(client, _feed_url(person))}
        assert str(events["meeting-1@tandem"]["URL"]) == settings.SITE_URL + "/x/"
        assert "meeting-1@tandem" not in {str(e["UID"]) for e in _events(client, _feed_url(owner))}
    finally:
        from projects import registry

        registry._calendar_sources.pop("zz-test-meetings", None)


def test_reset_revokes_the_old_link(client, person):
    old = _feed_url(person)
    assert client.get(_path(old)).status_code == 200
    new = _feed_url(person)  # "reset link"
    assert new != old
    assert client.get(_path(old)).status_code == 404
    assert client.get(_path(new)).status_code == 200


def test_stopped_link_forged_token_and_inactive_person_are_404(client, person):
    url = _feed_url(person)
    feed = CalendarFeed.objects.get(user=person)
    forged = reverse(
        "calendars:feed", kwargs={"token": f"{person.pk}.{feed.key}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
    )
    assert client.get(forged).status_code == 404
    assert client.get(reverse("calendars:feed", kwargs={"token": "nonsense"})).status_code == 404
    # Someone else's key with my id, correctly signed, opens nothing.
    other = UserFactory()
    other_feed = services.feed_reset(actor=other, person=other)
    mixed = reverse("calendars:feed", kwargs={"token": tokens.make(person.pk, other_feed.key)})
    assert client.get(mixed).status_code == 404

    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(_path(url)).status_code == 404
    person.is_active = True
    person.save(update_fields=["is_active"])
    assert client.get(_path(url)).status_code == 200

    assert services.feed_stop(actor=person, person=person) is True
    assert client.get(_path(url)).status_code == 404


def test_only_the_person_or_an_administrator_changes_a_link(person, admin_user):
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.feed_reset(actor=other, person=person)
    with pytest.raises(PermissionDenied):
        services.feed_stop(actor=other, person=person)
    assert not CalendarFeed.objects.filter(user=person).exists()
    services.feed_reset(actor=admin_user, person=person)  # a leaked link, reset for them
    assert services.feed_stop(actor=admin_user, person=person) is True


def _feed_queries(client, person, owner, steps: int) -> int:
    for index in range(steps):
        project = ProjectFactory.create(owner=owner, name=f"Q{steps}-{index}")
        _due(project, 1 + index % 10, person, Role.ACCOUNTABLE, date(2027, 1, 1) + timedelta(days=index))
    url = _feed_url(person)
    with CaptureQueriesContext(connection) as queries:
        events = _events(client, url)
    assert len([e for e in events if str(e["UID"]).startswith("step-")]) == steps
    return len(queries)


def test_feed_query_count_is_flat_at_3_and_30_steps(client, owner):
    three = _feed_queries(client, UserFactory(), owner, 3)
    thirty = _feed_queries(client, UserFactory(), owner, 30)
    assert three == thirty
    print(f"calendar feed queries: {three} at 3 steps, {thirty} at 30 steps")


def test_preferences_shows_make_link_then_the_url_and_buttons(client, person):
    client.force_login(person)
    page = client.get(reverse("preferences")).content.decode()
    assert "Make my calendar link" in page and 'id="calendar-feed"' in page
    assert not CalendarFeed.objects.filter(user=person).exists()  # a GET makes nothing

    response = client.post(reverse("calendars:link_reset"))
    assert response.status_code == 302 and response["Location"].endswith("/preferences/#calendar-feed")
    url = selectors.feed_url(CalendarFeed.objects.get(user=person))
    page = client.get(reverse("preferences")).content.decode()
    assert url in page and "Reset link" in page and "data-confirm" in page

    client.post(reverse("calendars:link_reset"))
    assert client.get(_path(url)).status_code == 404
    client.post(reverse("calendars:link_stop"))
    assert not CalendarFeed.objects.filter(user=person).exists()
