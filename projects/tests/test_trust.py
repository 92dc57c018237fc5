"""Project edits keep their promises: a stale page never undoes a save, admin
checks what the app checks, hostile input is a form error and writes nothing."""

import html

import pytest
from django.urls import reverse

from conftest import UserFactory
from governance.models import Department
from projects.models import Project
from projects.selectors import project_version, step_version
from projects.services import StaleEdit, project_update, step_update
from raci.models import RaciAssignment

pytestmark = pytest.mark.django_db


def edit_url(project):
    return reverse("projects:edit", kwargs={"slug": project.slug})


def step_url(project, number):
    return reverse("projects:step_edit", kwargs={"slug": project.slug, "number": number})


def as_opened(client, url) -> dict:
    """What the edit page posts back unchanged."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
    return data


# --- Stale project edits -----------------------------------------------------------------------


def test_a_project_edit_from_a_stale_page_does_not_undo_another_save(client, project, owner, executive):
    client.force_login(executive)
    stale = as_opened(client, edit_url(project))
    project_update(actor=owner, project=project, name="CDP, renamed by the owner")

    stale["target_launch"] = "2027-03-01"
    response = client.post(edit_url(project), stale)

    assert response.status_code == 409
    project.refresh_from_db()
    assert project.name == "CDP, renamed by the owner" and project.target_launch is None
    page = response.content.decode()
    assert "Someone saved this project after you opened it" in page
    assert f"{owner.display_name}, " in page and "name: Customer data platform → CDP, renamed by the owner" in page


def test_a_refused_project_edit_keeps_the_users_change_over_the_current_values_and_saves_next_time(
    client, project, owner, executive
):
    client.force_login(executive)
    stale = as_opened(client, edit_url(project))
    project_update(actor=owner, project=project, name="Renamed")
    stale["target_launch"] = "2027-03-01"
    form = client.post(edit_url(project), stale).context["form"]
    assert form["name"].value() == "Renamed" and form["target_launch"].value() == "2027-03-01"
    assert int(form["version"].value()) == project_version(project)

    again = {name: form[name].value() or "" for name in form.fields}
    assert client.post(edit_url(project), again).status_code == 302
    project.refresh_from_db()
    assert project.name == "Renamed" and str(project.target_launch) == "2027-03-01"


def test_project_update_refuses_a_version_that_a_field_change_made_stale(project, owner, it_lead):
    version = project_version(project)
    project_update(actor=owner, project=project, name="One", expected_version=version)
    with pytest.raises(StaleEdit) as refusal:
        project_update(actor=it_lead, project=project, problem="Another problem", expected_version=version)
    assert refusal.value.version == project_version(project)
    assert Project.objects.get(pk=project.pk).problem != "Another problem"


def test_a_save_that_changed_no_field_does_not_make_the_page_stale(project, owner):
    version = project_version(project)
    project_update(actor=owner, project=project)  # "Nothing changed": a history record, no change
    project_update(actor=owner, project=project, name="Fine", expected_version=version)
    assert Project.objects.get(pk=project.pk).name == "Fine"


def test_a_step_plan_from_a_stale_page_does_not_undo_another_plan(client, project, owner, executive):
    client.force_login(executive)
    stale = as_opened(client, step_url(project, 3))
    step_update(actor=owner, step=project.steps.get(number=3), due_date=None, outcome="Agreed with legal.")
    stale["due_date"] = "2027-01-15"
    response = client.post(step_url(project, 3), stale)
    assert response.status_code == 409
    step = project.steps.get(number=3)
    assert step.outcome == "Agreed with legal." and step.due_date is None
    assert "Someone saved this step's plan after you opened it" in html.unescape(response.content.decode())
    form = response.context["form"]
    assert form["outcome"].value() == "Agreed with legal." and form["due_date"].value() == "2027-01-15"


def test_a_status_change_does_not_make_a_step_plan_stale(project, owner, it_lead):
    step = project.steps.get(number=3)
    version = step_version(step)
    RaciAssignment.objects.create(step=step, user=it_lead, role="A")
    from raci.services import step_transition

    step_transition(actor=owner, step=step, transition="start")
    step_update(actor=owner, step=step, due_date=None, outcome="Fine.", expected_version=version)
    assert project.steps.get(number=3).outcome == "Fine."


# --- Hostile input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "problem"])
def test_a_nul_byte_in_a_project_text_is_a_form_error_and_nothing_is_written(client, project, owner, field):
    client.force_login(owner)
    data = as_opened(client, edit_url(project))
    data[field] = "Bad\x00text"
    response = client.post(edit_url(project), data)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert "\x00" not in getattr(Project.objects.get(pk=project.pk), field)


def test_a_nul_byte_in_a_new_projects_name_is_a_form_error(client, owner):
    client.force_login(owner)
    response = client.post(reverse("projects:create"), {"name": "A\x00", "problem": "x"})
    assert response.status_code == 200 and response.context["form"].errors["name"]
    assert not Project.objects.filter(owner=owner).exists()


def test_a_nul_byte_in_a_step_outcome_is_a_form_error(client, project, owner):
    client.force_login(owner)
    data = as_opened(client, step_url(project, 2))
    data["outcome"] = "x\x00y"
    response = client.post(step_url(project, 2), data)
    assert response.status_code == 200 and response.context["form"].errors["outcome"]


def test_the_services_refuse_a_nul_byte_too(project, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        project_update(actor=owner, project=project, name="x\x00")
    with pytest.raises(ValidationError):
        step_update(actor=owner, step=project.steps.get(number=2), due_date=None, outcome="x\x00")


@pytest.mark.parametrize("value", [str(2**64), "-1", "x"])
def test_a_version_or_person_id_out_of_range_is_a_form_error_not_a_500(client, project, owner, value):
    client.force_login(owner)
    for field in ("version", "it_lead"):
        data = as_opened(client, edit_url(project))
        data[field] = value
        response = client.post(edit_url(project), data)
        assert response.status_code == 200 and response.context["form"].errors[field]


def test_a_search_term_over_fifty_thousand_characters_is_a_form_error(client, project, owner):
    client.force_login(owner)
    response = client.get(reverse("project_list"), {"q": "x" * 60_000})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["q"]
    assert list(response.context["page"]) == []


def test_a_nul_byte_in_a_search_term_is_a_form_error(client, project, owner):
    client.force_login(owner)
    response = client.get(reverse("project_list"), {"q": "data\x00"})
    assert response.status_code == 200 and response.context["filter"].form.errors["q"]


# --- Admin checks what the app checks -------------------------------------------------------


def admin_form(client, project) -> dict:
    """The project's admin change form as a browser would post it."""
    response = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
        for index, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                value = inline[name].value()
                key = f"{formset.formset.prefix}-{index}-{name}"
                data[key] = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
    return data


