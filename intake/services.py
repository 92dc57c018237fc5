"""Intake writes: submitting, editing, moving, reviewing, waiving and approving requests.

Rules (who may do what is decided by ``projects.access`` and checked first;
the moves between states by ``intake.states``):
* anyone active submits a request; its requester edits it while it is
  submitted or needs information (an edit of a request needing information
  sends it back for review), and may withdraw it while it is open;
* IT (and administrators) record the IT review, never of their own request:
  a security and privacy review when the request touches personal data
  (required for approval, never waived), otherwise an integration and overlap
  review, which an approver may waive with a written reason. A review that
  recommends rejecting blocks approval; recording a review again supersedes
  the earlier one, which is kept;
* approvers (executives, the steering group, administrators; never for their
  own request) approve or reject a request in review. Approval creates the
  project with its ten steps and the RACI matrix from the responsibility
  framework, in the same transaction: all of it, or nothing;
* every change of state is a timeline event (who, when, why) and, once
  committed, an e-mail to the requester (``intake.emails``), unless they made
  the change themselves;
* a request carries a version: a page sends back the version it showed, and a
  write on a request changed since is refused (``StaleRequest``), writing nothing.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import Side, User
from intake import emails, selectors
from intake.models import (
    KIND_SEPARATOR,
    IntakeRequest,
    ITReview,
    Outcome,
    PersonalData,
    RequestEvent,
    Result,
    ReviewAnswer,
    ReviewKind,
    Urgency,
)
from intake.states import FINAL_STATES, MOVES, TRANSITION_STATES, State, find_move, refusal
from inventory.models import Tool, ToolCategory, ToolStatus
from projects import access, signals
from projects.models import Project
from projects.services import project_create, validate_people
from raci.framework_services import framework_apply

MAX_TEXT = 10_000
EDITABLE_FIELDS = (
    "title",
    "problem",
    "desired_outcome",
    "budget_side",
    "yearly_cost",
    "category",
    "replaces",
    "replaces_other",
    "touches_personal_data",
    "personal_data_kinds",
    "integrations",
    "urgency",
)
REQUIRED_TEXT = {
    "title": "Give the request a short title.",
    "problem": "Describe the problem: what is wrong today?",
    "desired_outcome": "Describe the outcome you want: what will be better?",
}
MAX_LENGTHS = {"title": 200, "replaces_other": 300}
MAX_COST = Decimal("9999999999.99")


class StaleRequest(ValidationError):
    """Refused: the request changed after the page was opened; ``version`` is the version now."""

    def __init__(self, version: int):
        self.version = version
        super().__init__(
            "Someone changed this request after you opened the page; nothing was saved. "
            "Read it again and repeat your change if it still applies."
        )


# --- Checks shared by the services --------------------------------------------------------------


def _visible(actor: User, request: IntakeRequest) -> bool:
    project = Project.objects.filter(pk=request.project_id).first() if request.project_id else None
    return access.can_see_intake_request(actor, requester_id=request.requester_id, project=project)


def _locked(request: IntakeRequest, expected_version: int | None) -> IntakeRequest:
    """The request re-read under its row lock; ``StaleRequest`` if it changed since ``expected_version``."""
    locked = IntakeRequest.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleRequest(locked.version)
    return locked


def _own_request_refusal(actor: User, request: IntakeRequest, refusal_text: str) -> str:
    if actor.pk == request.requester_id:
        return "You asked for this, so someone else decides on it: another reviewer or approver must do this."
    return refusal_text


def _text_errors(values: dict) -> dict[str, str]:
    errors = {}
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            errors[name] = "This text contains a character that cannot be stored (NUL); remove it."
        elif len(value) > MAX_LENGTHS.get(name, MAX_TEXT):
            errors[name] = f"Keep this under {MAX_LENGTHS.get(name, MAX_TEXT):,} characters."
    return errors


def _record_event(request: IntakeRequest, *, actor: User, from_state: str, to_state: str, reason: str) -> RequestEvent:
    event = RequestEvent.objects.create(
        request=request, from_state=from_state, to_state=to_state, actor=actor, reason=reason
    )
    if request.requester_id != actor.pk:
        transaction.on_commit(lambda: emails.notify_requester(event.pk))
    return event


# --- Submitting and editing -----------------------------------------------------------------------


def _clean_fields(fields: dict) -> dict:
    """Validate a request's fields (all of them: the merged result of an edit); the cleaned values."""
    errors = _text_errors(fields)
    cleaned = dict(fields)
    for name, message in REQUIRED_TEXT.items():
        cleaned[name] = (fields.get(name) or "").strip()
        if not cleaned[name] and name not in errors:
            errors[name] = message
    if fields.get("budget_side") not in Side.values:
        errors["budget_side"] = "Say which side owns the budget: Marketing or IT."
    if fields.get("urgency") not in Urgency.values:
        errors["urgency"] = "Say whether this is a quick win or strategic."
    cost = fields.get("yearly_cost")
    if cost is not None and (not isinstance(cost, Decimal) or not cost.is_finite() or not 0 <= cost <= MAX_COST):
        errors["yearly_cost"] = "Give the estimated yearly cost as an amount of 0 or more (or leave it empty)."
    category = fields.get("category")
    if not isinstance(category, ToolCategory) or not category.is_active:
        errors["category"] = "Choose the tool's category from the list."
    errors.update(_tool_errors(fields.get("replaces") or []))
    kinds, kind_errors = _clean_kinds(bool(fields.get("touches_personal_data")), fields.get("personal_data_kinds"))
    errors.update(kind_errors)
    if errors:
        raise ValidationError(errors)
    cleaned["personal_data_kinds"] = kinds
    cleaned["touches_personal_data"] = bool(fields.get("touches_personal_data"))
    cleaned["replaces_other"] = (fields.get("replaces_other") or "").strip()
    cleaned["integrations"] = (fields.get("integrations") or "").strip()
    return cleaned


