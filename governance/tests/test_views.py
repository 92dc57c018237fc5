import pytest
from django.urls import reverse

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from projects.models import Project, ProjectStatus
from raci.models import Role


@pytest.mark.django_db
def test_creating_a_project_makes_ten_steps_and_opens_its_page(client, owner, it_lead):
    client.force_login(owner)
    response = client.post(
        reverse("projects:create"),
        {
            "name": "Loyalty app",
            "problem": "Members churn after their first purchase.",
            "it_lead": it_lead.pk,
            "budget_owner_side": "marketing",
            "requirements_side": "it",
        },
        follow=True,
    )
    project = Project.objects.get(name="Loyalty app")
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    assert project.steps.count() == 10 and project.owner == owner
    page = response.content.decode()
    assert "created with its ten lifecycle steps" in page
    assert page.count("No accountable owner") == 10


@pytest.mark.django_db
def test_an_it_lead_from_marketing_is_refused_with_a_message(client, owner, member):
    client.force_login(owner)
    response = client.post(
        reverse("projects:create"),
        {"name": "X", "problem": "Y", "it_lead": member.pk, "budget_owner_side": "it", "requirements_side": "it"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()  # marketers are not offered as IT lead
    assert not Project.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_missing_fields_are_reported_and_what_was_typed_is_kept(client, owner):
    client.force_login(owner)
    response = client.post(reverse("projects:create"), {"name": "Half typed", "budget_owner_side": "it"})
    page = response.content.decode()
    assert "This field is required" in page and 'value="Half typed"' in page


@pytest.mark.django_db
def test_project_page_shows_accountable_person_or_the_red_badge(client, project, owner, it_lead):
    assign(project.steps.get(number=4), it_lead, Role.ACCOUNTABLE)
    client.force_login(owner)
    response = client.get(project.get_absolute_url())
    steps = {s.number: s for s in response.context["steps"]}
    assert steps[4].accountable == it_lead and steps[5].accountable is None
    page = response.content.decode()
    assert page.count("No accountable owner") == 9
    assert "9 without an accountable owner" in page


@pytest.mark.django_db
def test_project_page_shows_history_with_who_before_and_after(client, project, owner):
    client.force_login(owner)
    client.post(
        reverse("projects:edit", kwargs={"slug": project.slug}),
        {
            "name": "Customer data platform",
            "problem": project.problem,
            "status": "on_hold",
            "budget_owner_side": "marketing",
            "requirements_side": "marketing",
            "it_lead": project.it_lead_id,
        },
    )
    client.post(
        reverse("raci:matrix", kwargs={"slug": project.slug}),
        {"people": [owner.pk], f"cell-{owner.pk}-2": "A"},
    )
    history = client.get(project.get_absolute_url()).context["history_page"].object_list
    status_change = next(c for c in history if c.subject == "Project" and c.summary == "changed")
    assert status_change.who == owner
    assert ("status", "Active", "On hold") in status_change.changes
    raci_change = next(c for c in history if c.summary == "RACI")
    assert raci_change.subject == "Step 2, Define desired outcomes"
    assert raci_change.changes == [(owner.display_name, "—", "Accountable")]


@pytest.mark.django_db
def test_project_list_searches_and_filters(client, owner):
    ProjectFactory.create(owner=owner, name="Customer data platform")
    ProjectFactory.create(owner=owner, name="Email migration", status=ProjectStatus.ON_HOLD)
    client.force_login(owner)
    url = reverse("project_list")
    names = lambda r: [p.name for p in r.context["page"].object_list]  # noqa: E731
    assert names(client.get(url, {"q": "email"})) == ["Email migration"]
    assert names(client.get(url, {"status": "active"})) == ["Customer data platform"]
    empty = client.get(url, {"q": "nothing like this"})
    assert "No project matches this search." in empty.content.decode()


@pytest.mark.django_db
def test_project_list_htmx_request_gets_only_the_table(client, owner):
    ProjectFactory.create(owner=owner, name="CDP")
    client.force_login(owner)
    page = client.get(reverse("project_list"), headers={"HX-Request": "true"}).content.decode()
    assert "CDP" in page and "<html" not in page


@pytest.mark.django_db
def test_empty_project_list_invites_to_create_one(client, outsider):
    client.force_login(outsider)
    assert "No projects yet" in client.get(reverse("project_list")).content.decode()


@pytest.mark.django_db
def test_project_list_is_paginated(client, owner):
    for i in range(23):
        ProjectFactory.create(owner=owner, name=f"Project {i:02}")
    client.force_login(owner)
    first = client.get(reverse("project_list"))
    second = client.get(reverse("project_list"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_project_list_queries_do_not_grow_with_projects(client, count, django_assert_max_num_queries):
    viewer = UserFactory(department=Department.IT)
    for i in range(count):
        project = ProjectFactory.create(name=f"P{i}", it_lead=UserFactory(department=Department.IT))
        assign(project.steps.get(number=1), viewer, Role.INFORMED)
    client.force_login(viewer)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("project_list"))
    assert response.context["page"].paginator.count == count


@pytest.mark.django_db
def test_preferences_turn_reminders_off(client, member):
    client.force_login(member)
    response = client.post(
        reverse("preferences"),
        {"first_name": "Bob", "last_name": "Member", "email": "bob@example.com", "job_title": "Analyst"},
        follow=True,
    )
    assert "Preferences saved." in response.content.decode()
    member.refresh_from_db()
    assert member.reminders_enabled is False and member.job_title == "Analyst"


@pytest.mark.django_db
def test_login_page_and_health_need_no_login(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("health")).json()["status"] == "ok"


@pytest.mark.django_db
def test_logout_is_a_post(client, member):
    client.force_login(member)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
