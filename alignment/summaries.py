"""Stored round summaries (``RoundSummary``): written here, and only here.

Every figure a closed round discloses (``selectors.round_snapshots``: its sums
per side and per dimension, its comments, how many were invited and answered)
is frozen when it closes, so every read (the round page, its export, the
trend, the comparison, the portfolio) shows the same figures for as long as
the round exists. Reads never write them; these writes do:

* ``store`` when a round closes: ``services.round_close``, an administrator
  saving a closing time in the past (``alignment.signals``), and for rounds
  that closed by time passing, the beat task ``alignment.tasks.store_round_summaries``
  and ``manage.py refresh_round_summaries`` (``store_missing``);
* ``store`` again, first thing, when an answer or invitation of a closed round
  is about to be deleted or changed, cascades from deleting a user included
  (``alignment.signals``): the figures frozen are those from before it.

Each of these writes also refreshes the stored portfolio figures of the round's
project (``projects.figures``: its latest summarized round's level and gap), in
the same transaction, as ``alignment.signals`` does when a round is deleted.

A summary once stored for a round's closing time is never recomputed. Deleting
one respondent after the close must not give a second set of figures: the
difference between the two sets would be that person's answers. A summary
stored for another closing time (changed behind the models' back, since a
closed round's closing time cannot change) is stale: ignored by every read
and stored again by ``store_missing``.
"""

from django.db import transaction
from django.db.models import F, Q

from alignment.models import AlignmentRound, RoundInvitation, RoundSummary
from alignment.selectors import round_snapshots
from projects import figures
from projects.models import Project


def _as_json(groups) -> dict:
    return {side: [g.total, g.answers, g.respondents] for side, g in groups.items()}


def _frozen() -> Q:
    """Rounds whose complete summary is stored for their closing time."""
    return Q(summary__closes_at=F("closes_at")) & Q(summary__dimensions__isnull=False)


def store(round_ids) -> int:
    """Freeze the figures of the closed rounds among ``round_ids`` that have no
    complete summary for their closing time; returns how many were stored. Runs
    in one transaction that first locks the rounds' invitations: an answer being
    written under its invitation's lock is either in the sums or refused as late."""
    with transaction.atomic():
        rounds = dict(
            AlignmentRound.objects.closed()
            .filter(pk__in=list(round_ids))
            .exclude(_frozen())
            .values_list("pk", "closes_at")
        )
        if not rounds:
            return 0
        list(RoundInvitation.objects.select_for_update().filter(round_id__in=rounds).order_by("pk").values("pk"))
        snapshots = round_snapshots(rounds)
        RoundSummary.objects.bulk_create(
            [
                RoundSummary(
                    round_id=pk,
                    closes_at=closes_at,
                    groups=_as_json(snapshots[pk].groups),
                    dimensions={str(d): _as_json(groups) for d, groups in snapshots[pk].dimensions.items()},
                    comments={str(d): texts for d, texts in snapshots[pk].comments.items()},
                    invited=snapshots[pk].invited,
                    answered=snapshots[pk].answered,
                )
                for pk, closes_at in rounds.items()
            ],
            update_conflicts=True,
            unique_fields=["round"],
            update_fields=["closes_at", "groups", "dimensions", "comments", "invited", "answered"],
        )
        _refresh_projects(rounds)
    return len(rounds)


def _refresh_projects(round_ids) -> None:
    """The stored portfolio figures of these rounds' projects (``projects.figures``)."""
    figures.refresh(Project.objects.filter(alignment_rounds__pk__in=list(round_ids)))


def stale_round_ids() -> list[int]:
    """Closed rounds with no complete summary stored for their closing time."""
    return list(AlignmentRound.objects.closed().exclude(_frozen()).order_by("pk").values_list("pk", flat=True))


def store_missing(*, batch: int = 200) -> int:
    """Store the summary of every closed round that lacks a valid one, ``batch``
    rounds per transaction; returns how many were stored."""
    ids = stale_round_ids()
    return sum(store(ids[i : i + batch]) for i in range(0, len(ids), batch))


def clear(round_id: int) -> None:
    """Forget the summary of a round that is open (none is valid while it is)."""
    with transaction.atomic():
        deleted, _ = RoundSummary.objects.filter(round_id=round_id).delete()
        if deleted:
            _refresh_projects([round_id])