def _tool_errors(tools: Iterable[Tool]) -> dict[str, str]:
    retired = [tool.name for tool in tools if tool.status == ToolStatus.RETIRED]
    if retired:
        return {"replaces": f"Retired tools are no longer in use, so nothing replaces them: {', '.join(retired)}."}
    return {}


def _clean_kinds(touches: bool, kinds) -> tuple[str, dict[str, str]]:
    """The kinds of personal data as stored (keys separated by commas), or the error."""
    if isinstance(kinds, str):
        kinds = [k for k in kinds.split(KIND_SEPARATOR) if k]
    kinds = list(dict.fromkeys(kinds or []))
    unknown = [k for k in kinds if k not in PersonalData.values]
    if unknown:
        return "", {"personal_data_kinds": "Choose the kinds of personal data from the list."}
    if touches and not kinds:
        return "", {"personal_data_kinds": "Say which kinds of customer or personal data it stores or processes."}
    if not touches and kinds:
        return "", {
            "personal_data_kinds": "You named kinds of personal data: tick “stores or processes customer or "
            "personal data”, or clear the kinds."
        }
    ordered = [k for k in PersonalData.values if k in kinds]
    return KIND_SEPARATOR.join(ordered), {}


def request_submit(
    *,
    actor: User,
    title: str,
    problem: str,
    desired_outcome: str,
    budget_side: str,
    category: ToolCategory,
    urgency: str = Urgency.STRATEGIC,
    yearly_cost: Decimal | None = None,
    replaces: Iterable[Tool] = (),
    replaces_other: str = "",
    touches_personal_data: bool = False,
    personal_data_kinds: Iterable[str] = (),
    integrations: str = "",
) -> IntakeRequest:
    """Submit a request for a new tool or project; it waits for IT's review.

    Who: anyone active (``access.can_submit_intake``).
    """
    access.require_intake(actor, True, access.can_submit_intake(actor), "Only active people submit requests.")
    replaces = list(replaces)
    fields = _clean_fields(
        {
            "title": title,
            "problem": problem,
            "desired_outcome": desired_outcome,
            "budget_side": budget_side,
            "yearly_cost": yearly_cost,
            "category": category,
            "replaces": replaces,
            "replaces_other": replaces_other,
            "touches_personal_data": touches_personal_data,
            "personal_data_kinds": list(personal_data_kinds),
            "integrations": integrations,
            "urgency": urgency,
        }
    )
    fields.pop("replaces")
    with transaction.atomic():
        request = IntakeRequest.objects.create(requester=actor, state=State.SUBMITTED, **fields)
        request.replaces.set(replaces)
        _record_event(request, actor=actor, from_state="", to_state=State.SUBMITTED, reason="")
    return request


