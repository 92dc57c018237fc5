import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from conftest import assign
from projects.models import StepStatus
from raci import services
from raci.models import RaciAssignment, Role
from raci.services import MatrixError, matrix_save, step_transition
from raci.transitions import Transition


def roles(project):
    return {(a.user_id, a.step.number): a.role for a in RaciAssignment.objects.filter(step__project=project)}


def step(project, number):
    return project.steps.get(number=number)


@pytest.mark.django_db
def test_matrix_save_writes_added_changed_and_removed_cells(project, owner, it_lead, member):
    s1, s2 = step(project, 1), step(project, 2)
    result = matrix_save(
        actor=owner,
        project=project,
        rows={owner.pk: {s1.pk: "A", s2.pk: "R"}, member.pk: {s1.pk: "", s2.pk: "I"}},
    )
    assert (result.added, result.changed, result.removed) == (3, 0, 1)
    assert roles(project) == {(owner.pk, 1): "A", (owner.pk, 2): "R", (member.pk, 2): "I"}


@pytest.mark.django_db
def test_two_accountables_in_one_submit_are_refused_and_nothing_is_saved(project, owner, it_lead, member):
    s1, s5 = step(project, 1), step(project, 5)
    before = roles(project)
    with pytest.raises(MatrixError) as error:
        matrix_save(
            actor=owner,
            project=project,
            rows={owner.pk: {s5.pk: "A", s1.pk: "R"}, it_lead.pk: {s5.pk: "A"}},
        )
    assert set(error.value.cell_errors) == {(owner.pk, s5.pk), (it_lead.pk, s5.pk)}
    assert "only one Accountable" in error.value.cell_errors[(owner.pk, s5.pk)][0]
    assert roles(project) == before


@pytest.mark.django_db
def test_a_second_accountable_next_to_one_outside_the_submit_is_refused(project, owner, it_lead, member):
    s5 = step(project, 5)
    assign(s5, member, Role.ACCOUNTABLE)
    with pytest.raises(MatrixError) as error:
        matrix_save(actor=owner, project=project, rows={it_lead.pk: {s5.pk: "A"}})
    assert list(error.value.cell_errors) == [(it_lead.pk, s5.pk)]


@pytest.mark.django_db
def test_accountable_moves_from_one_person_to_another_in_one_submit(project, owner, it_lead):
    s5 = step(project, 5)
    assign(s5, owner, Role.ACCOUNTABLE)
    matrix_save(actor=owner, project=project, rows={owner.pk: {s5.pk: "C"}, it_lead.pk: {s5.pk: "A"}})
    assert roles(project)[(it_lead.pk, 5)] == "A"
    assert roles(project)[(owner.pk, 5)] == "C"


@pytest.mark.django_db
def test_inactive_person_cannot_be_given_any_role(project, owner, user_factory):
    gone = user_factory(is_active=False)
    s1, s2, s3, s4 = step(project, 1), step(project, 2), step(project, 3), step(project, 4)
    with pytest.raises(MatrixError) as error:
        matrix_save(actor=owner, project=project, rows={gone.pk: {s1.pk: "A", s2.pk: "R", s3.pk: "I", s4.pk: "C"}})
    assert set(error.value.cell_errors) == {(gone.pk, s1.pk), (gone.pk, s2.pk), (gone.pk, s3.pk), (gone.pk, s4.pk)}
    assert "no longer active" in error.value.cell_errors[(gone.pk, s4.pk)][0]
    assert not RaciAssignment.objects.filter(user=gone).exists()


@pytest.mark.django_db
def test_people_outside_the_submit_keep_their_roles(project, owner, member):
    s2 = step(project, 2)
    matrix_save(actor=owner, project=project, rows={owner.pk: {s2.pk: "A"}})
    assert roles(project)[(member.pk, 1)] == Role.CONSULTED


@pytest.mark.django_db
def test_a_done_step_must_keep_accountable_and_responsible(project, owner, it_lead, member):
    from raci.duties_services import consultation_answer

    s1 = step(project, 1)
    assign(s1, owner, Role.ACCOUNTABLE)
    assign(s1, it_lead, Role.RESPONSIBLE)
    step_transition(actor=owner, step=s1, transition=Transition.START)
    consultation_answer(actor=member, step=s1, answer="agree")  # member is Consulted on step 1
    step_transition(actor=owner, step=s1, transition=Transition.FINISH)
    with pytest.raises(MatrixError) as error:
        matrix_save(actor=owner, project=project, rows={owner.pk: {s1.pk: ""}})
    assert error.value.general == ["Step 1, Define the problem, is done: it cannot lose its Accountable person."]
    assert error.value.cell_errors[(owner.pk, s1.pk)] == ["Step 1 is done and needs its Accountable person."]
    assert roles(project)[(owner.pk, 1)] == "A"


@pytest.mark.django_db
def test_start_needs_an_accountable_person(project, owner):
    with pytest.raises(ValidationError, match="cannot start without an Accountable"):
        step_transition(actor=owner, step=step(project, 2), transition=Transition.START)
    assert step(project, 2).status == StepStatus.NOT_STARTED


