"""Alignment self-assessments: the writes.

Rules (who may do what is decided by ``projects.access`` and checked first):
* a round is opened by an executive, an administrator, or, for a project round,
  someone who manages that project (``access.can_open_round``); it is closed
  early by those or by whoever opened it (``access.can_close_round``);
* it invites people from both sides; a project round invites only the
  project's members (answering one is a member's action, ``Action.PARTICIPATE``);
* it copies the active questionnaire, so later edits never change what its
  respondents saw;
* a closed round is final, everywhere (the admin included, ``AlignmentRound.save``):
  its closing date never moves again, no answer is added or changed, and its
  figures are frozen when it closes (``alignment.summaries``); a round that
  needs more time is extended while it is still open (``round_extend``), by
  those who may close it;
* an invitee answers every dimension once (one row per dimension, a database
  constraint) and may change their answers until the round closes
  (``access.can_answer_round``); after it closes, or without an invitation,
  nothing is written.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alignment import summaries
from alignment.models import (
    ALIGNMENT_LEVEL_MAX,
    ALIGNMENT_LEVEL_MIN,
    AlignmentRound,
    Dimension,
    RoundAnswer,
    RoundDimension,
    RoundInvitation,
)
from governance.models import Side, User
from projects import access, signals
from projects.models import Project

# A round closes within two years of opening: a later date is a typing slip, and
# one near the calendar's end overflows once converted to UTC from a zone behind it.
MAX_ROUND_DAYS = 731


def closing_date_errors(closes_on: date) -> list[str]:
    """Why ``closes_on`` cannot close a round ([] when it can)."""
    today = timezone.localdate()
    if closes_on < today:
        return ["The closing date cannot be in the past."]
    if (closes_on - today).days > MAX_ROUND_DAYS:
        return [f"A round closes within {MAX_ROUND_DAYS // 365} years: choose an earlier closing date."]
    return []


def end_of_day(day: date) -> datetime:
    """A round "closing on" a day accepts answers until that day ends (local time)."""
    return timezone.make_aware(datetime.combine(day, time.max))


def round_open(
    *, actor: User, title: str, closes_on: date, invitees: list[User], project: Project | None = None
) -> AlignmentRound:
    """Open a round with a copy of the active questionnaire and invite ``invitees``.

    Who: executives and administrators; for a project round also the project's
    managers (``access.can_open_round``).
    """
    access.require(
        actor,
        project,
        access.can_open_round(actor, project),
        "Only executives, administrators and the project's managers open alignment rounds.",
    )
    errors = closing_date_errors(closes_on)
    sides = {person.side for person in invitees}
    if not ({Side.MARKETING, Side.IT} <= sides):
        errors.append("Invite people from both sides: at least one on the Marketing side and one in IT.")
    if project is not None:
        members = access.member_ids(project)
        strangers = [p.display_name for p in invitees if p.pk not in members]
        if strangers:
            errors.append(f"Only the project's members can answer a project round: {', '.join(strangers)}.")
    if any(not person.is_active for person in invitees):
        errors.append("Only active people can be invited.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dimensions = list(Dimension.objects.filter(is_active=True).prefetch_related("levels"))
        if not dimensions:
            raise ValidationError("The questionnaire has no active dimensions; an administrator must add some.")
        round_ = AlignmentRound.objects.create(
            title=title.strip(), project=project, opened_by=actor, closes_at=end_of_day(closes_on)
        )
        RoundDimension.objects.bulk_create(
            RoundDimension(
                round=round_,
                position=position,
                key=d.key,
                name=d.name,
                question=d.question,
                guidance=d.guidance,
                levels=[lv.description for lv in sorted(d.levels.all(), key=lambda lv: lv.level)],
            )
            for position, d in enumerate(dimensions, start=1)
        )
        RoundInvitation.objects.bulk_create(
            RoundInvitation(round=round_, user=person) for person in {p.pk: p for p in invitees}.values()
        )
    return round_


def round_close(*, actor: User, round_: AlignmentRound) -> AlignmentRound:
    """Close a round now: no more answers, and its results appear.

    Who: whoever opened it, or anyone who may open such a round (``access.can_close_round``).
    """
    access.require(
        actor,
        round_.project,
        access.can_close_round(actor, round_.project, opened_by_id=round_.opened_by_id),
        "Only whoever opened the round, executives, administrators or the project's managers close it.",
    )
    with transaction.atomic():
        now = timezone.now()
        updated = AlignmentRound.objects.filter(pk=round_.pk, closes_at__gt=now).update(closes_at=now)
        if not updated:
            raise ValidationError("This round is already closed.")
        round_.closes_at = now
        # Its sums are final now: stored with the close, so no read has to write them.
        summaries.store([round_.pk])
        signals.round_closed.send(sender=AlignmentRound, round=round_, project=round_.project, actor=actor)
    return round_


def round_extend(*, actor: User, round_: AlignmentRound, closes_on: date) -> AlignmentRound:
    """Give an open round more time: its closing moves to the end of ``closes_on``.

    Refused, writing nothing, once the round has closed (a closed round is
    final: reopening it would let one more answer move figures already shown,
    revealing that answer) or when ``closes_on`` is not later than the current
    closing. The closing time is read under the round's lock: a round closing
    at this moment is either extended first or refused.

    Who: as for closing it (``access.can_close_round``).
    """
    access.require(
        actor,
        round_.project,
        access.can_close_round(actor, round_.project, opened_by_id=round_.opened_by_id),
        "Only whoever opened the round, executives, administrators or the project's managers extend it.",
    )
    errors = closing_date_errors(closes_on)
    if errors:
        raise ValidationError(errors)
    new_closes_at = end_of_day(closes_on)
    with transaction.atomic():
        closes_at = AlignmentRound.objects.select_for_update().filter(pk=round_.pk).values_list("closes_at", flat=True)
        closes_at = closes_at.get()
        if closes_at <= timezone.now():
            raise ValidationError("This round has closed: it is final and can no longer be extended.")
        if new_closes_at <= closes_at:
            raise ValidationError("An extension moves the closing date later than it is.")
        AlignmentRound.objects.filter(pk=round_.pk).update(closes_at=new_closes_at)
    round_.closes_at = new_closes_at
    return round_


@dataclass
class AnswersResult:
    created: int = 0
    changed: int = 0

    @property
    def total(self) -> int:
        return self.created + self.changed


def answers_submit(*, actor: User, round_: AlignmentRound, answers: dict[int, tuple[int, str]]) -> AnswersResult:
    """Record ``actor``'s answers: ``{round dimension id: (level, comment)}``, one per dimension.

    Refused, writing nothing, when the actor was not invited, the round has
    closed, or a dimension is missing or out of the scale. Resubmitting the
    same answers changes nothing; changed answers replace the earlier ones.

    Who: the round's invitees; for a project round only while they are members
    of the project (``access.can_answer_round``).
    """
    invited = RoundInvitation.objects.filter(round=round_, user=actor).exists()
    access.require(
        actor,
        round_.project,
        access.can_answer_round(actor, round_.project, invited=invited),
        "You were not invited to this round, or may no longer answer it, so your answers were not recorded.",
    )
    with transaction.atomic():
        invitation = RoundInvitation.objects.select_for_update().filter(round=round_, user=actor).first()
        if invitation is None:
            raise ValidationError("You were not invited to this round, so your answers were not recorded.")
        # Read the closing time under the lock: a round closed a moment ago refuses.
        closes_at = AlignmentRound.objects.filter(pk=round_.pk).values_list("closes_at", flat=True).get()
        if closes_at <= timezone.now():
            raise ValidationError("This round has closed; answers can no longer be given or changed.")
        dimension_ids = set(RoundDimension.objects.filter(round=round_).values_list("pk", flat=True))
        if set(answers) != dimension_ids:
            raise ValidationError("Answer every dimension of the round, once each.")
        for level, _comment in answers.values():
            if not (ALIGNMENT_LEVEL_MIN <= level <= ALIGNMENT_LEVEL_MAX):
                raise ValidationError(f"Levels go from {ALIGNMENT_LEVEL_MIN} to {ALIGNMENT_LEVEL_MAX}.")

        existing = {a.dimension_id: a for a in invitation.answers.all()}
        result = AnswersResult()
        to_create, to_update = [], []
        for dimension_id, (level, comment) in answers.items():
            comment = comment.strip()
            answer = existing.get(dimension_id)
            if answer is None:
                to_create.append(
                    RoundAnswer(invitation=invitation, dimension_id=dimension_id, level=level, comment=comment)
                )
            elif (answer.level, answer.comment) != (level, comment):
                answer.level, answer.comment = level, comment
                to_update.append(answer)
        RoundAnswer.objects.bulk_create(to_create)
        RoundAnswer.objects.bulk_update(to_update, ["level", "comment"])
        result.created, result.changed = len(to_create), len(to_update)
        if invitation.answered_at is None:
            invitation.answered_at = timezone.now()
            invitation.side = actor.side or ""
            invitation.save(update_fields=["answered_at", "side"])
    return result
