"""Committee writes: meetings, their agenda, decisions, minutes and actions.

Every service takes ``actor`` and asks ``projects.access`` first: whoever may
not see the committee gets ``NotVisible`` (404), a person who may see it but
is not a member gets ``PermissionDenied`` (403), before anything is read or
written. A minuted meeting is final: its agenda, decisions, minutes and
actions no longer change (an action is still marked done: that is the
action's life, not the minutes').
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from committee import emails, selectors
from committee.models import Action, AgendaItem, Decision, ItemKind, Meeting
from governance.models import User
from intake import services as intake_services
from projects import access
from projects.services import StaleEdit

NOT_A_MEMBER = "Only members of the steering committee do that (an administrator puts people on the steering group)."
MINUTED = "This meeting is minuted: its agenda, decisions, minutes and actions no longer change."
APPROVAL_PEOPLE = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")


def _require_member(actor: User) -> None:
    access.require_committee(actor, access.can_see_committee(actor), access.can_run_committee(actor), NOT_A_MEMBER)


def _locked(meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """The meeting, locked for the transaction; refused when minuted or changed since ``expected_version``."""
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleEdit("meeting", ["its minutes or its details"], fresh.version)
    if fresh.is_minuted:
        raise ValidationError(MINUTED)
    return fresh


def _clean_meeting(title: str, starts_at: datetime | None, duration_minutes: int, call_link: str) -> dict:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Give the meeting a title."
    if starts_at is None:
        errors["starts_at"] = "When does the meeting start?"
    if not 5 <= (duration_minutes or 0) <= 600:
        errors["duration_minutes"] = "A meeting lasts between 5 minutes and 10 hours."
    if call_link:
        try:
            URLValidator(schemes=["http", "https"])(call_link)
        except ValidationError:
            errors["call_link"] = "The call link must be a web address starting with https:// or http://."
    return errors


def meeting_save(
    *,
    actor: User,
    meeting: Meeting | None = None,
    title: str,
    starts_at: datetime | None,
    duration_minutes: int = 60,
    location: str = "",
    call_link: str = "",
    attendees=(),
    expected_version: int | None = None,
) -> Meeting:
    """Create a meeting (and generate its agenda from the portfolio) or change its details.

    Who: committee members (``access.can_run_committee``); not once minuted.
    """
    _require_member(actor)
    call_link = (call_link or "").strip()
    errors = _clean_meeting(title, starts_at, duration_minutes, call_link)
    inactive = [person.display_name for person in attendees if not person.is_active]
    if inactive:
        errors["attendees"] = f"No longer active: {', '.join(inactive)}."
    if errors:
        raise ValidationError(errors)
    values = {
        "title": title.strip(),
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "location": (location or "").strip(),
        "call_link": call_link,
    }
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting.objects.create(created_by=actor, **values)
            _generate(actor, meeting)
        else:
            meeting = _locked(meeting, expected_version)
            for name, value in values.items():
                setattr(meeting, name, value)
            meeting.version += 1
            meeting.save()
        meeting.attendees.set(attendees)
    return meeting


def agenda_generate(*, actor: User, meeting: Meeting) -> Meeting:
    """Regenerate the agenda from the portfolio as it stands now: items already decided
    (or with actions) stay; undecided ones are replaced by what the portfolio holds now.

    Who: committee members; not once minuted.
    """
    _require_member(actor)
    with transaction.atomic():
        meeting = _locked(meeting)
        _generate(actor, meeting)
        meeting.version += 1
        meeting.save(update_fields=["agenda_generated_at", "agenda_generated_by", "version"])
    return meeting


def _generate(actor: User, meeting: Meeting) -> None:
    decided = meeting.items.filter(~Q(decision="") | Q(actions__isnull=False)).values_list("pk", flat=True)
    meeting.items.exclude(pk__in=list(decided)).delete()
    kept = list(meeting.items.order_by("position"))
    have = {item.source for item in kept}
    new = [p for p in selectors.proposed_agenda(actor, meeting) if p.source not in have]
    items = kept + [AgendaItem(meeting=meeting, **p.__dict__) for p in new]
    order = {kind.value: index for index, kind in enumerate(ItemKind)}
    items.sort(key=lambda item: (order[item.kind], item.position if item.pk else 10_000))
    for item in kept:  # free the positions before renumbering
        item.position += 10_000
    AgendaItem.objects.bulk_update(kept, ["position"])
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update([item for item in items if item.pk], ["position"])
    AgendaItem.objects.bulk_create([item for item in items if not item.pk])
    meeting.agenda_generated_at, meeting.agenda_generated_by = timezone.now(), actor


def item_decide(*, actor: User, item: AgendaItem, decision: str, note: str, approval: dict | None = None) -> AgendaItem:
    """Record the committee's decision on an agenda item, with a note.

    An intake request approved or rejected here goes through
    ``intake.services.request_approve`` / ``request_reject`` (the same rules and
    errors; ``approval`` names the owner, sponsors, IT lead and target launch),
    in the same transaction: refused, nothing is written. Any other item records
    the decision and its note.

    Who: committee members; not once minuted; an item is decided once.
    """
    _require_member(actor)
    note = (note or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose approve, reject, defer or note."})
    if not note:
        raise ValidationError({"note": "Write the note: what was decided and why."})
    with transaction.atomic():
        _locked(item.meeting)
        item = AgendaItem.objects.select_for_update(of=("self",)).select_related("intake_request").get(pk=item.pk)
        if item.decision:
            raise ValidationError(f"“{item.title}” is already decided ({item.get_decision_display().lower()}).")
        if item.kind == ItemKind.INTAKE and decision in (Decision.APPROVE, Decision.REJECT):
            _decide_request(actor, item, decision, note, approval or {})
        item.decision, item.decision_note = decision, note
        item.decided_by, item.decided_at = actor, timezone.now()
        item.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    return item


def _decide_request(actor: User, item: AgendaItem, decision: str, note: str, approval: dict) -> None:
    request = item.intake_request
    if request is None:
        raise ValidationError("The request of this item no longer exists.")
    if decision == Decision.REJECT:
        intake_services.request_reject(actor=actor, request=request, reason=note)
        return
    intake_services.request_approve(
        actor=actor,
        request=request,
        decision_note=note,
        target_launch=approval.get("target_launch"),
        **{name: approval.get(name) for name in APPROVAL_PEOPLE},
    )


def minutes_save(*, actor: User, meeting: Meeting, minutes: str, expected_version: int | None) -> Meeting:
    """Save the meeting's minutes (a draft until the meeting is minuted).

    ``expected_version`` is the version the page was opened at: when someone saved
    since, nothing is written and ``StaleEdit`` says so (two members at once).

    Who: committee members; not once minuted.
    """
    _require_member(actor)
    with transaction.atomic():
        meeting = _locked(meeting, expected_version)
        meeting.minutes = (minutes or "").strip()
        meeting.version += 1
        meeting.save(update_fields=["minutes", "version"])
    return meeting


def meeting_minute(*, actor: User, meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """Close the meeting's record: from now on its agenda, decisions, minutes and actions are final.
    The minutes are e-mailed to the members after the commit.

    Who: committee members; once.
    """
    _require_member(actor)
    with transaction.atomic():
        meeting = _locked(meeting, expected_version)
        if not meeting.minutes:
            raise ValidationError({"minutes": "Write the minutes before closing the record."})
        meeting.minuted_at, meeting.minuted_by = timezone.now(), actor
        meeting.version += 1
        meeting.save(update_fields=["minuted_at", "minuted_by", "version"])
        pk = meeting.pk
        transaction.on_commit(lambda: emails.send_minutes(pk))
    return meeting


def agenda_send(*, actor: User, meeting: Meeting) -> Meeting:
    """E-mail the agenda, with a calendar invitation (.ics), to every member and attendee,
    after the commit; records when it was sent.

    Who: committee members; not once minuted.
    """
    _require_member(actor)
    with transaction.atomic():
        meeting = _locked(meeting)
        meeting.agenda_sent_at = timezone.now()
        meeting.save(update_fields=["agenda_sent_at"])
        pk = meeting.pk
        transaction.on_commit(lambda: emails.send_agenda(pk))
    return meeting


def action_add(
    *, actor: User, meeting: Meeting, owner: User | None, due: date | None, description: str, item=None
) -> Action:
    """Give someone an action from the meeting (optionally on one of its items).

    Who: committee members; not once minuted.
    """
    _require_member(actor)
    description = (description or "").strip()
    errors = {}
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an active person to own the action."
    if due is None:
        errors["due"] = "Give a due date."
    if not description:
        errors["description"] = "Say what is to be done."
    if item is not None and item.meeting_id != meeting.pk:
        errors["item"] = "That item is not on this meeting's agenda."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = _locked(meeting)
        project_id = item.project_id if item is not None else None
        return Action.objects.create(
            meeting=meeting,
            item=item,
            project_id=project_id,
            owner=owner,
            due=due,
            description=description,
            created_by=actor,
        )


def action_done(*, actor: User, action: Action, done: bool = True) -> Action:
    """Mark an action done (it leaves My work and later agendas) or open again.

    Who: its owner or a committee member (``access.can_complete_committee_action``).
    """
    allowed = access.can_complete_committee_action(actor, owner_id=action.owner_id)
    visible = allowed or access.can_see_committee(actor)
    access.require_committee(actor, visible, allowed, "Only the action's owner or a committee member marks it done.")
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if done == (action.done_at is not None):
            raise ValidationError("That action is already done." if done else "That action is open.")
        action.done_at, action.done_by = (timezone.now(), actor) if done else (None, None)
        action.save(update_fields=["done_at", "done_by"])
    return action
