"""The committee's services: the agenda from each source, decisions through intake,
actions carried over until done, refusals that write nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from committee import emails, selectors, services
from committee.models import Action, Decision, ItemKind, Meeting
from committee.tests.conftest import new_meeting
from conftest import ProjectFactory, UserFactory
from governance.models import Department
from intake.states import State
from intake.tests.factories import reviewed, submitted
from inventory.tests.factories import make_tool
from projects.access import NotVisible
from projects.services import StaleEdit

pytestmark = pytest.mark.django_db


def kinds(meeting) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in meeting.items.order_by("position"):
        found.setdefault(item.kind, []).append(item.title)
    return found


# --- The agenda: each source ---------------------------------------------------------------------------


def test_agenda_lists_requests_ready_for_approval_only(cmo, requester, reviewer):
    ready = reviewed(requester, reviewer, title="Event app")
    submitted(requester, title="Not reviewed yet")
    meeting = new_meeting(cmo)
    items = list(meeting.items.filter(kind=ItemKind.INTAKE))
    assert [(i.title, i.intake_request_id) for i in items] == [("Event app", ready.pk)]


def test_agenda_lists_projects_needing_attention_with_their_reasons(cmo, owner, it_lead):
    unowned = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Unowned steps")  # no Accountable anywhere
    finished = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Finished", status="done")
    meeting = new_meeting(cmo)
    item = meeting.items.get(kind=ItemKind.PROJECT, project=unowned)
    assert "10 steps without an owner" in item.detail
    assert not meeting.items.filter(project=finished).exists()


def test_agenda_lists_an_overdue_project(cmo, owner, it_lead):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Late")
    step = project.steps.get(number=1)
    step.due_date = timezone.localdate() - timedelta(days=3)
    step.save()
    item = new_meeting(cmo).items.get(project=project)
    assert "overdue" in item.detail


def test_agenda_lists_renewals_within_90_days(cmo):
    soon = make_tool("Soon", renewal_date=timezone.localdate() + timedelta(days=30))
    make_tool("Later", renewal_date=timezone.localdate() + timedelta(days=200))
    meeting = new_meeting(cmo)
    assert kinds(meeting)[ItemKind.RENEWAL] == ["Soon"]
    assert meeting.items.get(kind=ItemKind.RENEWAL).tool == soon


def test_agenda_lists_vendor_decisions_awaiting_signature(cmo, owner, it_lead):
    from scorecards.defaults import ensure_default_criteria
    from scorecards.services import candidate_save, decision_record, scorecard_for

    ensure_default_criteria()
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, marketing_sponsor=owner, it_sponsor=it_lead)
    scorecard = scorecard_for(project)
    candidate = candidate_save(actor=owner, scorecard=scorecard, name="Acme")
    decision_record(
        actor=cmo, scorecard=scorecard, candidate=candidate, rationale="Fit.", against_ranking_reason="New."
    )
    item = new_meeting(cmo).items.get(kind=ItemKind.VENDOR)
    assert item.title == f"{project.name}: Acme" and item.project == project
    assert "Proposed by Claire Moreau" in item.detail


def test_open_actions_carry_to_the_next_agenda_until_done(cmo, it_member, it_lead):
    first = new_meeting(cmo, days=-7)
    action = services.action_add(
        actor=cmo, meeting=first, owner=it_lead, due=timezone.localdate(), description="Price the CRM renewal"
    )
    second = new_meeting(cmo, days=7)
    carried = second.items.get(kind=ItemKind.ACTION)
    assert carried.action == action and carried.title == "Price the CRM renewal"

    services.action_done(actor=it_lead, action=action)
    third = new_meeting(it_member, days=14)
    assert not third.items.filter(kind=ItemKind.ACTION).exists()


def test_regenerating_keeps_decided_items_and_adds_new_ones(cmo, requester, reviewer):
    reviewed(requester, reviewer, title="First")
    meeting = new_meeting(cmo)
    item = meeting.items.get(kind=ItemKind.INTAKE)
    services.item_decide(actor=cmo, item=item, decision=Decision.DEFER, note="Next month.")
    reviewed(requester, reviewer, title="Second")
    services.agenda_generate(actor=cmo, meeting=meeting)
    assert kinds(meeting)[ItemKind.INTAKE] == ["First", "Second"]
    assert meeting.items.get(pk=item.pk).decision == Decision.DEFER
    assert list(meeting.items.order_by("position").values_list("position", flat=True)) == [1, 2]


# --- Decisions -------------------------------------------------------------------------------------------


def test_approving_a_request_from_the_meeting_creates_its_project(cmo, requester, reviewer, it_lead):
    request = reviewed(requester, reviewer)
    meeting = new_meeting(cmo)
    item = meeting.items.get(kind=ItemKind.INTAKE)
    it_sponsor = UserFactory(department=Department.IT)
    approval = {"owner": requester, "marketing_sponsor": cmo, "it_sponsor": it_sponsor, "it_lead": it_lead}
    services.item_decide(actor=cmo, item=item, decision=Decision.APPROVE, note="Go.", approval=approval)
    request.refresh_from_db()
    assert request.state == State.APPROVED and request.project is not None
    item.refresh_from_db()
    assert (item.decision, item.decision_note, item.decided_by) == (Decision.APPROVE, "Go.", cmo)


def test_an_approval_refused_by_intake_writes_nothing(cmo, requester, reviewer):
    request = reviewed(requester, reviewer)
    item = new_meeting(cmo).items.get(kind=ItemKind.INTAKE)
    with pytest.raises(ValidationError) as refusal:
        services.item_decide(actor=cmo, item=item, decision=Decision.APPROVE, note="Go.", approval={})
    assert "owner" in refusal.value.message_dict  # intake's own words: "Name the project owner."
    item.refresh_from_db()
    request.refresh_from_db()
    assert item.decision == "" and request.state == State.IN_REVIEW


def test_rejecting_a_request_goes_through_intake(cmo, requester, reviewer):
    request = reviewed(requester, reviewer)
    item = new_meeting(cmo).items.get(kind=ItemKind.INTAKE)
    services.item_decide(actor=cmo, item=item, decision=Decision.REJECT, note="We have one.")
    request.refresh_from_db()
    assert request.state == State.REJECTED


def test_a_request_rejected_elsewhere_meanwhile_is_refused_with_intakes_words(cmo, it_member, requester, reviewer):
    request = reviewed(requester, reviewer)
    item = new_meeting(cmo).items.get(kind=ItemKind.INTAKE)
    from intake.services import request_reject

    request_reject(actor=it_member, request=request, reason="No.")
    with pytest.raises(ValidationError):
        services.item_decide(actor=cmo, item=item, decision=Decision.REJECT, note="Also no.")
    item.refresh_from_db()
    assert item.decision == ""


def test_deciding_a_project_item_records_a_note(cmo, owner, it_lead):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead)
    item = new_meeting(cmo).items.get(project=project)
    services.item_decide(actor=cmo, item=item, decision=Decision.NOTE, note="Sponsors to name owners.")
    item.refresh_from_db()
    assert item.decision == Decision.NOTE
    with pytest.raises(ValidationError):  # once
        services.item_decide(actor=cmo, item=item, decision=Decision.DEFER, note="Again.")


def test_a_decision_needs_a_note(cmo, owner, it_lead):
    ProjectFactory.create(owner=owner, it_lead=it_lead)
    item = new_meeting(cmo).items.first()
    with pytest.raises(ValidationError):
        services.item_decide(actor=cmo, item=item, decision=Decision.NOTE, note="  ")


# --- Refusals -------------------------------------------------------------------------------------------


def test_a_non_member_may_not_decide_and_nothing_is_written(cmo, executive, owner, it_lead, outsider):
    ProjectFactory.create(owner=owner, it_lead=it_lead)
    meeting = new_meeting(cmo)
    item = meeting.items.first()
    with pytest.raises(PermissionDenied) as refusal:  # sees the committee (executive), is not on it
        services.item_decide(actor=executive, item=item, decision=Decision.NOTE, note="x")
    assert not isinstance(refusal.value, NotVisible)
    with pytest.raises(NotVisible):
        services.item_decide(actor=outsider, item=item, decision=Decision.NOTE, note="x")
    with pytest.raises(NotVisible):
        services.minutes_save(actor=outsider, meeting=meeting, minutes="Mine", expected_version=meeting.version)
    item.refresh_from_db()
    meeting.refresh_from_db()
    assert item.decision == "" and meeting.minutes == ""


def test_a_minuted_meeting_no_longer_changes(cmo, it_lead, owner):
    ProjectFactory.create(owner=owner, it_lead=it_lead)
    meeting = new_meeting(cmo)
    services.minutes_save(actor=cmo, meeting=meeting, minutes="Agreed.", expected_version=0)
    services.meeting_minute(actor=cmo, meeting=meeting)
    item = meeting.items.first()
    for call in (
        lambda: services.minutes_save(actor=cmo, meeting=meeting, minutes="Changed", expected_version=None),
        lambda: services.agenda_generate(actor=cmo, meeting=meeting),
        lambda: services.item_decide(actor=cmo, item=item, decision=Decision.NOTE, note="Late"),
        lambda: services.action_add(
            actor=cmo, meeting=meeting, owner=it_lead, due=timezone.localdate(), description="x"
        ),
    ):
        with pytest.raises(ValidationError):
            call()
    meeting.refresh_from_db()
    assert meeting.minutes == "Agreed." and not Action.objects.exists()


def test_two_members_editing_the_minutes_the_second_is_refused(cmo, it_member, meeting):
    opened = meeting.version
    services.minutes_save(actor=cmo, meeting=meeting, minutes="Claire's", expected_version=opened)
    with pytest.raises(StaleEdit):
        services.minutes_save(actor=it_member, meeting=meeting, minutes="Ines's", expected_version=opened)
    meeting.refresh_from_db()
    assert meeting.minutes == "Claire's"


def test_the_call_link_must_be_a_web_address(cmo):
    with pytest.raises(ValidationError) as refusal:
        new_meeting(cmo, call_link="javascript:alert(1)")
    assert "call_link" in refusal.value.message_dict
    assert not Meeting.objects.exists()
    assert new_meeting(cmo, call_link="https://meet.example.com/abc").call_link == "https://meet.example.com/abc"


def test_an_action_is_marked_done_by_its_owner_or_a_member_only(cmo, it_lead, owner, meeting):
    action = services.action_add(actor=cmo, meeting=meeting, owner=it_lead, due=timezone.localdate(), description="x")
    with pytest.raises(NotVisible):
        services.action_done(actor=owner, action=action)
    services.action_done(actor=it_lead, action=action)
    action.refresh_from_db()
    assert action.done_by == it_lead


# --- Mail, My work, digest, calendar --------------------------------------------------------------------


def test_the_agenda_is_mailed_after_commit_with_an_invitation(
    cmo, it_member, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(actor=cmo, meeting=meeting)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([cmo.email, it_member.email])
    name, content, mimetype = message.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    text = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in text and f"committee-meeting-{meeting.pk}@tandem" in text


def test_the_minutes_are_mailed_when_the_record_closes(cmo, meeting, django_capture_on_commit_callbacks):
    services.minutes_save(actor=cmo, meeting=meeting, minutes="We agreed.", expected_version=meeting.version)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_minute(actor=cmo, meeting=meeting)
    assert "minutes" in mail.outbox[0].subject and "We agreed." in mail.outbox[0].body


def test_actions_show_in_my_work_digest_and_calendar(cmo, it_lead, meeting):
    today = timezone.localdate()
    services.action_add(actor=cmo, meeting=meeting, owner=it_lead, due=today - timedelta(days=1), description="Late")
    services.action_add(actor=cmo, meeting=meeting, owner=it_lead, due=today + timedelta(days=30), description="Far")
    part = selectors.my_work_part(it_lead)
    assert [(a.description, a.overdue) for a in part["actions"]] == [("Late", True), ("Far", False)]
    assert [a.description for a in selectors.digest_part(it_lead)["actions"]] == ["Late"]
    assert selectors.digest_recipients() == [it_lead.pk]
    uids = [event.uid for event in selectors.calendar_events(it_lead)]
    assert len([u for u in uids if u.startswith("committee-action-")]) == 2
    assert not any(u.startswith("committee-meeting-") for u in uids)  # not a member, not an attendee
    assert f"committee-meeting-{meeting.pk}@tandem" in [e.uid for e in selectors.calendar_events(cmo)]
    assert selectors.my_work_part(cmo) is None


def test_members_by_side_warn_when_a_side_has_nobody(cmo):
    found = selectors.members()
    assert found.marketing == [cmo] and found.it == []
    assert found.missing_sides == ["IT"]


def test_overdue_actions_flag_their_project_on_the_dashboard(cmo, owner, it_lead, executive):
    from overview.portfolio import Portfolio, build_rows

    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Flagged")
    meeting = new_meeting(cmo)
    item = meeting.items.get(project=project)
    services.action_add(
        actor=cmo,
        meeting=meeting,
        owner=it_lead,
        due=timezone.localdate() - timedelta(days=2),
        description="x",
        item=item,
    )
    flags = Portfolio.read(executive).attention_flags()
    assert Portfolio.read(executive).projects().filter(flags["committee"], pk=project.pk).exists()
    row = build_rows(executive, [project.pk])[0]
    assert "1 overdue steering committee action" in row.attention


def test_invitation_is_valid_icalendar(meeting):
    from icalendar import Calendar

    calendar = Calendar.from_ical(emails.invitation(meeting))
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]) == meeting.title
