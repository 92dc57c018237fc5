"""Liaisons: who speaks for each side to the other, the organization's and a project's, with the fallback."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department, Side
from projects import liaisons
from projects.access import NotVisible
from projects.liaison_services import liaison_clear, liaison_set, liaisons_save
from projects.models import Liaison
from raci.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer(db):
    return UserFactory(username="maya", first_name="Maya", last_name="Patel", department=Department.MARKETING_OPS)


@pytest.fixture
def engineer(db):
    return UserFactory(username="theo", first_name="Theo", last_name="Lind", department=Department.IT)


@pytest.fixture
def integrator(db):
    return UserFactory(username="nora", first_name="Nora", last_name="Quinn", department=Department.IT)


def test_executives_and_administrators_name_the_organizations_liaisons(executive, admin_user, marketer, engineer):
    liaison_set(actor=executive, side=Side.MARKETING, user=marketer)
    liaison_set(actor=admin_user, side=Side.IT, user=engineer)
    assert liaisons.organization_liaisons() == {Side.MARKETING: marketer, Side.IT: engineer}
    liaison_set(actor=executive, side=Side.IT, user=marketer.__class__.objects.get(pk=engineer.pk))  # no change
    assert Liaison.objects.count() == 2
    assert liaison_clear(actor=executive, side=Side.IT) is True
    assert liaison_clear(actor=executive, side=Side.IT) is False
    assert liaisons.organization_liaisons()[Side.IT] is None


def test_nobody_else_names_the_organizations_liaisons(owner, it_lead, engineer):
    for actor in (owner, it_lead):
        with pytest.raises(PermissionDenied, match="Only executives and administrators"):
            liaison_set(actor=actor, side=Side.IT, user=engineer)
    engineer.is_executive, engineer.is_active = True, False
    with pytest.raises(PermissionDenied):
        liaison_set(actor=engineer, side=Side.IT, user=it_lead)
    assert not Liaison.objects.exists()


def test_the_person_must_be_active_and_on_that_side(executive, marketer, engineer):
    with pytest.raises(ValidationError, match="The IT liaison must be on the IT side; Maya Patel is in Marketing"):
        liaison_set(actor=executive, side=Side.IT, user=marketer)
    other = UserFactory(department=Department.OTHER)
    with pytest.raises(ValidationError, match="must be on the Marketing side"):
        liaison_set(actor=executive, side=Side.MARKETING, user=other)
    engineer.is_active = False
    engineer.save()
    with pytest.raises(ValidationError, match="no longer active"):
        liaison_set(actor=executive, side=Side.IT, user=engineer)
    with pytest.raises(ValidationError, match="not a side"):
        liaison_set(actor=executive, side="finance", user=marketer)
    assert not Liaison.objects.exists()


def test_a_projects_managers_name_its_liaisons_members_may_not_outsiders_do_not_see_it(
    project, owner, it_lead, member, outsider, integrator
):
    liaison_set(actor=owner, side=Side.IT, user=integrator, project=project)
    liaison_set(actor=it_lead, side=Side.IT, user=it_lead, project=project)  # replaces
    assert list(Liaison.objects.values_list("project", "side", "user")) == [(project.pk, Side.IT, it_lead.pk)]
    with pytest.raises(PermissionDenied) as refused:
        liaison_set(actor=member, side=Side.IT, user=integrator, project=project)
    assert not isinstance(refused.value, NotVisible)
    with pytest.raises(NotVisible):
        liaison_clear(actor=outsider, side=Side.IT, project=project)
    assert Liaison.objects.get().user == it_lead


def test_a_project_without_its_own_liaison_falls_back_to_the_organizations(
    project, owner, executive, marketer, engineer, integrator
):
    assert liaisons.liaisons_for(project) == {Side.MARKETING: None, Side.IT: None}
    liaison_set(actor=executive, side=Side.MARKETING, user=marketer)
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    assert liaisons.liaisons_for(project) == {Side.MARKETING: (marketer, True), Side.IT: (engineer, True)}
    liaison_set(actor=owner, side=Side.IT, user=integrator, project=project)
    other = ProjectFactory.create(owner=owner, name="Other")
    with CaptureQueriesContext(connection) as queries:
        found = liaisons.liaisons_for(project)
    assert len(queries) == 1
    assert found == {Side.MARKETING: (marketer, True), Side.IT: (integrator, False)}
    assert liaisons.liaisons_for(other)[Side.IT] == (engineer, True)  # another project keeps the organization's
    integrator.is_active = False  # someone who left counts as nobody: the fallback shows
    integrator.save()
    assert liaisons.liaisons_for(project)[Side.IT] == (engineer, True)
    liaison_clear(actor=owner, side=Side.IT, project=project)
    assert liaisons.liaisons_for(project)[Side.IT] == (engineer, True)


def test_the_database_holds_one_liaison_per_side_for_the_organization_and_per_project(project, marketer, owner):
    other_marketer = UserFactory(department=Department.MARKETING)
    Liaison.objects.create(side=Side.MARKETING, user=marketer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Liaison.objects.create(side=Side.MARKETING, user=other_marketer)
    Liaison.objects.create(side=Side.MARKETING, user=marketer, project=project)  # a project's own is another row
    with pytest.raises(IntegrityError), transaction.atomic():
        Liaison.objects.create(side=Side.MARKETING, user=other_marketer, project=project)
    Liaison.objects.create(side=Side.MARKETING, user=owner, project=ProjectFactory.create(owner=owner))
    with pytest.raises(IntegrityError), transaction.atomic():
        Liaison.objects.create(side="finance", user=marketer)
    assert Liaison.objects.count() == 3


def test_saving_both_sides_is_all_or_nothing_with_an_error_per_side(executive, marketer, engineer, integrator):
    with pytest.raises(ValidationError) as refused:
        liaisons_save(actor=executive, people={Side.MARKETING: engineer, Side.IT: integrator})
    assert set(refused.value.message_dict) == {Side.MARKETING}
    assert not Liaison.objects.exists()
    assert liaisons_save(actor=executive, people={Side.MARKETING: marketer, Side.IT: integrator}) == ["it", "marketing"]
    assert liaisons_save(actor=executive, people={Side.MARKETING: marketer, Side.IT: None}) == ["it"]
    assert liaisons.organization_liaisons() == {Side.MARKETING: marketer, Side.IT: None}


def test_every_change_is_in_the_history_with_who_made_it(executive, admin_user, engineer, integrator):
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    liaison_set(actor=admin_user, side=Side.IT, user=integrator)
    liaison_clear(actor=executive, side=Side.IT)
    records = list(Liaison.history.order_by("history_date").values_list("history_type", "user", "history_user"))
    assert records == [
        ("+", engineer.pk, executive.pk),
        ("~", integrator.pk, admin_user.pk),
        ("-", integrator.pk, executive.pk),
    ]


# --- Pages ----------------------------------------------------------------------------------


def test_the_project_page_shows_the_liaisons_and_offers_the_change_to_managers(
    client, project, owner, member, executive, engineer
):
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    client.force_login(member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="liaisons-card"' in page and "Theo Lind" in page and "(the organization's)" in page
    assert reverse("projects:project_liaisons", args=[project.slug]) not in page
    client.force_login(owner)
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("projects:project_liaisons", args=[project.slug]) in page


def test_a_manager_names_the_projects_own_liaison_on_its_page(client, project, owner, executive, engineer, integrator):
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    client.force_login(owner)
    url = reverse("projects:project_liaisons", args=[project.slug])
    form = client.get(url).content.decode()
    assert "the organization&#x27;s (Theo Lind)" in form
    response = client.post(url, {"marketing": "", "it": integrator.pk})
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert liaisons.liaisons_for(project)[Side.IT] == (integrator, False)
    # Someone on the wrong side: the form says so under the field, nothing is saved.
    response = client.post(url, {"marketing": engineer.pk, "it": integrator.pk})
    assert response.status_code == 200 and response.context["form"].errors["marketing"]
    assert liaisons.liaisons_for(project)[Side.MARKETING] is None


def test_the_organizations_page_is_read_by_all_and_changed_by_executives(client, member, executive, marketer):
    url = reverse("projects:liaisons")
    client.force_login(member)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(url, {"marketing": marketer.pk}).status_code == 403
    client.force_login(executive)
    response = client.post(url, {"marketing": marketer.pk, "it": ""}, follow=True)
    assert "Liaisons saved." in response.content.decode()
    assert "named Maya Patel the Marketing liaison" in response.content.decode()  # the history
    assert liaisons.organization_liaisons()[Side.MARKETING] == marketer


def test_the_framework_page_shows_the_organizations_liaisons_with_a_link(client, member, executive, engineer):
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    client.force_login(member)
    page = client.get(reverse("raci:framework")).content.decode()
    assert 'data-testid="framework-liaisons"' in page and "IT <strong>Theo Lind</strong>" in page
    assert "Marketing <strong>nobody named yet</strong>" in page
    assert reverse("projects:liaisons") in page


# --- My work and the digest -------------------------------------------------------------------


def _projects_of(person, count: int, owner) -> list:
    projects = [ProjectFactory.create(owner=owner, name=f"P{n:02}") for n in range(count)]
    for project in projects:
        assign(project.steps.get(number=1), person, Role.RESPONSIBLE)
    return projects


def test_my_work_names_the_other_sides_liaison_for_each_of_the_persons_projects(
    client, owner, executive, marketer, engineer, integrator
):
    projects = _projects_of(marketer, 3, owner)
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    liaison_set(actor=owner, side=Side.IT, user=integrator, project=projects[1])
    liaison_set(actor=executive, side=Side.MARKETING, user=marketer)
    client.force_login(marketer)
    page = client.get(reverse("my_work")).content.decode()
    assert "You are the Marketing liaison for the organization." in page
    part = liaisons.my_work_part(marketer)
    shown = [(c.person, c.organization, [p.name for p in c.projects]) for c in part["counterparts"]]
    assert shown == [(engineer, True, ["P00", "P02"]), (integrator, False, ["P01"])]  # IT only: her counterpart


def test_nothing_to_say_shows_no_section(owner):
    assert liaisons.my_work_part(owner) is None


@pytest.mark.parametrize("count", [3, 30])
def test_my_work_liaisons_take_two_queries_however_many_projects(count, owner, executive, marketer, engineer):
    projects = _projects_of(marketer, count, owner)
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    for project in projects[::2]:
        liaison_set(actor=owner, side=Side.IT, user=UserFactory(department=Department.IT), project=project)
    with CaptureQueriesContext(connection) as queries:
        part = liaisons.my_work_part(marketer)
        render_to_string("projects/_liaisons_my_work.html", {"part": part})
    assert len(queries) == 2
    assert sum(c.total for c in part["counterparts"]) == count
    shown = sum(len(c.shown_projects) for c in part["counterparts"])
    assert shown == min(count, (count + 1) // 2 + liaisons.MY_WORK_PROJECTS)


def test_the_digest_says_who_the_persons_liaison_is(owner, executive, marketer, engineer):
    _projects_of(marketer, 2, owner)
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    part = liaisons.digest_part(marketer)
    text = render_to_string("projects/email/liaisons_digest.txt", {"part": part})
    html = render_to_string("projects/email/liaisons_digest.html", {"part": part})
    assert "Your IT liaison is Theo Lind <theo@example.com> (the organization's, for P00, P01)" in text
    assert "Your IT liaison is <strong>Theo Lind</strong>" in html
    assert liaisons.digest_part(engineer) is None  # nobody on the Marketing side named


def test_a_person_with_many_projects_reads_the_first_names_and_a_count(owner, executive, marketer, engineer):
    _projects_of(marketer, liaisons.MY_WORK_PROJECTS + 5, owner)
    with CaptureQueriesContext(connection) as queries:
        assert liaisons.my_work_part(marketer) is None  # nobody named: one query, no project read
    assert len(queries) == 1
    liaison_set(actor=executive, side=Side.IT, user=engineer)
    (counterpart,) = liaisons.digest_part(marketer)["counterparts"]
    assert (counterpart.total, len(counterpart.shown_projects), counterpart.more) == (30, 25, 5)
    assert [p.name for p in counterpart.shown_projects] == [f"P{i:02}" for i in range(25)]
    text = render_to_string("projects/email/liaisons_digest.txt", {"part": {"counterparts": [counterpart]}})
    assert "P24 and 5 more)" in text
