"""The agenda and the minutes by e-mail, to every member and attendee, with the
meeting as a calendar invitation (``.ics``, built with the ``icalendar`` package).

Sent after the change commits (``transaction.on_commit`` in ``committee.services``):
a mail server that is down is logged and never undoes what was saved.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event

from committee.models import Meeting
from committee.selectors import meeting_page, member_queryset

logger = logging.getLogger(__name__)


def invitation(meeting: Meeting, *, method: str = "REQUEST") -> bytes:
    """The meeting as an iCalendar invitation (one VEVENT, stable UID, a SEQUENCE that grows with each change)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Tandem//Steering committee//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"committee-meeting-{meeting.pk}@tandem")
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.version)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    if meeting.location or meeting.call_link:
        event.add("location", meeting.location or meeting.call_link)
    url = settings.SITE_URL + meeting.get_absolute_url()
    event.add("url", url)
    event.add("description", f"Agenda: {url}" + (f"\nCall: {meeting.call_link}" if meeting.call_link else ""))
    calendar.add_component(event)
    return calendar.to_ical()


def recipients(meeting: Meeting) -> list[str]:
    """The e-mail addresses of the members and attendees who are active, once each."""
    people = {person.pk: person for person in member_queryset()}
    people.update({person.pk: person for person in meeting.attendees.filter(is_active=True)})
    return sorted({person.email for person in people.values() if person.email})


def _message(meeting: Meeting, kind: str, subject: str) -> EmailMultiAlternatives | None:
    to = recipients(meeting)
    if not to:
        return None
    reader = meeting.minuted_by or meeting.agenda_generated_by or meeting.created_by
    context = {
        "page": meeting_page(reader, meeting),
        "meeting": meeting,
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=render_to_string(f"committee/email/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"committee/email/{kind}.html", context), "text/html")
    message.attach("meeting.ics", invitation(meeting), "text/calendar; method=REQUEST; charset=utf-8")
    return message


def _send(meeting_id: int, kind: str, subject: str) -> bool:
    meeting = (
        Meeting.objects.select_related("created_by", "minuted_by", "agenda_generated_by").filter(pk=meeting_id).first()
    )
    if meeting is None:
        return False
    message = _message(meeting, kind, subject.format(title=meeting.title, day=f"{meeting.starts_at:%d %b %Y}"))
    if message is None:
        return False
    try:
        message.send()
    except Exception:  # saved already: a mail server that is down must not turn it into an error page
        logger.exception("Could not e-mail the %s of committee meeting %s", kind, meeting_id)
        return False
    return True


def send_agenda(meeting_id: int) -> bool:
    """E-mail the agenda of ``meeting_id``; False when nothing was sent."""
    return _send(meeting_id, "agenda", "Tandem: agenda of “{title}”, {day}")


def send_minutes(meeting_id: int) -> bool:
    """E-mail the minutes of ``meeting_id``; False when nothing was sent."""
    return _send(meeting_id, "minutes", "Tandem: minutes of “{title}”, {day}")