def test_admin_refuses_a_marketing_sponsor_from_it(client, project, admin_user):
    it_person = UserFactory(department=Department.IT)
    client.force_login(admin_user)
    data = admin_form(client, project)
    data["marketing_sponsor"] = it_person.pk
    response = client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 200
    assert "must be on the Marketing side" in response.content.decode()
    assert Project.objects.get(pk=project.pk).marketing_sponsor is None


def test_admin_refuses_an_inactive_it_lead(client, project, admin_user):
    gone = UserFactory(department=Department.IT, is_active=False)
    client.force_login(admin_user)
    data = admin_form(client, project)
    data["it_lead"] = gone.pk
    response = client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert "is no longer active" in response.content.decode()
    assert Project.objects.get(pk=project.pk).it_lead != gone


def test_admin_saves_a_valid_sponsor(client, project, admin_user):
    sponsor = UserFactory(department=Department.MARKETING)
    client.force_login(admin_user)
    data = admin_form(client, project)
    data["marketing_sponsor"] = sponsor.pk
    response = client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).marketing_sponsor == sponsor


def test_admin_cannot_delete_a_raci_assignment_or_revert_a_step(client, project, admin_user, member):
    client.force_login(admin_user)
    assignment = RaciAssignment.objects.get(user=member)
    url = reverse("admin:raci_raciassignment_delete", args=[assignment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:raci_raciassignment_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [assignment.pk], "post": "yes"})
    assert RaciAssignment.objects.filter(pk=assignment.pk).exists()


def test_admin_cannot_revert_a_step_to_a_past_status(client, project, admin_user, owner):
    from raci.services import step_transition

    step = project.steps.get(number=1)
    RaciAssignment.objects.create(step=step, user=owner, role="A")
    step_transition(actor=owner, step=step, transition="start")
    client.force_login(admin_user)
    record = step.history.earliest()
    revert = reverse("admin:projects_lifecyclestep_simple_history", args=[step.pk, record.history_id])
    assert client.post(revert, {"due_date": "", "suggested_side": step.suggested_side}).status_code == 403
    assert project.steps.get(number=1).status == "in_progress"


def test_admin_shows_a_steps_status_read_only(client, project, admin_user):
    client.force_login(admin_user)
    step = project.steps.get(number=1)
    page = client.get(reverse("admin:projects_lifecyclestep_change", args=[step.pk])).content.decode()
    assert 'name="status"' not in page
    project_page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert 'name="steps-0-status"' not in project_page
