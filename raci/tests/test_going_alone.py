"""Going it alone: one side holds R, A or C on steps 1–5 and the other side holds none."""

import pytest

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department, Side
from projects.models import Project
from raci.going_alone import going_alone, going_alone_label, with_going_alone
from raci.models import RaciAssignment, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare(owner):
    """A project with nobody holding anything (whatever a default RACI might have given it)."""
    project = ProjectFactory.create(owner=owner, name="Bare")
    RaciAssignment.objects.filter(step__project=project).delete()
    return project


def person(department: str, **kwargs):
    return UserFactory(department=department, **kwargs)


def annotated(project: Project) -> tuple[bool, bool]:
    row = with_going_alone(Project.objects.filter(pk=project.pk)).get()
    return row.marketing_going_alone, row.it_going_alone


def step(project: Project, number: int):
    return project.steps.get(number=number)


def test_nobody_holding_anything_is_not_going_alone(bare):
    # Its unowned steps flag it already: no second flag for the same problem.
    assert going_alone(bare) is None and annotated(bare) == (False, False)


@pytest.mark.parametrize("role", [Role.RESPONSIBLE, Role.ACCOUNTABLE, Role.CONSULTED])
def test_marketing_alone_on_the_early_steps(bare, role):
    assign(step(bare, 2), person(Department.MARKETING), role)
    assert going_alone(bare) == Side.MARKETING and annotated(bare) == (True, False)
    assert going_alone_label(going_alone(bare)) == "Marketing is going it alone"


def test_marketing_ops_is_the_marketing_side_and_it_alone_is_the_reverse(bare):
    assign(step(bare, 5), person(Department.IT), Role.ACCOUNTABLE)
    assert going_alone(bare) == Side.IT and annotated(bare) == (False, True)
    assert going_alone_label(Side.IT) == "IT is going it alone"
    assign(step(bare, 1), person(Department.MARKETING_OPS), Role.CONSULTED)
    assert going_alone(bare) is None and annotated(bare) == (False, False)


def test_both_sides_on_different_early_steps_is_together(bare):
    assign(step(bare, 1), person(Department.MARKETING), Role.ACCOUNTABLE)
    assign(step(bare, 4), person(Department.IT), Role.RESPONSIBLE)
    assert going_alone(bare) is None and annotated(bare) == (False, False)


def test_informed_later_steps_other_department_and_inactive_people_do_not_count(bare):
    assign(step(bare, 1), person(Department.MARKETING), Role.ACCOUNTABLE)
    assign(step(bare, 2), person(Department.IT), Role.INFORMED)  # told, not taking part
    assign(step(bare, 6), person(Department.IT), Role.ACCOUNTABLE)  # after the vendor decision
    assign(step(bare, 3), person(Department.OTHER), Role.RESPONSIBLE)  # on no side
    assign(step(bare, 4), person(Department.IT, is_active=False), Role.CONSULTED)  # left
    assert going_alone(bare) == Side.MARKETING and annotated(bare) == (True, False)


def test_only_other_department_people_is_not_going_alone(bare):
    assign(step(bare, 1), person(Department.OTHER), Role.ACCOUNTABLE)
    assert going_alone(bare) is None and annotated(bare) == (False, False)


def test_the_annotation_agrees_with_the_rule_for_many_projects(owner, django_assert_num_queries):
    marketing, it = person(Department.MARKETING), person(Department.IT)
    layouts = {"none": [], "marketing": [marketing], "it": [it], "both": [marketing, it]}
    made = {}
    for name, people in layouts.items():
        project = ProjectFactory.create(owner=owner, name=name)
        RaciAssignment.objects.filter(step__project=project).delete()
        for number, someone in enumerate(people, start=1):
            assign(step(project, number), someone, Role.RESPONSIBLE)
        made[name] = project
    with django_assert_num_queries(1):
        rows = {p.name: (p.marketing_going_alone, p.it_going_alone) for p in with_going_alone(Project.objects.all())}
    assert rows == {"none": (False, False), "marketing": (True, False), "it": (False, True), "both": (False, False)}
    assert {name: going_alone(p) for name, p in made.items()} == {
        "none": None,
        "marketing": Side.MARKETING,
        "it": Side.IT,
        "both": None,
    }
