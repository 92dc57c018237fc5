"""The matrix keeps its promises: no save from a stale page undoes another,
an inactive person holds no role that counts, refusals name people, and
hostile input is a clear 400, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import UserFactory, assign
from governance.models import Department
from raci.models import RaciAssignment, Role
from raci.selectors import matrix_version, steps_with_people
from raci.services import MatrixError, StaleMatrix, matrix_save, step_transition
from raci.transitions import Transition

pytestmark = pytest.mark.django_db


def matrix_url(project):
    return reverse("raci:matrix", kwargs={"slug": project.slug})


def opened_form(client, project) -> dict:
    """Everything the matrix page would post back unchanged, as a browser sends it."""
    response = client.get(matrix_url(project))
    data = {"people": [], "version": response.context["version"]}
    for row in response.context["rows"]:
        data["people"].append(row["person"].pk)
        data[f"opened-{row['person'].pk}"] = row["opened"]
        for cell in row["cells"]:
            data[cell["name"]] = cell["value"]
    return data


def roles(project) -> dict:
    return {(a.user_id, a.step.number): a.role for a in RaciAssignment.objects.filter(step__project=project)}


# --- Lost updates ---------------------------------------------------------------------------


def test_a_save_from_a_page_opened_before_someone_elses_save_does_not_revert_it(
    client, project, owner, it_lead, executive
):
    """The CMO sets step 1 and saves; the CIO, whose page was opened earlier, sets step 2."""
    client.force_login(executive)
    stale = opened_form(client, project)
    client.force_login(owner)
    fresh = opened_form(client, project)
    fresh[f"cell-{owner.pk}-1"] = "A"
    assert client.post(matrix_url(project), fresh).status_code == 302

    client.force_login(executive)
    stale[f"cell-{it_lead.pk}-2"] = "A"
    response = client.post(matrix_url(project), stale)

    assert response.status_code == 409
    assert roles(project)[(owner.pk, 1)] == "A"  # the CMO's save stands
    assert (it_lead.pk, 2) not in roles(project)  # and nothing of the stale page was written


def test_a_stale_save_says_who_changed_what_since_the_page_was_opened(client, project, owner, it_lead, executive):
    client.force_login(executive)
    stale = opened_form(client, project)
    matrix_save(actor=owner, project=project, rows={it_lead.pk: {project.steps.get(number=5).pk: "A"}})
    stale[f"cell-{owner.pk}-2"] = "R"
    page = client.post(matrix_url(project), stale).content.decode()
    assert "Changed since you opened this matrix" in page
    assert f"{owner.display_name}, " in page
    assert f"Step 5, Choose a vendor: {it_lead.display_name} — → Accountable" in page


def test_a_stale_save_keeps_the_users_choices_over_the_current_matrix_and_saves_on_the_second_try(
    client, project, owner, it_lead, executive
):
    client.force_login(executive)
    stale = opened_form(client, project)
    matrix_save(actor=owner, project=project, rows={it_lead.pk: {project.steps.get(number=5).pk: "A"}})
    stale[f"cell-{owner.pk}-2"] = "R"
    response = client.post(matrix_url(project), stale)
    cells = {(r["person"].pk, c["step"].number): c["value"] for r in response.context["rows"] for c in r["cells"]}
    assert cells[(owner.pk, 2)] == "R"  # the user's choice, kept
    assert cells[(it_lead.pk, 5)] == "A"  # the other save, shown as it is now
    assert response.context["version"] == matrix_version(project)

    again = opened_form_from(response)
    assert client.post(matrix_url(project), again).status_code == 302
    assert roles(project)[(owner.pk, 2)] == "R" and roles(project)[(it_lead.pk, 5)] == "A"


def opened_form_from(response) -> dict:
    """What the re-rendered page posts when the user clicks Save again."""
    data = {"people": [], "version": response.context["version"]}
    for row in response.context["rows"]:
        data["people"].append(row["person"].pk)
        data[f"opened-{row['person'].pk}"] = row["opened"]
        for cell in row["cells"]:
            data[cell["name"]] = cell["value"]
    return data


def test_a_cell_both_people_changed_is_flagged_when_the_save_is_refused(client, project, owner, it_lead, executive):
    client.force_login(executive)
    stale = opened_form(client, project)
    matrix_save(actor=owner, project=project, rows={it_lead.pk: {project.steps.get(number=5).pk: "A"}})
    stale[f"cell-{it_lead.pk}-5"] = "C"
    response = client.post(matrix_url(project), stale)
    cells = {(r["person"].pk, c["step"].number): c for r in response.context["rows"] for c in r["cells"]}
    assert cells[(it_lead.pk, 5)]["value"] == "C"
    assert "Changed meanwhile to Accountable" in cells[(it_lead.pk, 5)]["errors"][0]


def test_matrix_save_refuses_an_expected_version_that_is_no_longer_current(project, owner, it_lead):
    version = matrix_version(project)
    s5, s6 = project.steps.get(number=5), project.steps.get(number=6)
    matrix_save(actor=owner, project=project, rows={it_lead.pk: {s5.pk: "A"}}, expected_version=version)
    with pytest.raises(StaleMatrix) as refusal:
        matrix_save(actor=owner, project=project, rows={owner.pk: {s6.pk: "A"}}, expected_version=version)
    assert refusal.value.version == matrix_version(project) > version
    assert len(refusal.value.changes) == 1 and it_lead.display_name in refusal.value.changes[0]
    assert (owner.pk, 6) not in roles(project)


def test_the_matrix_version_moves_on_every_add_change_and_removal(project, owner):
    s2 = project.steps.get(number=2)
    versions = [matrix_version(project)]
    for role in ("R", "A", ""):
        matrix_save(actor=owner, project=project, rows={owner.pk: {s2.pk: role}})
        versions.append(matrix_version(project))
    assert versions == sorted(set(versions))


def test_a_malformed_version_is_a_400(client, project, owner):
    client.force_login(owner)
    for version in ("x", str(2**64), "-1"):
        response = client.post(matrix_url(project), {"people": [owner.pk], "version": version})
        assert response.status_code == 400


# --- Inactive people --------------------------------------------------------------------------


@pytest.fixture
def departed(project):
    """Someone Accountable for step 5 who has since left (deactivated)."""
    person = UserFactory(first_name="Gina", last_name="Gone", department=Department.IT)
    assign(project.steps.get(number=5), person, Role.ACCOUNTABLE)
    person.is_active = False
    person.save()
    return person


def test_the_owners_unrelated_save_is_not_refused_for_someone_elses_inactive_accountable(
    client, project, owner, departed
):
    client.force_login(owner)
    data = opened_form(client, project)
    data[f"cell-{owner.pk}-2"] = "R"
    response = client.post(matrix_url(project), data)
    assert response.status_code == 302
    assert roles(project)[(owner.pk, 2)] == "R" and roles(project)[(departed.pk, 5)] == "A"


def test_a_crafted_post_cannot_give_an_inactive_person_consulted_or_informed(client, project, owner, departed):
    client.force_login(owner)
    data = opened_form(client, project)
    data[f"cell-{departed.pk}-3"] = "C"
    data[f"cell-{departed.pk}-4"] = "I"
    response = client.post(matrix_url(project), data)
    assert "Gina Gone is no longer active and cannot be given a role" in response.content.decode()
    assert set(roles(project)) & {(departed.pk, 3), (departed.pk, 4)} == set()


def test_an_inactive_persons_role_can_be_removed(project, owner, departed):
    matrix_save(actor=owner, project=project, rows={departed.pk: {project.steps.get(number=5).pk: ""}})
    assert (departed.pk, 5) not in roles(project)


def test_a_step_whose_accountable_person_is_inactive_shows_it_and_counts_as_unowned(client, project, owner, departed):
    step = next(s for s in steps_with_people(project) if s.number == 5)
    assert step.accountable is None and step.inactive_accountable == departed
    client.force_login(owner)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Accountable person is inactive" in page
    assert client.get(project.get_absolute_url()).context["unowned"] == 10


def test_the_matrix_header_marks_a_step_whose_accountable_person_is_inactive(client, project, owner, departed):
    client.force_login(owner)
    summary = client.get(matrix_url(project)).context["summary"]
    assert [item["step"].number for item in summary if item["inactive"]] == [5]


def test_a_step_whose_accountable_person_is_inactive_cannot_start(project, owner, departed):
    with pytest.raises(ValidationError, match="its Accountable person, Gina Gone, is inactive"):
        step_transition(actor=owner, step=project.steps.get(number=5), transition=Transition.START)
    assert project.steps.get(number=5).status == "not_started"


def test_a_step_whose_only_responsible_person_is_inactive_cannot_finish(project, owner, user_factory):
    step = project.steps.get(number=6)
    doer = user_factory(first_name="Rex", last_name="Left")
    assign(step, owner, Role.ACCOUNTABLE)
    assign(step, doer, Role.RESPONSIBLE)
    step_transition(actor=owner, step=step, transition=Transition.START)
    doer.is_active = False
    doer.save()
    with pytest.raises(ValidationError, match="its Responsible person, Rex Left, is inactive"):
        step_transition(actor=owner, step=step, transition=Transition.FINISH)


def test_the_dashboard_and_reminders_treat_an_inactive_accountable_as_unowned(project, departed):
    from django.utils import timezone

    from projects.models import Project
    from raci.reminder_plan import steps_to_chase
    from raci.selectors import with_step_figures, with_unowned_count

    figures = with_step_figures(Project.objects.filter(pk=project.pk), today=timezone.localdate()).get()
    assert figures.steps_unowned == 10
    assert with_unowned_count(Project.objects.filter(pk=project.pk)).get().unowned_count == 10
    step5 = project.steps.get(number=5)
    step5.due_date = timezone.localdate()
    step5.save()
    assert step5 in steps_to_chase(now=timezone.now())


# --- Refusals name people -------------------------------------------------------------------


def test_a_second_accountable_is_refused_naming_the_one_already_there(project, owner, it_lead, member):
    s5 = project.steps.get(number=5)
    assign(s5, member, Role.ACCOUNTABLE)  # member is not in the submitted rows
    with pytest.raises(MatrixError) as refusal:
        matrix_save(actor=owner, project=project, rows={it_lead.pk: {s5.pk: "A"}})
    message = refusal.value.cell_errors[(it_lead.pk, s5.pk)][0]
    assert member.display_name in message and "someone" not in message


def test_taking_over_from_an_inactive_accountable_says_to_clear_their_a(project, owner, departed):
    s5 = project.steps.get(number=5)
    with pytest.raises(MatrixError) as refusal:
        matrix_save(actor=owner, project=project, rows={owner.pk: {s5.pk: "A"}})
    assert "Gina Gone is no longer active: clear their A in the same save." in refusal.value.messages[0]
    matrix_save(actor=owner, project=project, rows={owner.pk: {s5.pk: "A"}, departed.pk: {s5.pk: ""}})
    assert roles(project)[(owner.pk, 5)] == "A"


# --- Hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [str(2**63), str(2**64), "-3", "0", "x", "1e3"])
def test_an_id_that_is_not_a_database_id_is_a_400_on_every_matrix_url(client, project, owner, bad):
    client.force_login(owner)
    assert client.get(matrix_url(project), {"add": bad}).status_code == 400
    assert client.post(matrix_url(project), {"people": [bad]}).status_code == 400
    row_url = reverse("raci:matrix_row", kwargs={"slug": project.slug})
    assert client.get(row_url, {"add": bad}).status_code == 400
    assert client.get(row_url, {"add": owner.pk, "people": [bad]}).status_code == 400


def test_a_nul_byte_in_a_blocked_reason_is_refused_and_nothing_is_written(client, project, owner):
    client.force_login(owner)
    url = reverse("raci:step_transition", kwargs={"slug": project.slug, "number": 2, "transition": "block"})
    response = client.post(url, {"reason": "waiting\x00for legal"}, follow=True)
    assert response.status_code == 200
    assert "cannot be stored (NUL)" in response.content.decode()
    assert project.steps.get(number=2).status == "not_started"


def test_a_nul_byte_in_a_cell_is_refused_as_not_a_role(client, project, owner):
    client.force_login(owner)
    data = opened_form(client, project)
    data[f"cell-{owner.pk}-2"] = "A\x00"
    response = client.post(matrix_url(project), data)
    assert response.status_code == 200 and "is not a RACI role" in response.content.decode()
    assert (owner.pk, 2) not in roles(project)
