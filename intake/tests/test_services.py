"""The rules of intake, service by service: the state machine, the IT review that
cannot be skipped, approval creating the project with the framework's matrix,
and every refusal writing nothing."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from intake import services
from intake.models import IntakeRequest, ITReview, RequestEvent, ReviewAnswer, ReviewKind
from intake.selectors import approval_blockers, request_for
from intake.states import State
from intake.tests.conftest import all_pass, approve, review, submit
from projects.access import NotVisible
from projects.models import Project
from raci.models import RaciAssignment, Role

pytestmark = pytest.mark.django_db

SECURITY, INTEGRATION = ReviewKind.SECURITY_PRIVACY, ReviewKind.INTEGRATION_OVERLAP


def snapshot():
    return (
        list(IntakeRequest.objects.order_by("pk").values()),
        list(RequestEvent.objects.order_by("pk").values()),
        list(ITReview.objects.order_by("pk").values()),
        list(ReviewAnswer.objects.order_by("pk").values()),
        Project.objects.count(),
        RaciAssignment.objects.count(),
    )


def moved(request, actor, to_state, reason="Because.", **kwargs):
    request.refresh_from_db()
    return services.request_transition(actor=actor, request=request, to_state=to_state, reason=reason, **kwargs)


# --- Submitting ----------------------------------------------------------------------------------


def test_submitting_records_the_first_event_and_sends_no_mail(requester, crm, salesforce):
    request = submit(requester, crm, replaces=[salesforce], replaces_other="Spreadsheets, Old CRM")
    assert request.state == State.SUBMITTED and request.version == 1
    assert list(request.replaces.all()) == [salesforce]
    assert request.other_tools == ["Spreadsheets", "Old CRM"]
    event = request.events.get()
    assert (event.from_state, event.to_state, event.actor) == ("", State.SUBMITTED, requester)
    assert mail.outbox == []  # the requester did it themselves


def test_personal_data_needs_its_kinds_and_kinds_need_the_flag(requester, crm):
    with pytest.raises(ValidationError) as error:
        submit(requester, crm, touches_personal_data=True)
    assert "personal_data_kinds" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        submit(requester, crm, personal_data_kinds=["contact"])
    assert "personal_data_kinds" in error.value.message_dict
    with pytest.raises(ValidationError):
        submit(requester, crm, touches_personal_data=True, personal_data_kinds=["dna"])
    request = submit(requester, crm, touches_personal_data=True, personal_data_kinds=["payment", "contact"])
    assert request.personal_data_kinds == "contact,payment"  # stored in the list's order
    assert IntakeRequest.objects.count() == 1


def test_every_field_is_checked_with_a_clear_message(requester, crm, taxonomy):
    retired_category = taxonomy["social"]
    retired_category.is_active = False
    retired_category.save()
    with pytest.raises(ValidationError) as error:
        services.request_submit(
            actor=requester, title=" ", problem="", desired_outcome="a\x00b", budget_side="finance",
            category=retired_category, yearly_cost=Decimal("-1"), urgency="now",
        )  # fmt: skip
    assert set(error.value.message_dict) == {
        "title", "problem", "desired_outcome", "budget_side", "category", "yearly_cost", "urgency"
    }  # fmt: skip
    assert "NUL" in error.value.message_dict["desired_outcome"][0]
    assert not IntakeRequest.objects.exists()


def test_an_inactive_person_submits_nothing(requester, crm):
    requester.is_active = False
    requester.save()
    with pytest.raises(PermissionDenied):
        submit(requester, crm)


# --- The state machine ---------------------------------------------------------------------------------


def test_review_moves_through_needs_information_and_back(requester, reviewer, crm):
    request = submit(requester, crm)
    moved(request, reviewer, State.IN_REVIEW, reason="")
    moved(request, reviewer, State.NEEDS_INFORMATION, reason="Which CRM fields do you need?")
    request.refresh_from_db()
    services.request_update(
        actor=requester, request=request, expected_version=request.version, integrations="Salesforce, website forms"
    )
    request.refresh_from_db()
    assert request.state == State.IN_REVIEW
    timeline = [(e.from_state, e.to_state, e.actor.username) for e in request.events.order_by("at", "pk")]
    assert timeline == [
        ("", State.SUBMITTED, "maya"),
        (State.SUBMITTED, State.IN_REVIEW, "dev"),
        (State.IN_REVIEW, State.NEEDS_INFORMATION, "dev"),
        (State.NEEDS_INFORMATION, State.IN_REVIEW, "maya"),
    ]
    assert request.events.get(to_state=State.NEEDS_INFORMATION).reason == "Which CRM fields do you need?"


def test_reason_is_required_where_the_requester_must_be_told_why(requester, reviewer, approver, crm):
    request = submit(requester, crm)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        moved(request, reviewer, State.NEEDS_INFORMATION, reason="  ")
    assert "reason" in error.value.message_dict
    moved(request, reviewer, State.IN_REVIEW, reason="")
    before = snapshot()
    for to_state in (State.REJECTED, State.DUPLICATE):
        with pytest.raises(ValidationError):
            moved(request, approver, to_state, reason="")
    assert snapshot() == before


def test_final_states_are_final(requester, reviewer, approver, crm):
    request = submit(requester, crm)
    moved(request, requester, State.WITHDRAWN, reason="")
    for actor, to_state in (
        (reviewer, State.IN_REVIEW),
        (reviewer, State.NEEDS_INFORMATION),
        (approver, State.REJECTED),
        (approver, State.DUPLICATE),
    ):
        before = snapshot()
        with pytest.raises(ValidationError) as error:
            moved(request, actor, to_state)
        assert "final" in " ".join(error.value.messages)
        assert snapshot() == before


def test_only_the_requester_withdraws_and_only_while_open(requester, reviewer, approver, crm):
    request = submit(requester, crm)
    with pytest.raises(PermissionDenied):
        moved(request, approver, State.WITHDRAWN)
    with pytest.raises(PermissionDenied):
        moved(request, reviewer, State.WITHDRAWN)
    moved(request, requester, State.WITHDRAWN, reason="")  # the reason is optional
    assert IntakeRequest.objects.get().state == State.WITHDRAWN


def test_the_requester_cannot_start_the_review_but_can_resubmit(requester, reviewer, crm):
    request = submit(requester, crm)
    with pytest.raises(ValidationError):
        moved(request, requester, State.IN_REVIEW)
    moved(request, reviewer, State.NEEDS_INFORMATION, reason="Cost per seat?")
    moved(request, requester, State.IN_REVIEW, reason="Added in the comments.")
    assert IntakeRequest.objects.get().state == State.IN_REVIEW


def test_rejection_and_needs_information_are_only_from_their_states(requester, reviewer, approver, crm):
    request = submit(requester, crm)
    with pytest.raises(ValidationError) as error:
        moved(request, approver, State.REJECTED)  # not in review yet
    assert "in review" in error.value.messages[0]
    moved(request, reviewer, State.IN_REVIEW, reason="")
    moved(request, approver, State.REJECTED, reason="We have a CRM.")
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decision_note) == (State.REJECTED, approver, "We have a CRM.")


def test_a_reviewer_does_not_reject(requester, reviewer, crm):
    request = submit(requester, crm)
    moved(request, reviewer, State.IN_REVIEW, reason="")
    with pytest.raises(PermissionDenied):
        moved(request, reviewer, State.REJECTED)


def test_duplicate_names_another_visible_open_original(requester, reviewer, crm):
    original = submit(requester, crm, title="CRM")
    request = submit(requester, crm, title="CRM again")
    with pytest.raises(ValidationError) as error:
        moved(request, reviewer, State.DUPLICATE, reason="Same ask.")
    assert "duplicate_of" in error.value.message_dict
    with pytest.raises(ValidationError):
        moved(request, reviewer, State.DUPLICATE, reason="Same ask.", duplicate_of=request)
    moved(request, reviewer, State.DUPLICATE, reason="Same ask.", duplicate_of=original)
    request.refresh_from_db()
    assert (request.state, request.duplicate_of) == (State.DUPLICATE, original)
    third = submit(requester, crm, title="CRM thrice")
    with pytest.raises(ValidationError) as error:
        moved(third, reviewer, State.DUPLICATE, reason="Same.", duplicate_of=request)
    assert "itself a duplicate" in error.value.message_dict["duplicate_of"][0]


def test_approval_is_not_a_plain_transition(requester, reviewer, approver, crm):
    request = submit(requester, crm)
    moved(request, reviewer, State.IN_REVIEW, reason="")
    with pytest.raises(ValidationError):
        moved(request, approver, State.APPROVED)
    assert IntakeRequest.objects.get().state == State.IN_REVIEW


def test_the_requester_is_told_by_email_after_commit(requester, reviewer, crm, django_capture_on_commit_callbacks):
    request = submit(requester, crm)
    with django_capture_on_commit_callbacks(execute=True):
        moved(request, reviewer, State.NEEDS_INFORMATION, reason="Which CRM fields do you need?")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [requester.email]
    assert "needs more information" in message.subject
    assert "Which CRM fields do you need?" in message.body
    assert f"http://testserver/intake/{request.pk}/" in message.body or f"/intake/{request.pk}/" in message.body
    assert message.alternatives and "Which CRM fields" in message.alternatives[0][0]


def test_a_refused_move_sends_nothing(requester, reviewer, crm, django_capture_on_commit_callbacks):
    request = submit(requester, crm)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        moved(request, reviewer, State.NEEDS_INFORMATION, reason="")
    assert mail.outbox == []


# --- Editing ----------------------------------------------------------------------------------------------


def test_only_the_requester_edits_and_only_while_submitted_or_needing_information(requester, reviewer, crm):
    request = submit(requester, crm)
    with pytest.raises(PermissionDenied):
        services.request_update(actor=reviewer, request=request, title="Mine now")
    moved(request, reviewer, State.IN_REVIEW, reason="")
    request.refresh_from_db()
    with pytest.raises(ValidationError):
        services.request_update(actor=requester, request=request, title="Later")
    assert IntakeRequest.objects.get().title == "A better CRM"


def test_a_stale_edit_is_refused(requester, crm):
    request = submit(requester, crm)
    services.request_update(actor=requester, request=request, expected_version=1, title="First")
    with pytest.raises(services.StaleRequest):
        services.request_update(actor=requester, request=request, expected_version=1, title="Second")
    assert IntakeRequest.objects.get().title == "First"


def test_someone_who_may_not_see_the_request_gets_404(requester, marketer, crm):
    request = submit(requester, crm)
    with pytest.raises(NotVisible):
        services.request_update(actor=marketer, request=request, title="x")
    with pytest.raises(NotVisible):
        request_for(marketer, request.pk)


# --- The IT review ------------------------------------------------------------------------------------------


def test_a_non_it_person_cannot_record_the_it_review(requester, approver, marketer, crm):
    request = submit(requester, crm, touches_personal_data=True, personal_data_kinds=["contact"])
    before = snapshot()
    for actor in (approver, requester):  # an executive in Marketing; the requester
        with pytest.raises(PermissionDenied):
            review(actor, request, SECURITY)
    with pytest.raises(NotVisible):
        review(marketer, request, SECURITY)
    assert snapshot() == before


def test_an_it_person_never_reviews_their_own_request(reviewer, crm):
    request = submit(reviewer, crm)
    with pytest.raises(PermissionDenied) as error:
        review(reviewer, request)
    assert "someone else" in str(error.value)


def test_a_review_answers_every_check_and_explains_failures(requester, reviewer, crm):
    request = submit(requester, crm, touches_personal_data=True, personal_data_kinds=["contact"])
    answers = all_pass(SECURITY)
    incomplete = dict(list(answers.items())[:-1])
    with pytest.raises(ValidationError) as error:
        review(reviewer, request, SECURITY, answers=incomplete)
    assert "answers" in error.value.message_dict
    failed = {**answers, "dpa": ("failed", "")}
    with pytest.raises(ValidationError) as error:
        review(reviewer, request, SECURITY, answers=failed)
    assert "check_dpa" in error.value.message_dict
    failed = {**answers, "dpa": ("failed", "No DPA signed yet.")}
    with pytest.raises(ValidationError) as error:
        review(reviewer, request, SECURITY, answers=failed, outcome="approve")
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        review(reviewer, request, SECURITY, answers=failed, outcome="approve_with_conditions")
    assert "conditions" in error.value.message_dict
    assert not ITReview.objects.exists()
    done = review(reviewer, request, SECURITY, answers=failed, outcome="approve_with_conditions", conditions="Sign it.")
    assert done.answers.count() == len(answers)
    assert done.answers.get(check_item__key="dpa").notes == "No DPA signed yet."


def test_reviewing_a_submitted_request_starts_its_review(requester, reviewer, crm, django_capture_on_commit_callbacks):
    request = submit(requester, crm)
    with django_capture_on_commit_callbacks(execute=True):
        review(reviewer, request)
    request.refresh_from_db()
    assert request.state == State.IN_REVIEW
    assert request.events.last().reason == "Integration and overlap review recorded."
    assert len(mail.outbox) == 1 and "is in review" in mail.outbox[0].subject


def test_recording_again_supersedes_and_keeps_the_earlier_review(requester, reviewer, crm):
    request = submit(requester, crm)
    first = review(reviewer, request, outcome="reject", notes="Overlaps Salesforce.")
    request.refresh_from_db()
    assert approval_blockers(request)
    second = review(reviewer, request, outcome="approve", notes="Replaces Salesforce after all.")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert ITReview.objects.filter(request=request).count() == 2
    assert approval_blockers(request) == []


def test_one_current_review_of_a_kind_is_a_database_rule(requester, reviewer, crm):
    request = submit(requester, crm)
    review(reviewer, request)
    with pytest.raises(IntegrityError), transaction.atomic():
        ITReview.objects.create(request=request, kind=INTEGRATION, reviewer=reviewer, outcome="approve")


# --- The required review and the waiver ---------------------------------------------------------------------


def test_personal_data_cannot_be_approved_without_the_security_review(
    requester, reviewer, approver, crm, people, framework
):
    request = submit(requester, crm, touches_personal_data=True, personal_data_kinds=["contact", "behavioural"])
    moved(request, reviewer, State.IN_REVIEW, reason="")
    review(reviewer, request, INTEGRATION)  # the other kind does not count
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        approve(approver, request, people)
    assert "security and privacy review" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        services.review_waive(actor=approver, request=request, reason="Trust me.")
    assert snapshot() == before
    review(reviewer, request, SECURITY)
    assert approve(approver, request, people).pk


def test_a_rejecting_review_blocks_approval(requester, reviewer, approver, crm, people, framework):
    request = submit(requester, crm, touches_personal_data=True, personal_data_kinds=["payment"])
    review(reviewer, request, SECURITY, outcome="reject", notes="Stores card numbers.")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        approve(approver, request, people)
    assert "recommends rejecting" in " ".join(error.value.messages)
    assert snapshot() == before


def test_no_personal_data_still_needs_the_integration_review_or_a_waiver(
    requester, reviewer, approver, crm, people, framework
):
    request = submit(requester, crm)
    moved(request, reviewer, State.IN_REVIEW, reason="")
    with pytest.raises(ValidationError) as error:
        approve(approver, request, people)
    assert "integration and overlap review" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        services.review_waive(actor=approver, request=request, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.review_waive(actor=reviewer, request=request, reason="Small tool.")
    services.review_waive(actor=approver, request=request, reason="A trial for one team, no integration.")
    with pytest.raises(ValidationError):
        services.review_waive(actor=approver, request=request, reason="Again.")
    assert approve(approver, request, people).pk


def test_flagging_personal_data_withdraws_the_waiver(requester, reviewer, approver, crm):
    request = submit(requester, crm)
    services.review_waive(actor=approver, request=request, reason="Small.")
    moved(request, reviewer, State.NEEDS_INFORMATION, reason="Does it hold customer data?")
    request.refresh_from_db()
    services.request_update(
        actor=requester, request=request, touches_personal_data=True, personal_data_kinds=["contact"]
    )
    request.refresh_from_db()
    assert request.waived_by is None and request.waiver_reason == ""
    assert "security and privacy" in approval_blockers(request)[0]


# --- Approval ------------------------------------------------------------------------------------------------


def test_approval_creates_the_project_with_the_framework_matrix(
    requester, reviewer, approver, crm, people, framework, django_capture_on_commit_callbacks
):
    request = submit(requester, crm, touches_personal_data=True, personal_data_kinds=["contact"])
    review(reviewer, request, SECURITY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project = approve(approver, request, people, decision_note="Worth it: replaces two tools.")
    request.refresh_from_db()
    assert (request.state, request.project, request.decided_by) == (State.APPROVED, project, approver)
    it_lead = people[3]
    assert (project.owner, project.marketing_sponsor, project.it_sponsor, project.it_lead) == people
    assert project.name == request.title and project.problem == request.problem
    assert project.steps.count() == 10
    accountable = RaciAssignment.objects.filter(step__project=project, role=Role.ACCOUNTABLE)
    assert sorted(accountable.values_list("step__number", flat=True)) == list(range(1, 11))  # no step without an A
    assert accountable.get(step__number=6).user == it_lead
    assert project.intake_request == request
    assert len(mail.outbox) == 1 and "approved" in mail.outbox[0].subject
    assert project.get_absolute_url() in mail.outbox[0].body
    assert request.events.filter(to_state=State.APPROVED).get().reason == "Worth it: replaces two tools."


def test_a_steering_group_member_approves_in_the_owners_name(requester, reviewer, steering, crm, people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    project = approve(steering, request, people)
    request.refresh_from_db()
    assert request.decided_by == steering
    assert project.history.earliest().history_user == requester  # the project rules: created for its owner
    assert RaciAssignment.objects.filter(step__project=project, role=Role.ACCOUNTABLE).count() == 10


def test_approving_twice_is_refused_and_changes_nothing(
    requester, reviewer, approver, executive, crm, people, framework
):
    request = submit(requester, crm)
    review(reviewer, request)
    approve(approver, request, people)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        approve(executive, request, people)
    assert "already approved" in error.value.messages[0]
    assert snapshot() == before


def test_approving_a_withdrawn_request_is_refused(requester, reviewer, approver, crm, people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    moved(request, requester, State.WITHDRAWN, reason="Found a workaround.")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        approve(approver, request, people)
    assert "withdrawn" in error.value.messages[0]
    assert snapshot() == before


def test_approval_from_a_stale_page_is_refused(requester, reviewer, approver, crm, people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    request.refresh_from_db()
    opened_at = request.version
    review(reviewer, request, outcome="reject", notes="Overlap found.")
    before = snapshot()
    with pytest.raises(services.StaleRequest):
        approve(approver, request, people, expected_version=opened_at)
    assert snapshot() == before


def test_approval_checks_the_people_and_the_note(requester, reviewer, approver, crm, people, it_people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    owner, marketing_sponsor, it_sponsor, it_lead = people
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        approve(approver, request, (owner, it_sponsor, marketing_sponsor, None), decision_note="")
    assert set(error.value.message_dict) == {"decision_note", "it_lead"}
    with pytest.raises(ValidationError) as error:
        approve(approver, request, (owner, it_sponsor, marketing_sponsor, it_lead))
    assert set(error.value.message_dict) == {"marketing_sponsor", "it_sponsor"}
    assert snapshot() == before


def test_nobody_approves_their_own_request_nor_does_a_non_approver(
    approver, reviewer, requester, crm, people, framework
):
    own = submit(approver, crm)
    review(reviewer, own)
    with pytest.raises(PermissionDenied) as error:
        approve(approver, own, people)
    assert "someone else" in str(error.value)
    theirs = submit(requester, crm)
    review(reviewer, theirs)
    with pytest.raises(PermissionDenied):
        approve(reviewer, theirs, people)
    assert not Project.objects.exists()


def test_request_reject_tells_the_requester_why(requester, reviewer, approver, crm, django_capture_on_commit_callbacks):
    request = submit(requester, crm)
    moved(request, reviewer, State.IN_REVIEW, reason="")
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_reject(actor=approver, request=request, reason="Salesforce already does this.")
    assert "rejected" in mail.outbox[-1].subject and "Salesforce already does this." in mail.outbox[-1].body


# --- Database rules ------------------------------------------------------------------------------------------


def test_the_database_holds_the_invariants(requester, crm):
    request = submit(requester, crm)
    for changes in (
        {"state": "lost"},
        {"state": State.APPROVED},  # approved without a project
        {"state": State.DUPLICATE},  # a duplicate of nothing
        {"touches_personal_data": True},  # without its kinds
        {"yearly_cost": Decimal("-5")},
        {"waiver_reason": "no waiver"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            IntakeRequest.objects.filter(pk=request.pk).update(**changes)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeRequest.objects.filter(pk=request.pk).update(state=State.DUPLICATE, duplicate_of=request)
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestEvent.objects.create(request=request, from_state="", to_state=State.SUBMITTED, actor=requester)
