"""The "My work" home: what waits for a person who is not an executive."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alignment.tests.factories import answered_round
from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from overview.tests.test_dashboard import rate
from projects.models import LifecycleStep, ProjectStatus, StepStatus
from raci.models import Role
from scorecards import services as scorecards
from scorecards.defaults import ensure_default_criteria

pytestmark = pytest.mark.django_db


def my_work(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_steps_where_the_person_is_accountable_or_responsible(client, project, member, owner):
    steps = {s.number: s for s in project.steps.all()}
    assign(steps[2], member, Role.ACCOUNTABLE)
    assign(steps[3], member, Role.RESPONSIBLE)
    assign(steps[4], member, Role.INFORMED)
    assign(steps[5], member, Role.RESPONSIBLE)
    LifecycleStep.objects.filter(pk=steps[5].pk).update(status=StepStatus.DONE, completed_at=timezone.now())
    LifecycleStep.objects.filter(pk=steps[3].pk).update(due_date=timezone.localdate() - timedelta(days=1))
    paused = ProjectFactory.create(owner=owner, name="Paused")
    assign(paused.steps.get(number=1), member, Role.ACCOUNTABLE)
    type(paused).objects.filter(pk=paused.pk).update(status=ProjectStatus.ON_HOLD)

    response = my_work(client, member)
    mine = [(a.step.project.name, a.step.number, a.role) for a in response.context["my_steps"]]
    assert mine == [(project.name, 3, "R"), (project.name, 2, "A")]  # the overdue one first; C/I, done, paused left out
    page = response.content.decode()
    assert "Overdue · " in page and f"{project.get_absolute_url()}#step-2" in page


def test_scorecards_waiting_for_a_rating(client, project, owner, it_lead):
    ensure_default_criteria()
    scorecard = scorecards.scorecard_for(project)
    invited, drafted, done, _uninvited = (
        scorecards.candidate_save(actor=owner, scorecard=scorecard, name=name)
        for name in ("Inv", "Draft", "Done", "No")
    )
    scorecards.invitations_send(actor=owner, candidate=invited, users=[it_lead])
    scorecards.invitations_send(actor=owner, candidate=done, users=[it_lead])
    criteria = list(scorecard.criteria.order_by("group", "position"))
    scorecards.ratings_save(actor=it_lead, candidate=drafted, scores={criteria[0].pk: 3}, comments={}, submit=False)
    rate(done, it_lead, [4] * 10)

    response = my_work(client, it_lead)
    assert [(c.name, c.draft) for c in response.context["ratings_waiting"]] == [("Draft", True), ("Inv", False)]
    page = response.content.decode()
    assert "Finish rating Draft" in page and "Rate Inv" in page
    assert reverse("scorecards:rate", args=[project.slug, invited.pk]) in page

    # Once a vendor is chosen, nothing on that scorecard waits any more.
    scorecards.decision_record(actor=owner_exec(), scorecard=scorecard, candidate=done, rationale="Rated best.")
    assert my_work(client, it_lead).context["ratings_waiting"] == []


def owner_exec():
    return UserFactory(department=Department.MARKETING, is_executive=True)


def test_open_assessment_rounds_waiting(client, project, owner, it_lead, member):
    round_, _, _ = answered_round(
        owner, [], [], project=project, invitees=[it_lead, member], closed=False, title="Kick-off"
    )
    response = my_work(client, it_lead)
    assert [i.round for i in response.context["alignment_waiting"]] == [round_]
    assert reverse("alignment:answer", args=[round_.pk]) in response.content.decode()


def test_owned_projects_with_unowned_steps(client, owner, project, it_lead):
    tidy = ProjectFactory.create(owner=owner, name="Tidy")
    for step in tidy.steps.all():
        assign(step, owner, Role.ACCOUNTABLE)
    ProjectFactory.create(owner=it_lead, name="Not mine")
    response = my_work(client, owner)
    assert [(p.name, p.unowned_count) for p in response.context["needing_owner"]] == [(project.name, 10)]
    assert reverse("raci:matrix", args=[project.slug]) in response.content.decode()


def test_nothing_waiting_says_so(client, outsider):
    page = my_work(client, outsider).content.decode()
    assert "Nothing waits for you right now" in page


@pytest.mark.parametrize("projects", [3, 30])
def test_my_work_queries_do_not_grow(client, owner, projects, django_assert_num_queries):
    for i in range(projects):
        made = ProjectFactory.create(owner=owner, name=f"P{i}")
        assign(made.steps.get(number=1), owner, Role.ACCOUNTABLE)
    client.force_login(owner)
    with django_assert_num_queries(7):  # session, user, and one per list and count
        response = client.get(reverse("my_work"))
    assert len(response.context["my_steps"]) == projects and len(response.context["needing_owner"]) == projects
