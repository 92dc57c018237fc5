"""The responsibility framework: planning, saving, applying to a project, departures."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from raci import framework
from raci.framework_demo import DEFAULT_FRAMEWORK, default_entries
from raci.framework_services import FrameworkError, StaleFramework, framework_save
from raci.models import (
    FrameworkEntry,
    FrameworkRevision,
    FrameworkRole,
    OrganizationPost,
    OrganizationRole,
    RaciAssignment,
    Role,
)

MO, SEC = OrganizationPost.MARKETING_OPS, OrganizationPost.IT_SECURITY


def owner_accountable_everywhere(extra: dict | None = None) -> dict:
    """A minimal valid framework: the owner is Accountable on every step, plus ``extra``
    as ``{(step, role): letter}``."""
    entries = {(number, FrameworkRole.OWNER): Role.ACCOUNTABLE for number in range(1, 11)}
    entries.update(extra or {})
    return entries


def roles_of(project) -> dict[tuple[int, str], str]:
    """The project's matrix as ``{(step number, username): letter}``."""
    return {
        (a.step.number, a.user.username): a.role
        for a in RaciAssignment.objects.filter(step__project=project).select_related("step", "user")
    }


def accountable_steps(project) -> set[int]:
    return set(
        RaciAssignment.objects.filter(step__project=project, role=Role.ACCOUNTABLE).values_list(
            "step__number", flat=True
        )
    )


# --- Planning ------------------------------------------------------------------------------


def test_the_default_framework_has_exactly_one_accountable_per_step():
    for number, cells in DEFAULT_FRAMEWORK.items():
        assert list(cells.values()).count(Role.ACCOUNTABLE) == 1, number
    assert set(DEFAULT_FRAMEWORK) == set(range(1, 11))


def test_plan_gives_each_role_its_letter(default_framework, owner, it_lead, mops, security):
    planned = framework.plan_for_people({"owner": owner, "it_lead": it_lead})
    cells = {(p.step_number, p.user.username): (p.letter, p.framework_role) for p in planned}
    assert cells[(1, "alice")] == ("A", "owner")
    assert cells[(4, "ivan")] == ("A", "it_lead")
    # The organization's people are filled in from OrganizationRole.
    assert cells[(9, "maya")] == ("A", "marketing_ops")
    assert cells[(10, "dev")] == ("R", "it_security")
    assert all(isinstance(p, framework.Planned) for p in planned)


def test_one_person_in_two_roles_gets_the_strongest_letter_once(default_framework, owner):
    # Step 3: the owner is A and the IT lead R; step 4: the IT lead A and the owner C.
    planned = framework.plan_for_people({"owner": owner, "it_lead": owner, "marketing_sponsor": owner})
    mine = [(p.step_number, p.letter) for p in planned if p.user == owner]
    assert len(mine) == len({number for number, _ in mine}), "one letter per step"
    assert dict(mine)[3] == "A"
    assert dict(mine)[4] == "A"
    assert dict(mine)[2] == "A"  # marketing sponsor A beats owner R


def test_the_caller_may_name_the_organization_people(default_framework, owner, member):
    planned = framework.plan_for_people({"owner": owner, "marketing_ops": member})
    assert (9, member) in {(p.step_number, p.user) for p in planned if p.letter == "A"}


def test_missing_and_inactive_people_are_skipped_and_reported(default_framework, owner, security):
    security.is_active = False
    security.save()
    result = framework.plan({"owner": owner})
    assert {p.user for p in result.planned} <= {owner, framework.organization_people()[MO]}
    texts = [gap.text for gap in result.gaps]
    assert "Step 4 would have no Accountable: no IT lead named for the project." in texts
    assert any("Dev Raman (IT security) is no longer active" in text for text in texts)
    assert {gap.step_number for gap in result.accountable_gaps} == {2, 4, 6, 7, 8, 10}


def test_an_empty_framework_plans_nothing(owner):
    assert framework.plan_for_people({"owner": owner}) == []


def test_planning_reads_two_queries(default_framework, owner, django_assert_num_queries):
    with django_assert_num_queries(2):
        framework.plan_for_people({"owner": owner})


# --- Saving the framework -------------------------------------------------------------------


def test_saving_writes_entries_people_history_and_a_revision(default_framework, executive, mops):
    assert FrameworkEntry.objects.count() == len(default_entries())
    assert OrganizationRole.objects.get(role=MO).user == mops
    revision = FrameworkRevision.objects.get()
    assert revision.number == 1 and revision.saved_by == executive
    assert "Step 1, Define the problem: Project owner — → A" in revision.changes
    assert "Marketing Ops person: nobody → Maya Patel" in revision.changes
    assert FrameworkEntry.history.filter(history_user=executive).count() == len(default_entries())
    assert framework.framework_version() == 1


def test_moving_the_accountable_role_within_a_step(default_framework, executive, mops, security):
    entries = default_entries()
    entries[(1, "owner")] = "R"
    entries[(1, "marketing_ops")] = "A"
    revision = framework_save(actor=executive, entries=entries, people={MO: mops, SEC: security}, expected_version=1)
    assert revision.number == 2
    assert revision.changes == [
        "Step 1, Define the problem: Project owner A → R",
        "Step 1, Define the problem: Marketing Ops R → A",
    ]
    assert FrameworkEntry.objects.get(step_number=1, letter="A").role == "marketing_ops"


def test_clearing_a_cell_and_unnaming_a_person(default_framework, executive, security):
    entries = default_entries()
    del entries[(1, "it_lead")]
    framework_save(actor=executive, entries=entries, people={MO: None, SEC: security}, expected_version=1)
    assert not FrameworkEntry.objects.filter(step_number=1, role="it_lead").exists()
    assert OrganizationRole.objects.get(role=MO).user is None


