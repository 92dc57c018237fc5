"""My work reads one person's rows (their roles, invitations and drafts), never the
whole portfolio; what it shows still follows who may see which project."""

import pytest
from django.urls import reverse

from conftest import ProjectFactory, assign
from projects.access import can_view, visible_projects
from projects.liaisons import member_projects
from projects.models import Project, ProjectStatus
from raci import selectors as raci_selectors
from raci.models import Role
from scorecards import selectors as scorecard_selectors
from scorecards import services as scorecards
from scorecards.defaults import ensure_default_criteria

pytestmark = pytest.mark.django_db


def test_an_invitation_on_a_project_no_longer_visible_is_not_waiting(project, owner, it_lead, outsider):
    ensure_default_criteria()
    scorecard = scorecards.scorecard_for(project)
    invited = scorecards.candidate_save(actor=owner, scorecard=scorecard, name="Inv")
    scorecards.invitations_send(actor=owner, candidate=invited, users=[it_lead])
    assert [c.name for c in scorecard_selectors.ratings_waiting_for(it_lead)] == ["Inv"]

    Project.objects.filter(pk=project.pk).update(it_lead=outsider)  # no other role: he no longer sees it
    project.refresh_from_db()
    assert not can_view(it_lead, project)
    assert scorecard_selectors.ratings_waiting_for(it_lead) == []


def test_each_way_of_belonging_to_a_project_counts_once(owner, it_lead, outsider):
    """Owner, IT sponsor, IT lead and a role on two steps: one project each, seen once."""
    as_owner = ProjectFactory.create(owner=outsider, name="Owned")
    as_sponsor = ProjectFactory.create(owner=owner, it_sponsor=outsider, name="Sponsored")
    as_lead = ProjectFactory.create(owner=owner, it_lead=outsider, name="Led")
    with_roles = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Roles")
    assign(with_roles.steps.get(number=1), outsider, Role.CONSULTED)
    assign(with_roles.steps.get(number=2), outsider, Role.RESPONSIBLE)
    ProjectFactory.create(owner=owner, it_lead=it_lead, name="Not theirs")
    Project.objects.filter(pk=as_lead.pk).update(status=ProjectStatus.ON_HOLD)

    expected = ["Led", "Owned", "Roles", "Sponsored"]
    assert list(visible_projects(outsider).order_by("name").values_list("name", flat=True)) == expected
    assert visible_projects(outsider).count() == 4
    assert [p.name for p in member_projects(outsider).order_by("name")] == ["Owned", "Roles", "Sponsored"]
    assert [p.pk for p in (as_owner, as_sponsor, with_roles) if not can_view(outsider, p)] == []


def test_my_steps_of_someone_inactive_are_none(project, it_lead):
    assign(project.steps.get(number=2), it_lead, Role.ACCOUNTABLE)
    assert len(raci_selectors.my_steps(it_lead)) == 1
    it_lead.is_active = False
    it_lead.save()
    assert raci_selectors.my_steps(it_lead) == []


def test_unowned_steps_of_another_persons_project_are_not_theirs(client, project, it_lead, outsider):
    """The chase is narrowed to the viewer's projects: someone else's unowned steps never show."""
    elsewhere = ProjectFactory.create(owner=outsider, name="Elsewhere")
    client.force_login(it_lead)
    response = client.get(reverse("my_work"))
    assert response.status_code == 200
    duties = response.context["unowned_duties"]
    assert duties and {step.project_id for step in duties} == {project.pk}
    assert elsewhere.pk not in {step.project_id for step in duties}
