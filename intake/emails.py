"""The e-mail a requester gets when their request changes state.

Sent after the change commits (``transaction.on_commit`` in ``intake.services``),
by Django's mail, in text and HTML (``templates/intake/email/state_changed.*``),
with an absolute link to the request built from ``settings.SITE_URL``
(``TANDEM_SITE_URL``). The change is already saved when the e-mail is composed:
a mail server that is down is logged and never undoes it.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from intake.models import RequestEvent
from intake.states import State

logger = logging.getLogger(__name__)

SUBJECTS = {
    State.IN_REVIEW: "Your request “{title}” is in review",
    State.NEEDS_INFORMATION: "Your request “{title}” needs more information",
    State.APPROVED: "Your request “{title}” is approved",
    State.REJECTED: "Your request “{title}” is rejected",
    State.WITHDRAWN: "Your request “{title}” was withdrawn",
    State.DUPLICATE: "Your request “{title}” is a duplicate",
}


def state_changed_message(event: RequestEvent) -> EmailMultiAlternatives | None:
    """The requester's e-mail for ``event``, or None when they cannot receive one."""
    request = event.request
    requester = request.requester
    if not requester.is_active or not requester.email:
        return None
    context = {
        "event": event,
        "request": request,
        "requester": requester,
        "state": State(event.to_state).label,
        "request_url": settings.SITE_URL + request.get_absolute_url(),
        "project_url": settings.SITE_URL + request.project.get_absolute_url() if request.project_id else "",
        "original_url": settings.SITE_URL + request.duplicate_of.get_absolute_url() if request.duplicate_of_id else "",
        "site_url": settings.SITE_URL,
    }
    subject = "Tandem: " + SUBJECTS.get(event.to_state, "Your request “{title}” changed").format(title=request.title)
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=render_to_string("intake/email/state_changed.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[requester.email],
    )
    message.attach_alternative(render_to_string("intake/email/state_changed.html", context), "text/html")
    return message


def notify_requester(event_id: int) -> bool:
    """Tell the requester about the change ``event_id``; False when nothing was sent."""
    event = (
        RequestEvent.objects.select_related("actor", "request__requester", "request__project", "request__duplicate_of")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return False
    message = state_changed_message(event)
    if message is None:
        return False
    try:
        message.send()
    except Exception:  # the change is saved; a mail server that is down must not turn it into an error page
        logger.exception("Could not e-mail %s about intake request %s", event.request.requester, event.request_id)
        return False
    return True
