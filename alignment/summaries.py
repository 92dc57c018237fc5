"""Stored round summaries (``RoundSummary``): written here, and only here.

A closed round's answers summed per side (``selectors.round_sums``: the very
sums its page discloses) are stored so the portfolio reads one row per round.
Reads never write them; these writes keep them true:

* ``store`` when a round closes: ``services.round_close``, an administrator
  saving a closing time in the past (``alignment.signals``), and for rounds
  that closed by time passing, the beat task ``alignment.tasks.store_round_summaries``
  and ``manage.py refresh_round_summaries`` (``store_missing``);
* ``refresh`` in the same transaction as a deleted or changed answer or
  invitation, cascades from deleting a user included (``alignment.signals``):
  a stored summary never disagrees with the round's own page;
* a summary stored for another closing time (the round was reopened or its
  date moved) is ignored by every read until stored again.
"""

from django.db import transaction
from django.db.models import F, Q

from alignment.models import AlignmentRound, RoundInvitation, RoundSummary
from alignment.selectors import round_sums


def _as_json(groups) -> dict:
    return {side: [g.total, g.answers, g.respondents] for side, g in groups.items()}


def store(round_ids) -> int:
    """Store the summaries of the closed rounds among ``round_ids`` (their current
    closing time and sums); returns how many were stored. Runs in one transaction
    that first locks the rounds' invitations: an answer being written under its
    invitation's lock is either in the sums or refused as late."""
    with transaction.atomic():
        rounds = dict(AlignmentRound.objects.closed().filter(pk__in=list(round_ids)).values_list("pk", "closes_at"))
        if not rounds:
            return 0
        list(RoundInvitation.objects.select_for_update().filter(round_id__in=rounds).order_by("pk").values("pk"))
        sums = round_sums(rounds)
        RoundSummary.objects.bulk_create(
            [RoundSummary(round_id=pk, closes_at=closes_at, groups=_as_json(sums.get(pk, {})))
             for pk, closes_at in rounds.items()],
            update_conflicts=True, unique_fields=["round"], update_fields=["closes_at", "groups"],
        )  # fmt: skip
    return len(rounds)


def refresh(round_id: int) -> None:
    """Recompute the stored summary of round ``round_id``, if it has one, from its
    answers as they are now (in the caller's transaction). Never creates a summary,
    so a round being deleted with its answers cannot gain one."""
    if not RoundSummary.objects.filter(round_id=round_id).exists():
        return
    groups = round_sums([round_id]).get(round_id, {})
    RoundSummary.objects.filter(round_id=round_id).update(groups=_as_json(groups))


def stale_round_ids() -> list[int]:
    """Closed rounds with no summary, or one stored for another closing time."""
    return list(
        AlignmentRound.objects.closed()
        .filter(Q(summary__isnull=True) | ~Q(summary__closes_at=F("closes_at")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def store_missing(*, batch: int = 200) -> int:
    """Store the summary of every closed round that lacks a valid one, ``batch``
    rounds per transaction; returns how many were stored."""
    ids = stale_round_ids()
    return sum(store(ids[i : i + batch]) for i in range(0, len(ids), batch))


def clear(round_id: int) -> None:
    """Forget the summary of a round that is open again."""
    RoundSummary.objects.filter(round_id=round_id).delete()
