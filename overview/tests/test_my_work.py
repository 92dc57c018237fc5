"""The "My work" home: what waits for a person who is not an executive."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alignment.defaults import ensure_default_questionnaire
from alignment.services import round_open
from alignment.tests.factories import answered_round
from conftest import ProjectFactory, UserFactory, assign, decide_vendor
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
    decide_vendor(actor=owner_exec(), scorecard=scorecard, candidate=done, rationale="Rated best.")
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
    duties = response.context["unowned_duties"]
    assert {step.project.name for step in duties} == {project.name} and len(duties) == 10
    page = response.content.decode()
    assert f"{reverse('raci:matrix', args=[project.slug])}?step=3#step-3" in page
    assert "you are its owner · 10 steps without an owner" in page


def test_nothing_waiting_says_so(client, outsider):
    page = my_work(client, outsider).content.decode()
    assert "Nothing waits for you right now" in page


def test_every_list_names_its_projects_as_links(client, project, it_lead):
    assign(project.steps.get(number=6), it_lead, Role.RESPONSIBLE)
    page = my_work(client, it_lead).content.decode()
    assert f'<a href="{project.get_absolute_url()}">{project.name}</a>' in page


def _fill(owner, rows: int) -> None:
    """``rows`` of each list: projects (a step Accountable, nine unowned), candidates to rate, rounds to answer."""
    ensure_default_criteria()
    ensure_default_questionnaire()
    opener = UserFactory(department=Department.IT, is_executive=True)
    it_person = UserFactory(department=Department.IT)
    rated = ProjectFactory.create(owner=owner, name="Rated")
    scorecard = scorecards.scorecard_for(rated)
    for i in range(rows):
        made = ProjectFactory.create(owner=owner, name=f"P{i}")
        assign(made.steps.get(number=1), owner, Role.ACCOUNTABLE)
        candidate = scorecards.candidate_save(actor=owner, scorecard=scorecard, name=f"Vendor {i}")
        scorecards.invitations_send(actor=owner, candidate=candidate, users=[owner])
        round_open(
            actor=opener,
            title=f"Round {i}",
            closes_on=timezone.localdate() + timedelta(days=7),
            invitees=[owner, it_person],
        )


@pytest.mark.parametrize("rows", [3, 30])
def test_my_work_queries_do_not_grow(client, owner, rows, django_assert_num_queries):
    client.force_login(owner)
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("my_work"))
    _fill(owner, rows)
    # session, user, one per list (steps, unowned steps, ratings, rounds) and the count (7 of
    # its own), plus what the sections other apps register read: as many as for an empty page
    with django_assert_num_queries(len(empty)):
        response = client.get(reverse("my_work"))
    assert len(response.context["my_steps"]) == rows
    assert len(response.context["unowned_duties"]) == rows * 9 + 10
    assert len(response.context["ratings_waiting"]) == rows
    assert len(response.context["alignment_waiting"]) == rows
