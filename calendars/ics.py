"""The feed as an iCalendar (RFC 5545) document, built with the ``icalendar`` package."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from projects.registry import CalendarEvent

PRODID = "-//Tandem//Personal calendar feed//EN"


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _moment(value):
    """A date stays a date (an all-day entry); a datetime is written in UTC."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    return value


def _event(item: CalendarEvent, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("summary", item.summary)
    event.add("dtstart", _moment(item.start))
    end = item.end
    if end is None and isinstance(item.start, date) and not isinstance(item.start, datetime):
        end = item.start + timedelta(days=1)  # an all-day entry ends the next day (DTEND is exclusive)
    if end is not None:
        event.add("dtend", _moment(end))
    if item.url:
        event.add("url", _absolute(item.url))
    description = item.description
    if item.url:
        description = f"{description}\n\n{_absolute(item.url)}".strip()
    if description:
        event.add("description", description)
    if item.location:
        event.add("location", item.location)
    return event


def render(items: list[CalendarEvent], *, name: str, now: datetime | None = None) -> bytes:
    """``items`` as one VCALENDAR; ``now`` is every entry's DTSTAMP (when this copy was made)."""
    stamp = (now or timezone.now()).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Tandem: {name}")
    seen: set[str] = set()
    for item in items:
        if item.uid in seen:  # a UID names one entry; a second source repeating it is dropped
            continue
        seen.add(item.uid)
        calendar.add_component(_event(item, stamp))
    return calendar.to_ical()