def request_update(
    *, actor: User, request: IntakeRequest, expected_version: int | None = None, **changes
) -> IntakeRequest:
    """Change a request's fields, while it is submitted or needs information; an
    edit of a request that needs information sends it back for review.
    Flagging personal data withdraws a waived integration review (the security
    review is needed now).

    Who: its requester (``access.can_change_intake_request``).
    """
    access.require_intake(
        actor,
        _visible(actor, request),
        access.can_change_intake_request(actor, requester_id=request.requester_id),
        "Only the person who asked changes a request.",
    )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        request = _locked(request, expected_version)
        if request.state not in (State.SUBMITTED, State.NEEDS_INFORMATION):
            raise ValidationError(
                f"This request is {request.get_state_display().lower()}: it can be changed only while it is "
                "submitted or needs information."
            )
        current = {name: getattr(request, name) for name in EDITABLE_FIELDS if name != "replaces"}
        current["replaces"] = list(request.replaces.all())
        fields = _clean_fields({**current, **changes})
        replaces = fields.pop("replaces")
        for name, value in fields.items():
            setattr(request, name, value)
        if request.touches_personal_data and request.waived_by_id is not None:
            request.waived_by, request.waived_at, request.waiver_reason = None, None, ""
        resubmitted = request.state == State.NEEDS_INFORMATION
        if resubmitted:
            request.state = State.IN_REVIEW
        request.version += 1
        request.save()
        request.replaces.set(replaces)
        if resubmitted:
            reason = "Updated the request with the information asked for."
            _record_event(
                request, actor=actor, from_state=State.NEEDS_INFORMATION, to_state=State.IN_REVIEW, reason=reason
            )
    return request


# --- Moving through the states ----------------------------------------------------------------------


def _who_refusal(to_state: str) -> str:
    if to_state == State.WITHDRAWN:
        return "Only the person who asked withdraws a request."
    if to_state == State.REJECTED:
        return "Only executives, the steering group and administrators reject a request."
    return "Only IT reviewers and approvers move a request through its review."


def request_transition(
    *,
    actor: User,
    request: IntakeRequest,
    to_state: str,
    reason: str = "",
    duplicate_of: IntakeRequest | None = None,
    expected_version: int | None = None,
) -> IntakeRequest:
    """Move a request to ``to_state`` (start the review, ask for information,
    reject, withdraw, mark a duplicate of ``duplicate_of``) with ``reason``,
    recorded on its timeline; the requester is told by e-mail.

    Who: as ``intake.states`` says for the move (the requester, a reviewer or an
    approver, through ``projects.access``). Approval is ``request_approve``.
    """
    roles = selectors.roles_of(actor, request)
    may = any(m.to_state == to_state and roles.intersection(m.who) for m in MOVES)
    access.require_intake(
        actor, _visible(actor, request), may or to_state not in State.values, _own_or(actor, request, to_state)
    )
    if to_state not in TRANSITION_STATES:
        raise ValidationError({"to_state": "Choose one of the moves offered on the request's page."})
    reason = (reason or "").strip()
    with transaction.atomic():
        request = _locked(request, expected_version)
        move = find_move(request.state, to_state, roles)
        if move is None:
            raise ValidationError(refusal(request.state, to_state, roles))
        errors = _text_errors({"reason": reason})
        if move.reason_required and not reason and not errors:
            errors["reason"] = f"{move.reason_label} Say why: the requester reads it."
        if to_state == State.DUPLICATE:
            errors.update(_duplicate_errors(actor, request, duplicate_of))
        if errors:
            raise ValidationError(errors)
        from_state = request.state
        request.state = to_state
        request.duplicate_of = duplicate_of if to_state == State.DUPLICATE else None
        if to_state == State.REJECTED:
            request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), reason
        request.version += 1
        request.save()
        _record_event(request, actor=actor, from_state=from_state, to_state=to_state, reason=reason)
        if to_state == State.REJECTED:
            signals.intake_decided.send(
                sender=IntakeRequest, request=request, state=to_state, project=None, actor=actor
            )
    return request


