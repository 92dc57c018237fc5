"""calendars.ics: entries of any source become valid VEVENTs (check one by importing it)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar

from calendars import ics
from projects.registry import CalendarEvent

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def _read(items):
    calendar = Calendar.from_ical(ics.render(items, name="Dana Due", now=NOW))
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"]) == ics.PRODID
    assert str(calendar["X-WR-CALNAME"]) == "Tandem: Dana Due"
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_meeting_at_a_time_is_written_in_utc_with_its_end_and_place():
    start = datetime(2027, 1, 12, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    meeting = CalendarEvent(uid="meeting-7@tandem", summary="Steering committee", start=start,
                            end=start + timedelta(hours=1), url="/committee/7/", location="Room 4",
                            description="Agenda: three projects.")  # fmt: skip
    event = _read([meeting])["meeting-7@tandem"]
    assert event.decoded("DTSTART") == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 1, 12, 14, 0, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["LOCATION"]) == "Room 4"
    assert str(event["URL"]) == settings.SITE_URL + "/committee/7/"
    assert str(event["DESCRIPTION"]) == f"Agenda: three projects.\n\n{settings.SITE_URL}/committee/7/"


def test_an_all_day_entry_without_end_lasts_its_day_and_a_full_url_is_kept():
    launch = CalendarEvent(uid="launch-3@tandem", summary="Launch", start=date(2027, 5, 1), url="https://x.test/a")
    event = _read([launch])["launch-3@tandem"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2027, 5, 1), date(2027, 5, 2))
    assert str(event["URL"]) == "https://x.test/a"


def test_a_uid_is_listed_once_and_text_is_escaped():
    items = [
        CalendarEvent(uid="dup@tandem", summary="First; with, commas\nand a line", start=date(2027, 1, 1)),
        CalendarEvent(uid="dup@tandem", summary="Second", start=date(2027, 1, 2)),
    ]
    events = _read(items)
    assert list(events) == ["dup@tandem"]
    assert str(events["dup@tandem"]["SUMMARY"]) == "First; with, commas\nand a line"


def test_an_empty_feed_is_still_a_calendar():
    assert _read([]) == {}
