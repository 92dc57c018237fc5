"""Writes of the calendar feed: make or reset a person's secret link, or stop it."""

from django.db import transaction

from calendars.models import CalendarFeed, new_key
from governance.models import User
from projects.access import is_active_user, is_administrator, require

REFUSAL = "You can only change your own calendar link."


def _may_change(actor: User, person: User) -> bool:
    """A person changes their own link; an administrator may reset or stop anyone's (a leaked link)."""
    return is_active_user(actor) and (actor.pk == person.pk or is_administrator(actor))


def feed_reset(*, actor: User, person: User) -> CalendarFeed:
    """Give ``person`` a calendar feed, or a new secret for it: every URL made before stops working.

    Who: the person themselves, or an administrator.
    """
    require(actor, None, _may_change(actor, person), REFUSAL)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=person)
        if not created:
            feed.key = new_key()
            feed.save(update_fields=["key"])
    return feed


def feed_stop(*, actor: User, person: User) -> bool:
    """Remove ``person``'s calendar feed: its URL answers 404 from now on. True when there was one.

    Who: the person themselves, or an administrator.
    """
    require(actor, None, _may_change(actor, person), REFUSAL)
    deleted, _ = CalendarFeed.objects.filter(user=person).delete()
    return bool(deleted)
