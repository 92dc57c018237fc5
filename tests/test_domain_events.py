"""The domain events of ``projects/signals.py``: sent once per change, inside the writing
transaction (a receiver's failure undoes the change), and never for a refused write."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from alignment.services import round_close, round_open
from conftest import UserFactory, assign
from governance.models import Department
from projects import signals
from projects.models import StepStatus
from raci.models import Role
from raci.selectors import matrix_version
from raci.services import matrix_save, step_transition
from raci.transitions import Transition


@contextmanager
def caught(signal):
    """Collect every send of ``signal`` (its keyword arguments, and whether a transaction was open)."""
    seen = []

    def receiver(sender, **kwargs):
        kwargs.pop("signal")
        seen.append({**kwargs, "in_transaction": connection.in_atomic_block})

    signal.connect(receiver, weak=False, dispatch_uid=f"test-{id(seen)}")
    try:
        yield seen
    finally:
        signal.disconnect(dispatch_uid=f"test-{id(seen)}")


@contextmanager
def failing(signal):
    def receiver(sender, **kwargs):
        raise RuntimeError("receiver failed")

    signal.connect(receiver, weak=False, dispatch_uid="failing")
    try:
        yield
    finally:
        signal.disconnect(dispatch_uid="failing")


def test_a_step_transition_is_announced_once_inside_its_transaction(project, owner, it_lead):
    step = project.steps.get(number=1)
    assign(step, it_lead, Role.ACCOUNTABLE)
    with caught(signals.step_status_changed) as seen:
        step_transition(actor=owner, step=step, transition=Transition.START)
        step_transition(actor=owner, step=step, transition=Transition.BLOCK, reason="Waiting for legal")
    assert [(e["old_status"], e["new_status"], e["transition"], e["reason"]) for e in seen] == [
        (StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS, Transition.START, ""),
        (StepStatus.IN_PROGRESS, StepStatus.BLOCKED, Transition.BLOCK, "Waiting for legal"),
    ]
    assert all(e["in_transaction"] and e["actor"] == owner and e["step"].pk == step.pk for e in seen)


def test_a_refused_transition_announces_nothing(project, owner):
    step = project.steps.get(number=2)  # no Accountable: the gate refuses the start
    with caught(signals.step_status_changed) as seen, pytest.raises(ValidationError):
        step_transition(actor=owner, step=step, transition=Transition.START)
    assert seen == []


def test_a_failing_receiver_undoes_the_transition(project, owner, it_lead):
    step = project.steps.get(number=1)
    assign(step, it_lead, Role.ACCOUNTABLE)
    with failing(signals.step_status_changed), pytest.raises(RuntimeError):
        step_transition(actor=owner, step=step, transition=Transition.START)
    step.refresh_from_db()
    assert step.status == StepStatus.NOT_STARTED


def test_a_matrix_save_announces_each_step_whose_accountable_changed(project, owner, it_lead, member):
    one, two, three = (project.steps.get(number=n) for n in (1, 2, 3))
    assign(one, owner, Role.ACCOUNTABLE)
    rows = {
        it_lead.pk: {one.pk: Role.ACCOUNTABLE, two.pk: Role.ACCOUNTABLE, three.pk: Role.RESPONSIBLE},
        owner.pk: {one.pk: ""},
    }
    with caught(signals.accountable_changed) as seen:
        matrix_save(actor=owner, project=project, rows=rows, expected_version=matrix_version(project))
    assert sorted((e["step"].number, e["old_user_id"], e["new_user_id"]) for e in seen) == [
        (1, owner.pk, it_lead.pk),
        (2, None, it_lead.pk),
    ]
    assert all(e["in_transaction"] and e["actor"] == owner for e in seen)

    with caught(signals.accountable_changed) as seen:  # only an R and a C change: no Accountable event
        matrix_save(
            actor=owner,
            project=project,
            rows={member.pk: {one.pk: Role.INFORMED, three.pk: Role.CONSULTED}},
            expected_version=matrix_version(project),
        )
    assert seen == []

    with caught(signals.accountable_changed) as seen:  # removing the A: new_user_id is None
        matrix_save(
            actor=owner, project=project, rows={it_lead.pk: {two.pk: ""}}, expected_version=matrix_version(project)
        )
    assert [(e["step"].number, e["old_user_id"], e["new_user_id"]) for e in seen] == [(2, it_lead.pk, None)]


def test_a_refused_matrix_announces_nothing(project, owner, it_lead, member):
    one = project.steps.get(number=1)
    rows = {it_lead.pk: {one.pk: Role.ACCOUNTABLE}, member.pk: {one.pk: Role.ACCOUNTABLE}}  # two As
    with caught(signals.accountable_changed) as seen, pytest.raises(ValidationError):
        matrix_save(actor=owner, project=project, rows=rows, expected_version=matrix_version(project))
    assert seen == []


def test_closing_a_round_is_announced_once(executive):
    people = [UserFactory(department=d) for d in (Department.MARKETING, Department.IT)]
    round_ = round_open(
        actor=executive, title="Q4", closes_on=timezone.localdate() + timedelta(days=7), invitees=people
    )
    with caught(signals.round_closed) as seen:
        round_close(actor=executive, round_=round_)
        with pytest.raises(ValidationError):
            round_close(actor=executive, round_=round_)  # already closed: nothing announced again
    assert [(e["round"].pk, e["project"], e["actor"], e["in_transaction"]) for e in seen] == [
        (round_.pk, None, executive, True)
    ]
