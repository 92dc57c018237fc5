"""Keep a closed round's disclosed figures frozen when answers, invitations or
rounds change outside the services (``alignment.summaries`` explains why).

Before an invitation or an answer of a closed round is deleted or saved,
directly or by cascade (deleting a user deletes their invitations and answers,
and ``pre_delete`` is sent for every cascaded row), the round's figures are
stored as they are, if they were not already: what the round discloses stays
what it disclosed at its close. An administrator closing an open round by
saving a closing time in the past stores its summary. Deletions of whole rounds
or projects are skipped: their summaries go with them.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from alignment import summaries
from alignment.models import AlignmentRound, RoundAnswer, RoundDimension, RoundInvitation
from projects import figures
from projects.models import Project


def _whole_round_goes(origin) -> bool:
    """Whether the deletion started at a round or a project (its summary goes too)."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model in (AlignmentRound, Project)


def answer_changing(sender, instance: RoundAnswer, origin=None, raw=False, **kwargs) -> None:
    if raw or (origin is not None and _whole_round_goes(origin)):
        return
    round_id = RoundDimension.objects.filter(pk=instance.dimension_id).values_list("round_id", flat=True).first()
    if round_id is not None:
        summaries.store([round_id])


def invitation_changing(sender, instance: RoundInvitation, origin=None, raw=False, **kwargs) -> None:
    if raw or (origin is not None and _whole_round_goes(origin)):
        return
    if instance.round_id is not None:
        summaries.store([instance.round_id])


def round_saved(sender, instance: AlignmentRound, created=False, raw=False, **kwargs) -> None:
    if raw or created:
        return
    if instance.is_open:
        summaries.clear(instance.pk)
    else:
        summaries.store([instance.pk])


def round_deleted(sender, instance: AlignmentRound, origin=None, **kwargs) -> None:
    """A project round deleted, not in its project's deletion (the figures go with that)."""
    goes_with_project = (
        origin is not None and (origin.model if isinstance(origin, QuerySet) else type(origin)) is Project
    )
    if instance.project_id is not None and not goes_with_project:
        figures.refresh([instance.project_id])


def connect() -> None:
    """Called once, from ``AlignmentConfig.ready``."""
    for signal in (pre_delete, pre_save):
        signal.connect(answer_changing, sender=RoundAnswer, dispatch_uid="alignment-summary-answer")
        signal.connect(invitation_changing, sender=RoundInvitation, dispatch_uid="alignment-summary-invitation")
    post_save.connect(round_saved, sender=AlignmentRound, dispatch_uid="alignment-summary-round")
    post_delete.connect(round_deleted, sender=AlignmentRound, dispatch_uid="alignment-figures-round-deleted")
