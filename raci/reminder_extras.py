"""Reminders, part 4: what a digest carries besides unowned steps.

* **Inform items** (``raci.models.InformItem``, ``raci.duties``): claimed by the run
  with the same token and the same conditional UPDATE as its reminders, marked
  "send started" and "sent" in the same transaction as them, so an item is never
  sent twice and a dead worker's claim is taken over after the claim timeout.
* **Sections** other apps register (``projects.registry.register_digest``): each
  section's ``context(person)`` is read when the digest is composed;
  ``recipients()`` names people to send a digest to even with no step to remind
  them of.
* A person with inform items or sections but no reminder gets a digest at most
  once per reminder period (``DigestDelivery``, unique per person and period,
  claimed like a reminder).

Only people who are active, have an e-mail address and have not turned reminders
off get a digest.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from governance.models import User
from projects.registry import Shown, digest_sections
from raci.models import DigestDelivery, InformItem, ReminderRun


def _stale(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS)


def _claimable(now: datetime) -> Q:
    """Unsent, not started, and unclaimed or claimed by a run that died."""
    return Q(sent_at=None, send_started_at=None) & (Q(claimed_at=None) | Q(claimed_at__lt=_stale(now)))


def candidates(*, now: datetime) -> list[User]:
    """People with something for a digest: claimable inform items, or a section's recipients."""
    ids = set(InformItem.objects.filter(_claimable(now)).order_by().values_list("recipient_id", flat=True).distinct())
    for section in digest_sections():
        if section.recipients is not None:
            ids.update(section.recipients())
    if not ids:
        return []
    people = User.objects.filter(pk__in=sorted(ids), is_active=True, reminders_enabled=True).exclude(email="")
    return list(people.order_by("pk"))


def claim_deliveries(run: ReminderRun, token: str, period: datetime, people: list[User], now: datetime) -> set[int]:
    """Claim this period's digest for each of ``people``; the ids of those this run owns."""
    if not people:
        return set()
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(recipient=p, period_start=period) for p in people], ignore_conflicts=True
    )
    with transaction.atomic():
        DigestDelivery.objects.filter(
            _claimable(now), period_start=period, recipient_id__in=[p.pk for p in people]
        ).update(claim_token=token, claimed_at=now, run=run)
    return set(DigestDelivery.objects.filter(claim_token=token).values_list("recipient_id", flat=True))


def claim_inform_items(run: ReminderRun, token: str, recipient_ids: list[int], now: datetime) -> dict[int, list]:
    """Claim the inform items of these people; theirs by recipient id, oldest first."""
    if not recipient_ids:
        return {}
    with transaction.atomic():
        InformItem.objects.filter(_claimable(now), recipient_id__in=recipient_ids).update(
            claim_token=token, claimed_at=now, run=run
        )
    owned: dict[int, list] = {}
    for item in (
        InformItem.objects.filter(claim_token=token).select_related("step__project").order_by("created_at", "pk")
    ):
        owned.setdefault(item.recipient_id, []).append(item)
    return owned


def release(token: str, recipient_ids: list[int]) -> None:
    """Give back what this run claimed for these people (their digest had nothing to say)."""
    DigestDelivery.objects.filter(claim_token=token, recipient_id__in=recipient_ids).update(
        claim_token="", claimed_at=None
    )


def sections_for(person: User) -> list[Shown]:
    """The registered digest sections with something for ``person``, in order."""
    shown = []
    for section in digest_sections():
        part = section.context(person)
        if part is not None:
            shown.append(Shown(section.template, part))
    return shown


def new_token() -> str:
    return uuid.uuid4().hex
