"""Keep stored round summaries true when answers, invitations or rounds change
outside the services (``alignment.summaries`` explains the summaries).

Deleting an invitation or an answer, directly or by cascade (deleting a user
deletes their invitations and answers, and ``post_delete`` is sent for every
cascaded row), recomputes the round's stored summary in the same transaction.
An administrator moving a round's closing time stores its summary (closed) or
forgets it (open again). Deletions of whole rounds or projects are skipped:
their summaries go with them.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from alignment import summaries
from alignment.models import AlignmentRound, RoundAnswer, RoundDimension, RoundInvitation
from projects.models import Project


def _whole_round_goes(origin) -> bool:
    """Whether the deletion started at a round or a project (its summary goes too)."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model in (AlignmentRound, Project)


def answer_changed(sender, instance: RoundAnswer, origin=None, raw=False, **kwargs) -> None:
    if raw or (origin is not None and _whole_round_goes(origin)):
        return
    round_id = RoundDimension.objects.filter(pk=instance.dimension_id).values_list("round_id", flat=True).first()
    if round_id is not None:
        summaries.refresh(round_id)


def invitation_changed(sender, instance: RoundInvitation, origin=None, raw=False, **kwargs) -> None:
    if raw or (origin is not None and _whole_round_goes(origin)):
        return
    summaries.refresh(instance.round_id)


def round_saved(sender, instance: AlignmentRound, created=False, raw=False, **kwargs) -> None:
    if raw or created:
        return
    if instance.is_open:
        summaries.clear(instance.pk)
    else:
        summaries.store([instance.pk])


def connect() -> None:
    """Called once, from ``AlignmentConfig.ready``."""
    for signal in (post_delete, post_save):
        signal.connect(answer_changed, sender=RoundAnswer, dispatch_uid="alignment-summary-answer")
        signal.connect(invitation_changed, sender=RoundInvitation, dispatch_uid="alignment-summary-invitation")
    post_save.connect(round_saved, sender=AlignmentRound, dispatch_uid="alignment-summary-round")