@pytest.mark.django_db
def test_finish_needs_a_responsible_person(project, owner):
    s2 = step(project, 2)
    assign(s2, owner, Role.ACCOUNTABLE)
    step_transition(actor=owner, step=s2, transition=Transition.START)
    with pytest.raises(ValidationError, match="cannot finish without a Responsible"):
        step_transition(actor=owner, step=s2, transition=Transition.FINISH)
    assert step(project, 2).status == StepStatus.IN_PROGRESS


@pytest.mark.django_db
def test_finish_needs_an_accountable_person(project, owner, it_lead):
    s2 = step(project, 2)
    assign(s2, owner, Role.ACCOUNTABLE)
    assign(s2, it_lead, Role.RESPONSIBLE)
    step_transition(actor=owner, step=s2, transition=Transition.START)
    RaciAssignment.objects.filter(step=s2, role=Role.ACCOUNTABLE).delete()
    with pytest.raises(ValidationError, match="cannot finish without an Accountable"):
        step_transition(actor=owner, step=s2, transition=Transition.FINISH)


@pytest.mark.django_db
def test_start_finish_block_and_reopen_record_times_and_history(project, owner, it_lead):
    s2 = step(project, 2)
    assign(s2, owner, Role.ACCOUNTABLE)
    assign(s2, it_lead, Role.RESPONSIBLE)
    s2 = step_transition(actor=owner, step=s2, transition=Transition.BLOCK, reason="Waiting for legal")
    assert (s2.status, s2.blocked_reason) == (StepStatus.BLOCKED, "Waiting for legal")
    s2 = step_transition(actor=owner, step=s2, transition=Transition.START)
    assert s2.status == StepStatus.IN_PROGRESS and s2.started_at is not None and s2.blocked_reason == ""
    s2 = step_transition(actor=it_lead, step=s2, transition=Transition.FINISH)
    assert s2.status == StepStatus.DONE and s2.completed_at is not None
    s2 = step_transition(actor=owner, step=s2, transition=Transition.REOPEN)
    assert s2.status == StepStatus.IN_PROGRESS and s2.completed_at is None
    statuses = list(s2.history.order_by("history_date").values_list("status", "history_user__username"))
    assert statuses[-1] == ("in_progress", owner.username)
    assert ("done", it_lead.username) in statuses


@pytest.mark.django_db
def test_a_step_cannot_finish_before_it_starts(project, owner):
    with pytest.raises(ValidationError, match="not started"):
        step_transition(actor=owner, step=step(project, 4), transition=Transition.FINISH)


@pytest.mark.django_db(transaction=True)
def test_losing_the_accountable_of_a_step_in_progress_calls_hooks_after_commit(project, owner, it_lead):
    s3 = step(project, 3)
    assign(s3, owner, Role.ACCOUNTABLE)
    step_transition(actor=owner, step=s3, transition=Transition.START)
    calls = []
    services.accountable_removed_hooks.append(lambda p, ids: calls.append((p.pk, ids)))
    try:
        matrix_save(actor=owner, project=project, rows={owner.pk: {s3.pk: "R"}})
        assert calls == [(project.pk, [s3.pk])]

        calls.clear()
        assign(s3, it_lead, Role.ACCOUNTABLE)
        with pytest.raises(RuntimeError), transaction.atomic():
            matrix_save(actor=owner, project=project, rows={it_lead.pk: {s3.pk: ""}})
            raise RuntimeError("rolled back")
        assert calls == []
    finally:
        services.accountable_removed_hooks.pop()


# --- The gate: pages offer exactly the transitions the service lets through ---------------------

HOLDERS = {
    "nobody": (),
    "A": (("active", Role.ACCOUNTABLE),),
    "R": (("active", Role.RESPONSIBLE),),
    "A and R": (("active", Role.ACCOUNTABLE), ("other", Role.RESPONSIBLE)),
    "inactive A, R": (("gone", Role.ACCOUNTABLE), ("other", Role.RESPONSIBLE)),
    "A, inactive R": (("active", Role.ACCOUNTABLE), ("gone", Role.RESPONSIBLE)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("holders", list(HOLDERS))
@pytest.mark.parametrize("status", list(StepStatus))
def test_what_a_page_offers_is_what_the_service_allows(project, owner, user_factory, holders, status):
    from django.utils import timezone

    from raci.selectors import step_actions, steps_with_people

    people = {"active": user_factory(), "other": user_factory(), "gone": user_factory()}
    target = step(project, 6)
    for who, role in HOLDERS[holders]:
        assign(target, people[who], role)
    people["gone"].is_active = False
    people["gone"].save(update_fields=["is_active"])
    project.steps.filter(pk=target.pk).update(
        status=status, completed_at=timezone.now() if status == StepStatus.DONE else None
    )
    shown = next(s for s in steps_with_people(project) if s.number == 6)
    offered, refused = step_actions(shown)
    for transition in Transition.ALL:
        try:
            with transaction.atomic():
                step_transition(actor=owner, step=target, transition=transition)
                transaction.set_rollback(True)
            allowed = True
        except ValidationError:
            allowed = False
        assert (transition in dict(offered)) == allowed, (transition, holders, status)
    # what is refused says why, in the service's own words
    for refusal in refused:
        with pytest.raises(services.GateRefused) as error:
            step_transition(actor=owner, step=target, transition=refusal.transition)
        assert error.value.refusal == refusal and error.value.messages == [refusal.message]
