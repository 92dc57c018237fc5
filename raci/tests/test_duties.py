"""The duties of the RACI letters: Accountable acknowledges, Consulted are asked,
Informed are told (raci.duties, raci.duties_services, the digest)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import UserFactory, assign
from governance.models import Department
from projects.models import StepStatus
from raci import duties
from raci.duties_services import (
    acknowledgement_accept,
    acknowledgement_decline,
    consultation_answer,
    consultation_waive,
)
from raci.models import (
    Acknowledgement,
    AcknowledgementState,
    Consultation,
    InformItem,
    InformKind,
    RaciAssignment,
    Role,
)
from raci.reminder_sweep import sweep
from raci.selectors import steps_with_people
from raci.services import GateRefused, matrix_save, step_transition
from raci.tests.test_reminders import start

pytestmark = pytest.mark.django_db


def make_accountable(project, step, person, *, actor):
    """Through the matrix save, as the pages do (it sends ``accountable_changed``)."""
    matrix_save(actor=actor, project=project, rows={person.pk: {step.pk: Role.ACCOUNTABLE}})
    return Acknowledgement.objects.filter(step=step, user=person).latest("pk")


# --- Accountable acknowledges ------------------------------------------------------------------


def test_a_new_accountable_person_is_asked_and_accepts(project, owner, it_lead):
    step2 = project.steps.get(number=2)
    ack = make_accountable(project, step2, it_lead, actor=owner)
    assert ack.state == AcknowledgementState.AWAITING
    assert next(s for s in steps_with_people(project) if s.number == 2).awaiting_acknowledgement
    acknowledgement_accept(actor=it_lead, acknowledgement=ack)
    ack.refresh_from_db()
    assert ack.state == AcknowledgementState.ACCEPTED and ack.answered_at
    assert not next(s for s in steps_with_people(project) if s.number == 2).awaiting_acknowledgement
    assert [r.history_user for r in ack.history.order_by("history_id")] == [owner, it_lead]


def test_making_yourself_accountable_is_accepting(project, owner):
    ack = make_accountable(project, project.steps.get(number=3), owner, actor=owner)
    assert ack.state == AcknowledgementState.ACCEPTED


def test_nobody_accepts_or_declines_for_someone_else(project, owner, it_lead, admin_user):
    ack = make_accountable(project, project.steps.get(number=2), it_lead, actor=owner)
    for actor in (owner, admin_user):
        with pytest.raises(PermissionDenied):
            acknowledgement_accept(actor=actor, acknowledgement=ack)
        with pytest.raises(PermissionDenied):
            acknowledgement_decline(actor=actor, acknowledgement=ack, reason="Not mine")
    ack.refresh_from_db()
    assert ack.state == AcknowledgementState.AWAITING


def test_a_decline_needs_a_reason_and_leaves_the_step_unowned(project, owner, it_lead):
    step2 = project.steps.get(number=2)
    ack = make_accountable(project, step2, it_lead, actor=owner)
    with pytest.raises(ValidationError, match="reason"):
        acknowledgement_decline(actor=it_lead, acknowledgement=ack, reason="   ")
    assert RaciAssignment.objects.filter(step=step2, role=Role.ACCOUNTABLE).exists()  # nothing written
    acknowledgement_decline(actor=it_lead, acknowledgement=ack, reason="I am on leave in March.")
    ack.refresh_from_db()
    assert ack.state == AcknowledgementState.DECLINED and ack.reason == "I am on leave in March."
    assert not RaciAssignment.objects.filter(step=step2, role=Role.ACCOUNTABLE).exists()
    removal = RaciAssignment.history.filter(step_id=step2.pk, history_type="-").get()
    assert removal.history_user == it_lead and "I am on leave in March." in removal.history_change_reason
    told = InformItem.objects.get(kind=InformKind.DECLINED)
    assert told.recipient == owner and "declined to be Accountable" in told.text
    with pytest.raises(ValidationError, match="already declined"):
        acknowledgement_accept(actor=it_lead, acknowledgement=ack)


def test_a_done_step_keeps_its_accountable_person(project, owner, it_lead):
    step2 = project.steps.get(number=2)
    ack = make_accountable(project, step2, it_lead, actor=owner)
    assign(step2, owner, Role.RESPONSIBLE)
    step_transition(actor=owner, step=step2, transition="start")
    step_transition(actor=owner, step=step2, transition="finish")
    with pytest.raises(ValidationError, match="is done"):
        acknowledgement_decline(actor=it_lead, acknowledgement=ack, reason="Too late")
    assert RaciAssignment.objects.filter(step=step2, role=Role.ACCOUNTABLE, user=it_lead).exists()
    assert Acknowledgement.objects.get(pk=ack.pk).state == AcknowledgementState.AWAITING


def test_a_new_accountable_person_supersedes_the_request(project, owner, it_lead, member):
    step2 = project.steps.get(number=2)
    first = make_accountable(project, step2, it_lead, actor=owner)
    matrix_save(actor=owner, project=project, rows={it_lead.pk: {step2.pk: ""}, member.pk: {step2.pk: "A"}})
    first.refresh_from_db()
    assert first.state == AcknowledgementState.SUPERSEDED
    with pytest.raises(ValidationError, match="out of date"):
        acknowledgement_accept(actor=it_lead, acknowledgement=first)
    assert Acknowledgement.objects.get(step=step2, state=AcknowledgementState.AWAITING).user == member


# --- Consulted are asked -------------------------------------------------------------------------


def _ready_to_finish(project, owner, it_lead):
    """Step 1 (``member`` is Consulted there) with an Accountable and a Responsible person, started."""
    step1 = project.steps.get(number=1)
    assign(step1, owner, Role.ACCOUNTABLE)
    assign(step1, it_lead, Role.RESPONSIBLE)
    step_transition(actor=owner, step=step1, transition="start")
    return step1


def test_a_step_cannot_finish_until_every_consulted_person_answered(project, owner, it_lead, member):
    step1 = _ready_to_finish(project, owner, it_lead)
    with pytest.raises(GateRefused, match="Bob Member") as refused:
        step_transition(actor=owner, step=step1, transition="finish")
    assert refused.value.refusal.role == Role.CONSULTED
    shown = next(s for s in steps_with_people(project) if s.number == 1)
    from raci.selectors import step_actions

    offered, needs = step_actions(shown)
    assert "finish" not in [t for t, _ in offered] and needs[0].role == Role.CONSULTED
    with pytest.raises(ValidationError, match="concerns"):
        consultation_answer(actor=member, step=step1, answer="concerns", comment="")
    assert not Consultation.objects.exists()
    consultation_answer(actor=member, step=step1, answer="concerns", comment="Budget is tight.")
    assert step_transition(actor=owner, step=step1, transition="finish").status == StepStatus.DONE
    with pytest.raises(ValidationError, match="closed"):
        consultation_answer(actor=member, step=step1, answer="agree")


def test_only_the_consulted_answer_and_only_the_accountable_waives(project, owner, it_lead, member, executive):
    step1 = _ready_to_finish(project, owner, it_lead)
    for actor in (it_lead, executive):
        with pytest.raises(PermissionDenied):
            consultation_answer(actor=actor, step=step1, answer="agree")
    for actor in (member, it_lead, executive):  # the Consulted, the Responsible, an executive: not the A
        with pytest.raises(PermissionDenied):
            consultation_waive(actor=actor, step=step1, person=member, reason="Go")
    with pytest.raises(ValidationError, match="reason"):
        consultation_waive(actor=owner, step=step1, person=member, reason="")
    with pytest.raises(ValidationError, match="not Consulted"):
        consultation_waive(actor=owner, step=step1, person=it_lead, reason="Go")
    assert not Consultation.objects.exists()
    waiver = consultation_waive(actor=owner, step=step1, person=member, reason="Away for a month; decided without.")
    assert waiver.answer == "waived" and waiver.answered_by == owner
    assert step_transition(actor=owner, step=step1, transition="finish").status == StepStatus.DONE
    history = [e.text for e in duties.duties_history(step1)]
    assert any("waived" in text and "Away for a month" in text for text in history)


def test_an_inactive_consulted_person_does_not_hold_the_step(project, owner, it_lead, member):
    step1 = _ready_to_finish(project, owner, it_lead)
    member.is_active = False
    member.save()
    assert step_transition(actor=owner, step=step1, transition="finish").status == StepStatus.DONE


# --- Informed are told, in the next digest ---------------------------------------------------------


def test_informed_people_get_the_finish_in_their_next_digest_once(project, owner, it_lead, member, mailoutbox):
    reader = UserFactory(first_name="Ines", department=Department.IT)
    step1 = _ready_to_finish(project, owner, it_lead)
    assign(step1, reader, Role.INFORMED)
    consultation_answer(actor=member, step=step1, answer="agree")
    step_transition(actor=owner, step=step1, transition="finish")
    item = InformItem.objects.get(recipient=reader)
    assert item.kind == InformKind.FINISHED and item.sent_at is None
    sweep()
    to_reader = [m for m in mailoutbox if m.to == [reader.email]]
    assert len(to_reader) == 1 and "Customer data platform, step 1 (Define the problem) is done." in to_reader[0].body
    item.refresh_from_db()
    assert item.sent_at is not None and item.send_started_at is not None
    sweep(now=timezone.now() + timedelta(days=2))  # the next period: nothing new for the reader
    assert len([m for m in mailoutbox if m.to == [reader.email]]) == 1


def test_one_email_per_person_with_every_kind_at_once(project, owner, it_lead, member, mailoutbox):
    """A reminder, an acknowledgement to give, a consultation to answer and an inform item,
    all for the same person in the same run: one e-mail listing all four."""
    start(project.steps.get(number=2), owner)  # unowned and in progress: owner and IT lead are reminded
    step3 = project.steps.get(number=3)
    make_accountable(project, step3, it_lead, actor=owner)  # IT lead asked to accept
    step1 = project.steps.get(number=1)
    assign(step1, owner, Role.ACCOUNTABLE)
    assign(step1, it_lead, Role.CONSULTED)
    assign(step1, UserFactory(department=Department.IT), Role.RESPONSIBLE)
    step_transition(actor=owner, step=step1, transition="start")  # IT lead's consultation waits
    assign(project.steps.get(number=4), it_lead, Role.INFORMED)
    step_transition(actor=owner, step=project.steps.get(number=4), transition="block", reason="Legal review")
    result = sweep()
    to_it_lead = [m for m in mailoutbox if m.to == [it_lead.email]]
    assert len(to_it_lead) == 1
    body = to_it_lead[0].body
    assert "have no Accountable person" in body  # the reminder
    assert "/accountable/accept/" in body  # the acknowledgement's signed link
    assert "You are Consulted on these steps" in body
    assert "step 4 (Plan the rollout) is blocked: Legal review." in body or "is blocked: Legal review." in body
    assert len(mailoutbox) == len({tuple(m.to) for m in mailoutbox})  # one each
    assert result.run.emails_sent == len(mailoutbox)
    assert InformItem.objects.filter(sent_at__isnull=False).count() == 1


def test_a_dead_workers_inform_items_are_taken_over_and_a_started_send_is_not_repeated(
    project, owner, mailoutbox, settings
):
    reader = UserFactory(department=Department.IT)
    step = project.steps.get(number=2)
    long_ago = timezone.now() - timedelta(seconds=settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS + 60)
    taken = InformItem.objects.create(
        step=step,
        recipient=reader,
        kind="blocked",
        text="Claimed by a dead run",
        claim_token="dead",
        claimed_at=long_ago,
    )
    started = InformItem.objects.create(
        step=step, recipient=reader, kind="blocked", text="Maybe delivered", claim_token="dead",
        claimed_at=long_ago, send_started_at=long_ago,
    )  # fmt: skip
    fresh = InformItem.objects.create(
        step=step, recipient=reader, kind="blocked", text="Claimed by a live run", claim_token="live",
        claimed_at=timezone.now(),
    )  # fmt: skip
    sweep()
    body = next(m for m in mailoutbox if m.to == [reader.email]).body
    assert "Claimed by a dead run" in body and "Maybe delivered" not in body and "Claimed by a live run" not in body
    for item, sent in ((taken, True), (started, False), (fresh, False)):
        item.refresh_from_db()
        assert (item.sent_at is not None) is sent


def test_a_digest_with_only_extras_goes_out_once_per_period(project, owner, it_lead, mailoutbox):
    make_accountable(project, project.steps.get(number=2), it_lead, actor=owner)
    sweep()
    sweep()
    assert len([m for m in mailoutbox if m.to == [it_lead.email]]) == 1
    assert mailoutbox[0].subject.startswith("Tandem: your digest")
    sweep(now=timezone.now() + timedelta(days=1, hours=1))  # still waiting, next period: asked again
    assert len([m for m in mailoutbox if m.to == [it_lead.email]]) == 2


# --- The signed link -----------------------------------------------------------------------------


def link(ack) -> str:
    return reverse("raci:acknowledge_link", kwargs={"token": duties.link_token(ack)})


def test_the_link_asks_then_accepts_and_says_when_used(client, project, owner, it_lead):
    ack = make_accountable(project, project.steps.get(number=2), it_lead, actor=owner)
    response = client.get(link(ack))
    assert response.status_code == 200 and "Accept accountability?" in response.content.decode()
    assert Acknowledgement.objects.get(pk=ack.pk).state == AcknowledgementState.AWAITING  # a GET writes nothing
    response = client.post(link(ack))
    assert "Accepted" in response.content.decode()
    assert Acknowledgement.objects.get(pk=ack.pk).state == AcknowledgementState.ACCEPTED
    response = client.post(link(ack))
    assert response.status_code == 200 and "Already accepted" in response.content.decode()


def test_an_expired_link_says_so(client, project, owner, it_lead, monkeypatch):
    ack = make_accountable(project, project.steps.get(number=2), it_lead, actor=owner)
    url = link(ack)
    monkeypatch.setattr(duties, "LINK_MAX_AGE_DAYS", -1)
    response = client.post(url)
    assert response.status_code == 200 and "This link has expired" in response.content.decode()
    assert Acknowledgement.objects.get(pk=ack.pk).state == AcknowledgementState.AWAITING


def test_a_link_opened_by_someone_else_or_forged_changes_nothing(client, project, owner, it_lead, member):
    ack = make_accountable(project, project.steps.get(number=2), it_lead, actor=owner)
    client.force_login(member)
    response = client.post(link(ack))
    assert response.status_code == 403 and "This link is for someone else" in response.content.decode()
    client.logout()
    from django.core import signing

    other = signing.dumps({"a": ack.pk, "u": member.pk}, salt=duties.LINK_SALT)  # someone else's binding
    response = client.post(reverse("raci:acknowledge_link", kwargs={"token": other}))
    assert response.status_code == 403
    reminders_token = signing.dumps(it_lead.pk, salt="tandem.raci.reminders-off")  # another purpose's salt
    assert client.post(reverse("raci:acknowledge_link", kwargs={"token": reminders_token})).status_code == 404
    assert Acknowledgement.objects.get(pk=ack.pk).state == AcknowledgementState.AWAITING


def test_a_superseded_link_says_so(client, project, owner, it_lead, member):
    step2 = project.steps.get(number=2)
    ack = make_accountable(project, step2, it_lead, actor=owner)
    matrix_save(actor=owner, project=project, rows={it_lead.pk: {step2.pk: ""}, member.pk: {step2.pk: "A"}})
    response = client.post(link(ack))
    assert response.status_code == 200 and "out of date" in response.content.decode()


# --- Pages -------------------------------------------------------------------------------------


def test_the_step_page_accepts_declines_and_shows_field_errors(client, project, owner, it_lead):
    step2 = project.steps.get(number=2)
    make_accountable(project, step2, it_lead, actor=owner)
    client.force_login(it_lead)
    page = reverse("raci:step_duties", kwargs={"slug": project.slug, "number": 2})
    assert "Awaiting acknowledgement" in client.get(page).content.decode()
    response = client.post(reverse("raci:decline", kwargs={"slug": project.slug, "number": 2}), {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert RaciAssignment.objects.filter(step=step2, role=Role.ACCOUNTABLE).exists()
    response = client.post(reverse("raci:acknowledge", kwargs={"slug": project.slug, "number": 2}), follow=True)
    assert "You are Accountable for step 2" in response.content.decode()
    client.force_login(owner)
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "awaiting-acknowledgement-2" not in detail


def test_the_project_page_shows_awaiting_acknowledgement(client, project, owner, it_lead):
    make_accountable(project, project.steps.get(number=2), it_lead, actor=owner)
    client.force_login(owner)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="awaiting-acknowledgement-2"' in page and "Waiting for answers" in page


@pytest.mark.parametrize("count", [3, 30])
def test_my_work_section_reads_a_fixed_number_of_queries(count, owner, django_assert_num_queries):
    from conftest import ProjectFactory

    asked = UserFactory(department=Department.IT)
    for i in range(count):
        project = ProjectFactory.create(owner=owner, name=f"Asked {count}-{i}")
        steps = {s.number: s for s in project.steps.all()}
        Acknowledgement.objects.create(step=steps[2], user=asked)
        assign(steps[2], asked, Role.ACCOUNTABLE)
        assign(steps[1], asked, Role.CONSULTED)
        steps[1].status = StepStatus.IN_PROGRESS
        steps[1].save()
    with django_assert_num_queries(2):  # the acknowledgements, the consultations
        part = duties.my_work_section(asked)
    assert part["count"] == 2 * count