def test_nothing_changed_writes_no_revision(default_framework, executive, mops, security):
    assert (
        framework_save(actor=executive, entries=default_entries(), people={MO: mops, SEC: security}, expected_version=1)
        is None
    )
    assert FrameworkRevision.objects.count() == 1


def test_a_step_without_accountable_is_refused_step_by_step_and_nothing_is_written(executive):
    entries = owner_accountable_everywhere()
    entries[(3, "owner")] = "R"
    entries[(7, "owner")] = ""
    with pytest.raises(FrameworkError) as refused:
        framework_save(actor=executive, entries=entries, people={}, expected_version=0)
    assert set(refused.value.step_errors) == {3, 7}
    assert "Step 3, Define the requirements, has no Accountable role" in refused.value.step_errors[3][0]
    assert not FrameworkEntry.objects.exists() and not FrameworkRevision.objects.exists()


def test_two_accountable_roles_on_a_step_are_refused_per_cell(executive):
    entries = owner_accountable_everywhere()
    entries[(5, "it_lead")] = "A"
    with pytest.raises(FrameworkError) as refused:
        framework_save(actor=executive, entries=entries, people={}, expected_version=0)
    assert set(refused.value.cell_errors) == {(5, "owner"), (5, "it_lead")}
    assert "Project owner and IT lead are both marked A" in refused.value.step_errors[5][0]
    assert not FrameworkEntry.objects.exists()


def test_invalid_letters_steps_roles_and_inactive_people_are_refused(executive, member):
    member.is_active = False
    member.save()
    entries = owner_accountable_everywhere()
    entries[(2, "it_lead")] = "X"
    entries[(11, "owner")] = "A"
    entries[(1, "janitor")] = "R"
    with pytest.raises(FrameworkError) as refused:
        framework_save(actor=executive, entries=entries, people={MO: member, "boss": None}, expected_version=0)
    error = refused.value
    assert error.cell_errors[(2, "it_lead")] == ["“X” is not a RACI letter."]
    assert "no longer active" in error.people_errors[MO][0]
    assert len(error.general) == 2
    assert not FrameworkEntry.objects.exists() and not OrganizationRole.objects.exists()


def test_a_stale_save_is_refused_listing_the_changes_and_overwrites_nothing(default_framework, executive, admin_user):
    mine = default_entries()
    mine[(7, "owner")] = "R"
    framework_save(actor=admin_user, entries=mine, people={}, expected_version=1)  # someone else, first
    theirs = default_entries()
    theirs[(8, "owner")] = "I"
    with pytest.raises(StaleFramework) as refused:
        framework_save(actor=executive, entries=theirs, people={}, expected_version=1)
    assert refused.value.version == 2
    assert len(refused.value.changes) == 1
    assert "Step 7, Project management: Project owner C → R" in refused.value.changes[0]
    assert FrameworkEntry.objects.get(step_number=7, role="owner").letter == "R"
    assert FrameworkEntry.objects.get(step_number=8, role="owner").letter == "C"
    assert FrameworkRevision.objects.count() == 2


@pytest.mark.parametrize("persona", ["owner", "member", "outsider", "it_lead"])
def test_only_executives_and_administrators_save_the_framework(request, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        framework_save(actor=actor, entries=owner_accountable_everywhere(), people={}, expected_version=0)
    assert not FrameworkEntry.objects.exists()


def test_the_database_holds_one_accountable_per_step_and_ten_steps(db):
    FrameworkEntry.objects.create(step_number=1, role="owner", letter="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkEntry.objects.create(step_number=1, role="it_lead", letter="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkEntry.objects.create(step_number=11, role="it_lead", letter="R")
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkEntry.objects.create(step_number=1, role="owner", letter="R")
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkEntry.objects.create(step_number=2, role="owner", letter="Z")


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_once_one_is_refused(executive, admin_user, mops, security):
    """Two saves from pages opened at the same version, at the same moment, on
    real connections: one commits, the other is refused as stale (the revision
    number is unique), whichever reaches the database first."""
    from threading import Barrier, Thread

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serializes the whole database)")
    framework_save(actor=executive, entries=default_entries(), people={MO: mops, SEC: security}, expected_version=0)
    barrier, outcomes = Barrier(2), {}

    def save(actor, step):
        entries = default_entries()
        entries[(step, "owner")] = "R" if entries.get((step, "owner")) != "R" else "C"
        barrier.wait()
        try:
            framework_save(actor=actor, entries=entries, people={}, expected_version=1)
            outcomes[actor.username] = "saved"
        except StaleFramework:
            outcomes[actor.username] = "stale"
        finally:
            connections.close_all()

    threads = [Thread(target=save, args=(executive, 7)), Thread(target=save, args=(admin_user, 8))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["saved", "stale"]
    assert FrameworkRevision.objects.count() == 2
    changed = {FrameworkEntry.objects.get(step_number=n, role="owner").letter for n in (7, 8)}
    assert changed == {"R", "C"}, "exactly one of the two edits is in the framework"


def test_the_demo_seed_fills_the_framework_once(admin_user, mops, security, executive):
    from raci import framework_demo

    people = {"admin": admin_user, "mops": mops, "security": security}
    framework_demo.seed(people)
    assert framework.framework_version() == 1
    assert framework.organization_people() == {MO: mops, SEC: security}
    entries = default_entries()
    entries[(7, "owner")] = "R"
    framework_save(actor=executive, entries=entries, people={}, expected_version=1)  # edited since
    framework_demo.seed(people)
    assert framework.framework_version() == 2
    assert FrameworkEntry.objects.get(step_number=7, role="owner").letter == "R"