def _own_or(actor: User, request: IntakeRequest, to_state: str) -> str:
    if to_state == State.WITHDRAWN:
        return _who_refusal(to_state)
    return _own_request_refusal(actor, request, _who_refusal(to_state))


def _duplicate_errors(actor: User, request: IntakeRequest, original: IntakeRequest | None) -> dict[str, str]:
    if original is None:
        return {"duplicate_of": "Name the request this one duplicates."}
    if original.pk == request.pk:
        return {"duplicate_of": "A request cannot duplicate itself: choose the original."}
    original = IntakeRequest.objects.filter(pk=original.pk).first()
    if original is None or not selectors.can_see(actor, original):
        return {"duplicate_of": "Choose the original request from the list."}
    if original.state == State.DUPLICATE:
        return {"duplicate_of": f"“{original.title}” is itself a duplicate: name the request it duplicates."}
    return {}


def request_reject(
    *, actor: User, request: IntakeRequest, reason: str, expected_version: int | None = None
) -> IntakeRequest:
    """Reject a request in review, saying why (the requester reads it by e-mail).

    Who: approvers, never for their own request (``access.can_approve_intake``).
    """
    return request_transition(
        actor=actor, request=request, to_state=State.REJECTED, reason=reason, expected_version=expected_version
    )


# --- The IT review -------------------------------------------------------------------------------------


def review_record(
    *,
    actor: User,
    request: IntakeRequest,
    kind: str,
    answers: dict[str, tuple[str, str]],
    outcome: str,
    notes: str = "",
    conditions: str = "",
    expected_version: int | None = None,
) -> ITReview:
    """Record an IT review of ``kind``: each check of its checklist (``answers``:
    check key → (result, notes)) and an outcome. A review of a request still
    submitted starts its review; an earlier review of the same kind is
    superseded (kept, no longer current).

    Who: IT reviewers, never of their own request (``access.can_review_intake``).
    """
    access.require_intake(
        actor,
        _visible(actor, request),
        access.can_review_intake(actor, requester_id=request.requester_id),
        _own_request_refusal(actor, request, "Only people in IT record the IT review of a request."),
    )
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": "Choose the kind of review: security and privacy, or integration and overlap."})
    checks = selectors.checks_for(kind)
    errors, rows = _answer_rows(checks, answers)
    errors.update(_outcome_errors(outcome, conditions, notes, rows))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = _locked(request, expected_version)
        if request.state not in (State.SUBMITTED, State.IN_REVIEW):
            raise ValidationError(
                f"This request is {request.get_state_display().lower()}: IT reviews a request while it is "
                "submitted or in review."
            )
        review = _write_review(actor, request, kind, rows, outcome=outcome, notes=notes, conditions=conditions)
    return review


