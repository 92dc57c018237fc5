"""Applying the framework to a project (through matrix_save), its preview, and departures."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import UserFactory, assign
from governance.models import Department
from projects.models import LifecycleStep, StepStatus
from raci import framework
from raci.framework_services import framework_apply, framework_save
from raci.models import OrganizationPost, RaciAssignment, Role
from raci.selectors import matrix_version
from raci.services import MatrixError, StaleMatrix, matrix_save
from raci.tests.test_framework import accountable_steps, owner_accountable_everywhere, roles_of

MO, SEC = OrganizationPost.MARKETING_OPS, OrganizationPost.IT_SECURITY


@pytest.fixture
def sponsors(db):
    return (
        UserFactory(username="claire", first_name="Claire", last_name="Moreau", department=Department.MARKETING),
        UserFactory(username="ian", first_name="Ian", last_name="Okafor", department=Department.IT),
    )


@pytest.fixture
def full_project(project_factory, owner, it_lead, sponsors):
    """A new project with every key person named and an empty matrix."""
    marketing, it = sponsors
    return project_factory.create(owner=owner, it_lead=it_lead, marketing_sponsor=marketing, it_sponsor=it)


def test_a_new_project_gets_every_step_an_accountable_person(default_framework, full_project, owner):
    preview = framework.preview_apply(full_project)
    assert not preview.conflicts and not preview.matching and not preview.gaps
    assert preview.unowned_after[False] == []
    result = framework_apply(actor=owner, project=full_project)
    assert accountable_steps(full_project) == set(range(1, 11))
    assert result.matrix.added == len(preview.to_add) == len(result.added)
    roles = roles_of(full_project)
    assert roles[(9, "maya")] == "A"  # the organization's Marketing Ops person
    assert roles[(10, "dev")] == "R"  # the organization's IT security person
    assert roles[(4, "ivan")] == "A"
    assert framework.departures(full_project) == []
    # Written through matrix_save: the RACI history says who.
    assert RaciAssignment.history.filter(step__project=full_project, history_user=owner).count() == len(result.added)


def test_applying_twice_changes_nothing(default_framework, full_project, owner):
    framework_apply(actor=owner, project=full_project)
    version = matrix_version(full_project)
    result = framework_apply(actor=owner, project=full_project)
    assert result.matrix.total == 0 and not result.added
    assert matrix_version(full_project) == version


def test_apply_keeps_hand_set_roles_and_says_so(default_framework, full_project, owner, it_lead, member):
    step = {s.number: s for s in full_project.steps.all()}
    assign(step[4], it_lead, Role.CONSULTED)  # the framework makes the IT lead A on step 4
    assign(step[1], member, Role.ACCOUNTABLE)  # the framework gives step 1's A to the owner
    assign(step[6], member, Role.RESPONSIBLE)  # someone the framework does not name: no conflict
    preview = framework.preview_apply(full_project)
    conflicts = {(c.step_number, c.user.username): c for c in preview.conflicts}
    assert set(conflicts) == {(4, "ivan"), (1, "alice")}
    assert conflicts[(4, "ivan")].kept_text() == (
        "Ivan Lead (IT lead) stays Consulted; the framework says Ivan Lead (IT lead) is Accountable."
    )
    assert conflicts[(1, "alice")].kept_text() == (
        "Bob Member stays Accountable; the framework says Alice Owner (project owner) is Accountable."
    )
    assert conflicts[(1, "alice")].replaced_text() == (
        "Alice Owner (project owner) becomes Accountable; Bob Member loses their Accountable role."
    )
    assert preview.unowned_after == {False: [4], True: []}

    result = framework_apply(actor=owner, project=full_project)
    roles = roles_of(full_project)
    assert roles[(4, "ivan")] == "C" and roles[(1, "bob")] == "A" and (1, "alice") not in roles
    assert roles[(6, "bob")] == "R"
    assert len(result.kept) == 2 and not result.replaced and result.unowned_after == [4]


def test_apply_with_replace_lets_the_framework_win(default_framework, full_project, owner, it_lead, member):
    step = {s.number: s for s in full_project.steps.all()}
    assign(step[4], it_lead, Role.CONSULTED)
    assign(step[1], member, Role.ACCOUNTABLE)
    assign(step[6], member, Role.RESPONSIBLE)
    result = framework_apply(actor=owner, project=full_project, replace=True)
    roles = roles_of(full_project)
    assert roles[(4, "ivan")] == "A" and roles[(1, "alice")] == "A"
    assert (1, "bob") not in roles  # lost the A the framework gives the owner
    assert roles[(6, "bob")] == "R"  # the framework does not name them: kept
    assert len(result.replaced) == 2 and not result.kept
    assert accountable_steps(full_project) == set(range(1, 11))
    assert framework.departures(full_project) == []


def test_replace_swaps_accountable_between_two_named_people(executive, full_project, owner, it_lead):
    framework_save(
        actor=executive,
        entries=owner_accountable_everywhere({(3, "it_lead"): "R"}),
        people={},
        expected_version=0,
    )
    step3 = full_project.steps.get(number=3)
    assign(step3, it_lead, Role.ACCOUNTABLE)
    assign(step3, owner, Role.RESPONSIBLE)
    preview = framework.preview_apply(full_project)
    assert 3 not in preview.unowned_after[True]  # the A moves from one to the other: never lost
    framework_apply(actor=owner, project=full_project, replace=True)
    roles = roles_of(full_project)
    assert roles[(3, "alice")] == "A" and roles[(3, "ivan")] == "R"


def test_apply_goes_through_the_matrix_rules(executive, full_project, owner, it_lead):
    """A done step keeps its Accountable and Responsible people: replacing would
    leave step 1 without R, so matrix_save refuses and nothing is written."""
    framework_save(actor=executive, entries=owner_accountable_everywhere(), people={}, expected_version=0)
    step1 = full_project.steps.get(number=1)
    assign(step1, it_lead, Role.ACCOUNTABLE)
    assign(step1, owner, Role.RESPONSIBLE)
    LifecycleStep.objects.filter(pk=step1.pk).update(status=StepStatus.DONE, completed_at=timezone.now())
    before = roles_of(full_project)
    with pytest.raises(MatrixError) as refused:
        framework_apply(actor=owner, project=full_project, replace=True)
    assert "cannot lose its Responsible person" in " ".join(refused.value.messages)
    assert roles_of(full_project) == before


def test_apply_refuses_a_stale_preview(default_framework, full_project, owner, member):
    preview = framework.preview_apply(full_project)
    matrix_save(actor=owner, project=full_project, rows={member.pk: {full_project.steps.get(number=2).pk: "C"}})
    with pytest.raises(StaleMatrix) as refused:
        framework_apply(actor=owner, project=full_project, expected_version=preview.version)
    assert any("Bob Member" in change for change in refused.value.changes)
    assert roles_of(full_project) == {(2, "bob"): "C"}


def test_apply_skips_people_who_left(default_framework, full_project, owner, mops):
    mops.is_active = False
    mops.save()
    preview = framework.preview_apply(full_project)
    assert "Step 9 would have no Accountable: Maya Patel (Marketing Ops) is no longer active." in [
        gap.text for gap in preview.gaps
    ]
    framework_apply(actor=owner, project=full_project)
    assert accountable_steps(full_project) == set(range(1, 11)) - {9}


def test_a_read_only_member_and_an_outsider_cannot_apply(default_framework, project, member, outsider):
    with pytest.raises(PermissionDenied):
        framework_apply(actor=member, project=project)
    with pytest.raises(PermissionDenied):
        framework_apply(actor=outsider, project=project)
    assert roles_of(project) == {(1, "bob"): "C"}


# --- Departures ----------------------------------------------------------------------------


def test_departures_in_plain_words(default_framework, project_factory, owner, it_lead, member):
    project = project_factory.create(owner=owner, it_lead=it_lead)  # no sponsors
    framework_apply(actor=owner, project=project)
    step = {s.number: s for s in project.steps.all()}
    matrix_save(
        actor=owner,
        project=project,
        rows={
            it_lead.pk: {step[4].pk: "C", step[1].pk: ""},  # different; missing (framework: I)
            member.pk: {step[6].pk: "R", step[9].pk: "I"},  # extra people without A: no departure
        },
    )
    matrix_save(actor=owner, project=project, rows={owner.pk: {step[3].pk: ""}, member.pk: {step[3].pk: "A"}})
    texts = {(d.step_number, d.kind): d.text for d in framework.departures(project)}
    assert texts == {
        (1, "missing"): "Ivan Lead (IT lead) has no role; the framework says Informed.",
        (2, "unowned"): (
            "No Accountable; the framework gives it to the marketing sponsor, and the project names nobody active."
        ),
        (3, "accountable"): "Bob Member is Accountable; the framework makes Alice Owner (project owner) Accountable.",
        (4, "different"): "Ivan Lead (IT lead) is Consulted; the framework says Accountable.",
    }


def test_no_framework_no_departures(project):
    assert framework.departures(project) == []
    assert framework.sidebar_card(project.owner, project) is None


@pytest.mark.parametrize("count", [3, 30])
def test_preview_and_departures_read_a_fixed_number_of_queries(
    default_framework, full_project, owner, count, django_assert_num_queries
):
    steps = list(full_project.steps.order_by("number"))
    for i in range(count):
        assign(steps[i % 10], UserFactory(), Role.CONSULTED if i >= 10 else Role.ACCOUNTABLE)
    with django_assert_num_queries(5):  # version, steps, assignments, framework, named people
        preview = framework.preview_apply(full_project)
    assert len(preview.conflicts) == min(count, 10)  # someone else holds A where the framework names a person
    with django_assert_num_queries(4):
        framework.departures(full_project)
