"""A person's calendar feed: the secret half of its URL, rotated by "reset link"."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_key() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """One per person who asked for a feed. No row, no feed.

    The URL carries ``<user id>.<key>.<signature>`` (``calendars.tokens``): the key
    alone (a database copy) does not make a URL without the site's secret key, and
    replacing the key (``services.feed_reset``) makes every old URL a 404.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="calendar_feed"
    )
    key = models.CharField(max_length=64, unique=True, default=new_key)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=~models.Q(key=""), name="calendar_feed_key_not_empty")]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