def _answer_rows(checks, answers: dict) -> tuple[dict[str, str], list[tuple]]:
    errors, rows, missing = {}, [], []
    for check in checks:
        result, note = answers.get(check.key, ("", ""))
        note = (note or "").strip()
        if result not in Result.values:
            missing.append(check.label)
        elif result == Result.FAILED and not note:
            errors[f"check_{check.key}"] = f"{check.label}: say what failed in the notes."
        elif "\x00" in note or len(note) > MAX_TEXT:
            errors[f"check_{check.key}"] = f"{check.label}: the notes cannot be stored as written."
        rows.append((check, result, note))
    if missing:
        errors["answers"] = "Answer every check (passed, failed or not applicable): " + ", ".join(missing) + "."
    if not checks:
        errors["answers"] = "The review checklist is empty: an administrator must add its checks first."
    return errors, rows


def _outcome_errors(outcome: str, conditions: str, notes: str, rows: list[tuple]) -> dict[str, str]:
    errors = _text_errors({"conditions": conditions or "", "notes": notes or ""})
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome: approve, approve with conditions, or reject."
    elif outcome == Outcome.APPROVE_WITH_CONDITIONS and not (conditions or "").strip():
        errors["conditions"] = "State the conditions of the approval."
    elif outcome == Outcome.APPROVE and any(result == Result.FAILED for _c, result, _n in rows):
        errors["outcome"] = "A check failed: approve with conditions (saying how it will be fixed), or reject."
    return errors


def _write_review(actor, request, kind, rows, *, outcome, notes, conditions) -> ITReview:
    ITReview.objects.filter(request=request, kind=kind, is_current=True).update(is_current=False)
    review = ITReview.objects.create(
        request=request,
        kind=kind,
        reviewer=actor,
        outcome=outcome,
        notes=(notes or "").strip(),
        conditions=(conditions or "").strip() if outcome == Outcome.APPROVE_WITH_CONDITIONS else "",
    )
    ReviewAnswer.objects.bulk_create(
        ReviewAnswer(review=review, check_item=check, label=check.label, result=result, notes=note)
        for check, result, note in rows
    )
    if request.state == State.SUBMITTED:
        request.state = State.IN_REVIEW
        reason = f"{review.get_kind_display()} recorded."
        _record_event(request, actor=actor, from_state=State.SUBMITTED, to_state=State.IN_REVIEW, reason=reason)
    request.version += 1
    request.save(update_fields=["state", "version", "updated_at"])
    return review


def review_waive(
    *, actor: User, request: IntakeRequest, reason: str, expected_version: int | None = None
) -> IntakeRequest:
    """Waive the integration and overlap review of a request that touches no
    personal data, with a written reason (a security review is never waived).

    Who: approvers, never for their own request (``access.can_approve_intake``).
    """
    access.require_intake(
        actor,
        _visible(actor, request),
        access.can_approve_intake(actor, requester_id=request.requester_id),
        _own_request_refusal(actor, request, "Only executives, the steering group and administrators waive a review."),
    )
    reason = (reason or "").strip()
    errors = _text_errors({"reason": reason})
    if not reason and not errors:
        errors["reason"] = "Say why the integration and overlap review is not needed."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = _locked(request, expected_version)
        if request.touches_personal_data:
            raise ValidationError(
                "It stores or processes personal data: the security and privacy review cannot be waived."
            )
        if request.state not in (State.SUBMITTED, State.IN_REVIEW):
            raise ValidationError(
                f"This request is {request.get_state_display().lower()}: a review is waived while it is "
                "submitted or in review."
            )
        if request.waived_by_id is not None:
            raise ValidationError("The integration and overlap review of this request is already waived.")
        if ITReview.objects.filter(request=request, kind=ReviewKind.INTEGRATION_OVERLAP, is_current=True).exists():
            raise ValidationError("IT has recorded the integration and overlap review: there is nothing to waive.")
        request.waived_by, request.waived_at, request.waiver_reason = actor, timezone.now(), reason
        request.version += 1
        request.save(update_fields=["waived_by", "waived_at", "waiver_reason", "version", "updated_at"])
    return request


# --- Approval: the project, its steps and its matrix ---------------------------------------------------


