"""``{% calendar_feed_section %}``: the "Calendar feed" card of the preferences page.

The preferences page belongs to the organization layer, which may not import this app;
its template loads this tag, which reads the person's feed (one query, and no write:
the link is made by the button, a POST).
"""

from django import template

from calendars import selectors

register = template.Library()


@register.inclusion_tag("calendars/_preferences_feed.html", takes_context=True)
def calendar_feed_section(context):
    request = context["request"]
    feed = selectors.feed_of(request.user)
    return {"feed_url": selectors.feed_url(feed) if feed else "", "csrf_token": context.get("csrf_token")}
