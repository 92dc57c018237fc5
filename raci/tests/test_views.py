import pytest
from django.urls import reverse

from conftest import UserFactory, assign
from governance.models import Department
from raci.models import RaciAssignment, Role


def matrix_url(project):
    return reverse("raci:matrix", kwargs={"slug": project.slug})


def cell(user, number):
    return f"cell-{user.pk}-{number}"


@pytest.mark.django_db
def test_saving_the_matrix_assigns_roles_and_says_so(client, project, owner, it_lead, member):
    client.force_login(it_lead)
    data = {"people": [owner.pk, it_lead.pk, member.pk], cell(it_lead, 5): "A", cell(owner, 5): "R"}
    data[cell(member, 1)] = "C"
    response = client.post(matrix_url(project), data, follow=True)
    assert "RACI matrix saved: 2 added, 0 changed, 0 removed." in response.content.decode()
    assert project.steps.get(number=5).assignments.get(role=Role.ACCOUNTABLE).user == it_lead


@pytest.mark.django_db
def test_refused_matrix_saves_nothing_and_keeps_the_users_choices(client, project, owner, it_lead, member):
    client.force_login(owner)
    before = set(RaciAssignment.objects.values_list("user_id", "step_id", "role"))
    data = {
        "people": [owner.pk, it_lead.pk, member.pk],
        cell(owner, 5): "A",
        cell(it_lead, 5): "A",  # a second A on step 5: refused
        cell(owner, 2): "R",  # a valid change, kept on the page but not saved
        cell(member, 1): "C",
    }
    response = client.post(matrix_url(project), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert set(RaciAssignment.objects.values_list("user_id", "step_id", "role")) == before
    rows = {(r["person"].pk, c["step"].number): c for r in response.context["rows"] for c in r["cells"]}
    assert rows[(owner.pk, 2)]["value"] == "R"
    assert rows[(owner.pk, 5)]["errors"] and rows[(it_lead.pk, 5)]["errors"]
    assert not rows[(owner.pk, 2)]["errors"]
    assert 'aria-invalid="true"' in page
    assert page.count("is-invalid") == 2


@pytest.mark.django_db
def test_read_only_member_sees_a_disabled_matrix(client, project, member):
    client.force_login(member)
    page = client.get(matrix_url(project)).content.decode()
    assert "Save matrix" not in page
    assert "disabled" in page


@pytest.mark.django_db
def test_adding_a_person_returns_their_empty_row_and_a_new_picker(client, project, owner, it_lead, member):
    newcomer = UserFactory(first_name="Nora", last_name="Quinn", department=Department.IT)
    client.force_login(owner)
    url = reverse("raci:matrix_row", kwargs={"slug": project.slug})
    response = client.get(
        url, {"add": newcomer.pk, "people": [owner.pk, it_lead.pk, member.pk]}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="people" value="{newcomer.pk}"' in page
    assert page.count("<select") == 11  # ten cells and the refreshed picker
    assert 'hx-swap-oob="true"' in page
    picker = page[page.index('id="add-person"') :]
    assert "Nora Quinn" not in picker


@pytest.mark.django_db
def test_adding_a_person_without_javascript_shows_them_in_the_matrix(client, project, owner):
    newcomer = UserFactory(first_name="Nora", last_name="Quinn")
    client.force_login(owner)
    response = client.get(matrix_url(project), {"add": newcomer.pk})
    assert newcomer in [row["person"] for row in response.context["rows"]]


@pytest.mark.django_db
def test_nonsense_people_ids_are_a_clear_400_not_a_500(client, project, owner):
    client.force_login(owner)
    response = client.post(matrix_url(project), {"people": ["x"]})
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_unknown_role_in_a_cell_is_refused_with_a_message(client, project, owner):
    client.force_login(owner)
    response = client.post(matrix_url(project), {"people": [owner.pk], cell(owner, 3): "Z"})
    assert "is not a RACI role" in response.content.decode()
    assert not RaciAssignment.objects.filter(user=owner).exists()


def _populate(project, people_count):
    steps = list(project.steps.order_by("number"))
    for i in range(people_count):
        person = UserFactory(department=Department.IT if i % 2 else Department.MARKETING)
        assign(steps[i % 10], person, Role.CONSULTED)


@pytest.mark.django_db
@pytest.mark.parametrize("people_count", [3, 30])
def test_matrix_page_queries_do_not_grow_with_people(
    client, project, owner, people_count, django_assert_max_num_queries
):
    _populate(project, people_count)
    client.force_login(owner)
    # One more than before: the matrix version the page is opened at.
    with django_assert_max_num_queries(8):
        response = client.get(matrix_url(project))
    assert len(response.context["rows"]) >= people_count


@pytest.mark.django_db
@pytest.mark.parametrize("people_count", [3, 30])
def test_matrix_save_queries_do_not_grow_with_people_beyond_the_changed_cells(
    client, project, owner, people_count, django_assert_max_num_queries
):
    _populate(project, people_count)
    client.force_login(owner)
    # The form posts every cell; only one of them changes.
    data = {"people": list(RaciAssignment.objects.values_list("user_id", flat=True).distinct()) + [owner.pk]}
    for user_id, number, role in RaciAssignment.objects.values_list("user_id", "step__number", "role"):
        data[f"cell-{user_id}-{number}"] = role
    data[cell(owner, 4)] = "A"
    with django_assert_max_num_queries(16):
        response = client.post(matrix_url(project), data)
    assert response.status_code == 302
    assert RaciAssignment.objects.filter(step__project=project).count() == people_count + 2


@pytest.mark.django_db
def test_step_transition_refused_by_the_rules_shows_the_reason(client, project, owner):
    client.force_login(owner)
    url = reverse("raci:step_transition", kwargs={"slug": project.slug, "number": 2, "transition": "start"})
    response = client.post(url, follow=True)
    assert "cannot start without an Accountable person" in response.content.decode()
    assert project.steps.get(number=2).status == "not_started"


@pytest.mark.django_db
def test_responsible_person_may_finish_their_step(client, project, owner, user_factory):
    doer = user_factory(department=Department.IT)
    step = project.steps.get(number=6)
    assign(step, owner, Role.ACCOUNTABLE)
    assign(step, doer, Role.RESPONSIBLE)
    client.force_login(doer)
    for transition in ("start", "finish"):
        url = reverse("raci:step_transition", kwargs={"slug": project.slug, "number": 6, "transition": transition})
        assert client.post(url).status_code == 302
    assert project.steps.get(number=6).status == "done"


@pytest.mark.django_db
def test_unknown_transition_is_a_400(client, project, owner):
    client.force_login(owner)
    url = reverse("raci:step_transition", kwargs={"slug": project.slug, "number": 2, "transition": "explode"})
    assert client.post(url).status_code == 400
