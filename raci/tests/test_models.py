import pytest
from django.db import IntegrityError, transaction

from raci.models import RaciAssignment, Role


@pytest.mark.django_db
def test_second_accountable_is_refused_by_database(project, owner, it_lead):
    step = project.steps.get(number=5)
    RaciAssignment.objects.create(step=step, user=owner, role=Role.ACCOUNTABLE)
    with pytest.raises(IntegrityError), transaction.atomic():
        RaciAssignment.objects.create(step=step, user=it_lead, role=Role.ACCOUNTABLE)
    assert step.assignments.filter(role=Role.ACCOUNTABLE).count() == 1


@pytest.mark.django_db
def test_accountable_on_two_different_steps_is_allowed(project, owner):
    for number in (1, 2):
        RaciAssignment.objects.create(step=project.steps.get(number=number), user=owner, role=Role.ACCOUNTABLE)
    assert RaciAssignment.objects.filter(role=Role.ACCOUNTABLE).count() == 2


@pytest.mark.django_db
def test_two_roles_for_one_person_on_one_step_are_refused_by_database(project, owner):
    step = project.steps.get(number=2)
    RaciAssignment.objects.create(step=step, user=owner, role=Role.RESPONSIBLE)
    with pytest.raises(IntegrityError), transaction.atomic():
        RaciAssignment.objects.create(step=step, user=owner, role=Role.CONSULTED)


@pytest.mark.django_db
def test_unknown_role_is_refused_by_database(project, owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        RaciAssignment.objects.create(step=project.steps.get(number=2), user=owner, role="X")