def request_approve(
    *,
    actor: User,
    request: IntakeRequest,
    decision_note: str,
    owner: User | None,
    marketing_sponsor: User | None,
    it_sponsor: User | None,
    it_lead: User | None,
    target_launch: date | None = None,
    expected_version: int | None = None,
) -> Project:
    """Approve a request in review: create its project (``projects.services.project_create``:
    the ten steps) with the owner, both sponsors and the IT lead, fill its RACI
    matrix from the responsibility framework (``raci.framework_services.framework_apply``),
    link the request to it and record the decision; all in one transaction.

    Refused, writing nothing: a second approval, a request not in review
    (withdrawn, rejected, a duplicate...), a missing or rejecting required review,
    no decision note, a missing or wrong-side person, a stale page.

    Who: approvers, never for their own request (``access.can_approve_intake``).
    """
    access.require_intake(
        actor,
        _visible(actor, request),
        access.can_approve_intake(actor, requester_id=request.requester_id),
        _own_request_refusal(
            actor, request, "Only executives, the steering group and administrators approve requests."
        ),
    )
    note = (decision_note or "").strip()
    people = {"owner": owner, "marketing_sponsor": marketing_sponsor, "it_sponsor": it_sponsor, "it_lead": it_lead}
    _check_approval_input(note, people)
    with transaction.atomic():
        request = _locked(request, expected_version)
        _check_approvable(request)
        project = _create_project(actor, request, people, target_launch)
        request.state = State.APPROVED
        request.project = project
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
        request.version += 1
        request.save()
        _record_event(request, actor=actor, from_state=State.IN_REVIEW, to_state=State.APPROVED, reason=note)
        signals.intake_decided.send(
            sender=IntakeRequest, request=request, state=State.APPROVED, project=project, actor=actor
        )
    return project


def _check_approval_input(note: str, people: dict[str, User | None]) -> None:
    errors = _text_errors({"decision_note": note})
    if not note and not errors:
        errors["decision_note"] = "Write the decision note: why it is approved, and on what terms."
    labels = {"owner": "project owner", "marketing_sponsor": "marketing sponsor", "it_sponsor": "IT sponsor"}
    for name, person in people.items():
        if person is None:
            errors[name] = f"Name the {labels.get(name, 'IT lead')}."
    if people["owner"] is not None and not people["owner"].is_active:
        errors["owner"] = f"{people['owner'].display_name} is no longer active."
    if errors:
        raise ValidationError(errors)
    others = {k: v for k, v in people.items() if k != "owner"}
    validate_people(**others)


def _check_approvable(request: IntakeRequest) -> None:
    """Refuse an approval the state or the reviews do not allow (the request is locked)."""
    if request.state == State.APPROVED:
        raise ValidationError("This request is already approved: its project exists.")
    if request.state in FINAL_STATES:
        raise ValidationError(
            f"This request is {request.get_state_display().lower()}: that is final, so it cannot be approved."
        )
    if request.state != State.IN_REVIEW:
        raise ValidationError(
            f"This request is {request.get_state_display().lower()}: only a request in review can be approved."
        )
    blockers = selectors.approval_blockers(request)
    if blockers:
        raise ValidationError(blockers)


def _create_project(actor: User, request: IntakeRequest, people: dict, target_launch: date | None) -> Project:
    """The project and its framework matrix, written by the approver when the
    project rules let them create it for its owner, else in the owner's name
    (a steering group member who is not an executive): the approval is the
    authority, checked above."""
    owner = people["owner"]
    builder = actor if access.can_create_project(actor, owner=owner) else owner
    project = project_create(
        actor=builder,
        owner=owner,
        name=request.title,
        problem=request.problem,
        marketing_sponsor=people["marketing_sponsor"],
        it_sponsor=people["it_sponsor"],
        it_lead=people["it_lead"],
        budget_owner_side=request.budget_side,
        requirements_side=request.budget_side,
        target_launch=target_launch,
    )
    framework_apply(actor=builder, project=project)
    return project
