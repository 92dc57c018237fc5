"""The feed itself (opened by its secret URL, no login) and the buttons on the preferences page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from calendars import ics, selectors, services
from projects.registry import calendar_events


@login_not_required
@require_GET
def feed(request, token: str):
    """The person's iCalendar feed. A calendar app fetches it with no session: the token is the key.
    A forged, reset or stopped link, or a deactivated account, is a 404 like any unknown URL."""
    person = selectors.owner_of(token)
    if person is None:
        raise Http404("No such calendar.")
    body = ics.render(calendar_events(person), name=person.display_name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _back() -> str:
    return reverse("preferences") + "#calendar-feed"


@require_POST
def link_reset(request):
    """Create the person's link, or replace it (the old URL stops working)."""
    had_one = selectors.feed_of(request.user) is not None
    services.feed_reset(actor=request.user, person=request.user)
    if had_one:
        messages.success(request, "New calendar link made. The old link no longer works: subscribe with the new one.")
    else:
        messages.success(request, "Your calendar link is ready. Copy it into your calendar app.")
    return redirect(_back())


@require_POST
def link_stop(request):
    """Stop the person's feed (its URL answers 404 from now on)."""
    if services.feed_stop(actor=request.user, person=request.user):
        messages.success(request, "Calendar link turned off. Calendars subscribed to it stop updating.")
    return redirect(_back())
