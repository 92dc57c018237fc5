"""The duties of the RACI letters, the writes: accept or decline accountability, answer
or waive a consultation (docs/raci-duties.md; the reads and receivers are in ``raci.duties``).

Each service asks ``projects.access`` first and writes nothing when refused; the
step row is locked, so an answer is checked against the matrix as committed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import User
from projects import access, signals
from projects.models import LifecycleStep, StepStatus
from raci import duties, services
from raci.models import (
    Acknowledgement,
    AcknowledgementState,
    Consultation,
    ConsultationAnswer,
    InformKind,
    RaciAssignment,
    Role,
)

MAX_TEXT = 2000


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"Please give {what}.")
    if "\x00" in value:
        raise ValidationError("The text contains a character that cannot be stored (NUL); remove it.")
    if len(value) > MAX_TEXT:
        raise ValidationError(f"Please keep {what} under {MAX_TEXT} characters.")
    return value


def _still_awaiting(acknowledgement: Acknowledgement) -> Acknowledgement:
    """The acknowledgement, locked; refused when it was answered or superseded meanwhile."""
    current = Acknowledgement.objects.select_for_update().get(pk=acknowledgement.pk)
    if current.state == AcknowledgementState.ACCEPTED:
        raise ValidationError("You have already accepted this.")
    if current.state == AcknowledgementState.DECLINED:
        raise ValidationError("You have already declined this.")
    if current.state == AcknowledgementState.SUPERSEDED:
        raise ValidationError("This is out of date: the step's Accountable person has changed since.")
    return current


def acknowledgement_accept(*, actor: User, acknowledgement: Acknowledgement) -> Acknowledgement:
    """Accept being Accountable for the step.

    Who: only the person it asks (``access.can_acknowledge``).
    """
    step = acknowledgement.step
    access.require(
        actor,
        step.project,
        access.can_acknowledge(actor, accountable_id=acknowledgement.user_id),
        "Only the person made Accountable can accept it.",
    )
    with transaction.atomic():
        LifecycleStep.objects.select_for_update().filter(pk=step.pk).first()
        current = _still_awaiting(acknowledgement)
        current.state = AcknowledgementState.ACCEPTED
        current.answered_at = timezone.now()
        current._history_user = actor
        current.save(update_fields=["state", "answered_at"])
        return current


def acknowledgement_decline(*, actor: User, acknowledgement: Acknowledgement, reason: str) -> Acknowledgement:
    """Decline being Accountable, with a reason: the step loses its A (recorded in its
    history with the reason), its managers and Informed people are told in their next digest.
    A done step keeps its Accountable person: refused.

    Who: only the person it asks (``access.can_acknowledge``).
    """
    step = acknowledgement.step
    access.require(
        actor,
        step.project,
        access.can_acknowledge(actor, accountable_id=acknowledgement.user_id),
        "Only the person made Accountable can decline it.",
    )
    reason = _text(reason, "a reason for declining")
    with transaction.atomic():
        step = LifecycleStep.objects.select_for_update().select_related("project").get(pk=step.pk)
        current = _still_awaiting(acknowledgement)
        if step.status == StepStatus.DONE:
            raise ValidationError(f"Step {step.number}, {step.name}, is done: it keeps its Accountable person.")
        current.state = AcknowledgementState.DECLINED
        current.answered_at = timezone.now()
        current.reason = reason
        current._history_user = actor
        current.save(update_fields=["state", "answered_at", "reason"])
        for assignment in RaciAssignment.objects.filter(step=step, user=actor, role=Role.ACCOUNTABLE):
            assignment._history_user = actor
            assignment._change_reason = f"Declined: {reason}"[:100]
            assignment.delete()
        signals.accountable_changed.send(
            sender=LifecycleStep, step=step, old_user_id=actor.pk, new_user_id=None, actor=actor
        )
        project = step.project
        managers = sorted({p.pk for p in project.key_people if p.is_active and p.pk != actor.pk})
        text = f"{duties._step_label(step)}: {actor.display_name} declined to be Accountable: “{reason[:300]}”."
        duties.inform(step, managers, InformKind.DECLINED, text)
        if step.status == StepStatus.IN_PROGRESS:
            transaction.on_commit(lambda: services._accountable_removed(project, [step.pk]))
        return current


def _consultable(step: LifecycleStep) -> LifecycleStep:
    step = LifecycleStep.objects.select_for_update().select_related("project").get(pk=step.pk)
    if step.status == StepStatus.DONE:
        raise ValidationError(f"Step {step.number}, {step.name}, is done: its consultations are closed.")
    return step


def consultation_answer(*, actor: User, step: LifecycleStep, answer: str, comment: str = "") -> Consultation:
    """Answer the step's consultation: agree, or concerns (a comment is required). A later
    answer replaces an earlier one while the step is not done.

    Who: the step's Consulted people, for themselves (``access.can_answer_consultation``).
    """
    consulted_ids = {u.pk for u in duties.consulted(step)}
    access.require(
        actor,
        step.project,
        access.can_answer_consultation(actor, consulted_ids=consulted_ids),
        "Only the people Consulted on this step answer its consultation.",
    )
    if answer not in (ConsultationAnswer.AGREE, ConsultationAnswer.CONCERNS):
        raise ValidationError("Choose “agree” or “concerns”.")
    comment = _text(comment, "your concerns") if answer == ConsultationAnswer.CONCERNS else (comment or "").strip()
    if "\x00" in comment or len(comment) > MAX_TEXT:
        raise ValidationError(f"Please keep the comment under {MAX_TEXT} characters, without NUL characters.")
    with transaction.atomic():
        step = _consultable(step)
        consultation = Consultation.objects.select_for_update().filter(step=step, user=actor).first()
        if consultation is None:
            consultation = Consultation(step=step, user=actor)
        consultation.answer = answer
        consultation.comment = comment
        consultation.answered_by = actor
        consultation.answered_at = timezone.now()
        consultation._history_user = actor
        consultation.save()
        return consultation


def consultation_waive(*, actor: User, step: LifecycleStep, person: User, reason: str) -> Consultation:
    """Go ahead without ``person``'s answer, with a written reason (recorded as their consultation).

    Who: the step's Accountable person (``access.can_waive_consultation``).
    """
    access.require(
        actor,
        step.project,
        access.can_waive_consultation(actor, accountable_id=duties.accountable_id(step)),
        "Only the step's Accountable person waives a consultation.",
    )
    reason = _text(reason, "a reason for going ahead without this answer")
    with transaction.atomic():
        step = _consultable(step)
        if person.pk not in {u.pk for u in duties.consulted(step)}:
            raise ValidationError(f"{person.display_name} is not Consulted on this step.")
        consultation = Consultation.objects.select_for_update().filter(step=step, user=person).first()
        if consultation is not None:
            raise ValidationError(f"{person.display_name} has already answered; there is nothing to waive.")
        consultation = Consultation(
            step=step,
            user=person,
            answer=ConsultationAnswer.WAIVED,
            comment=reason,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        consultation._history_user = actor
        consultation.save()
        return consultation
