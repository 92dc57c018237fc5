"""The project page as an executive sees it: timeline, RACI summary, scorecard,
alignment, reminders and the decision log; and its query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alignment.tests.factories import answered_round
from conftest import UserFactory, assign
from governance.models import Department
from overview.tests.test_dashboard import scorecard_with
from raci.models import Reminder, ReminderReason, Role
from raci.services import step_transition
from raci.transitions import Transition
from scorecards import services as scorecards

pytestmark = pytest.mark.django_db


def finish(step, actor):
    step_transition(actor=actor, step=step, transition=Transition.START)
    step_transition(actor=actor, step=step, transition=Transition.FINISH)


def test_executive_sees_every_section(client, executive, project, owner, it_lead):
    step1, step2 = project.steps.get(number=1), project.steps.get(number=2)
    assign(step1, owner, Role.ACCOUNTABLE)
    assign(step1, it_lead, Role.RESPONSIBLE)
    assign(step2, it_lead, Role.ACCOUNTABLE)
    finish(step1, it_lead)
    made = scorecard_with(project, {"Acme": [[4] * 10, [4] * 10], "Bolt": [[3] * 10, [3] * 10]})
    scorecards.decision_record(
        actor=executive, scorecard=project.scorecard, candidate=made["Acme"], rationale="Best for both sides."
    )
    answered_round(owner, [[4] * 8] * 3, [[2] * 8] * 3, project=project, title="Kick-off check")
    Reminder.objects.create(
        step=project.steps.get(number=3),
        recipient=owner,
        period_start=timezone.now(),
        reason=ReminderReason.OWNER,
        sent_at=timezone.now(),
    )

    client.force_login(executive)
    response = client.get(project.get_absolute_url())
    page = response.content.decode()

    summary = response.context["raci_summary"]
    assert summary.owned == 2 and [s.number for s in summary.unowned] == list(range(3, 11))
    assert summary.accountable_by_side == {"IT": 1, "Marketing": 1}
    assert '2</span> <span class="small">of 10 steps have an accountable owner' in page

    assert 'data-testid="vendor-summary"' in page and "Chosen" in page
    assert "20.00" in page and "15.00" in page  # Acme's and Bolt's IT totals

    assert "Kick-off check" in page and "3.00" in page and "+2.00" in page

    log = [(entry.what, entry.who) for entry in response.context["decision_log"]]
    assert log == [("Chose Acme", executive), ("Finished step 1, Define the problem", it_lead)]
    assert "Best for both sides." in page

    assert "Reminders sent" in page and owner.display_name in page


def test_decision_log_keeps_withdrawals_and_finishing_again(client, executive, project, owner, it_lead):
    step1 = project.steps.get(number=1)
    assign(step1, owner, Role.ACCOUNTABLE)
    assign(step1, it_lead, Role.RESPONSIBLE)
    finish(step1, owner)
    step_transition(actor=owner, step=step1, transition=Transition.REOPEN)
    step_transition(actor=it_lead, step=step1, transition=Transition.FINISH)
    made = scorecard_with(project, {"Acme": [[4] * 10]})
    decision = scorecards.decision_record(
        actor=executive, scorecard=project.scorecard, candidate=made["Acme"], rationale="Only one."
    )
    scorecards.decision_withdraw(actor=executive, decision=decision, reason="Budget cut.")

    client.force_login(executive)
    log = client.get(project.get_absolute_url()).context["decision_log"]
    assert [(e.what, e.who) for e in log] == [
        ("Withdrew the choice of Acme", executive),
        ("Chose Acme", executive),
        ("Finished step 1, Define the problem", it_lead),
        ("Finished step 1, Define the problem", owner),
    ]


def test_a_member_who_has_not_rated_sees_no_vendor_figures(client, project, member):
    scorecard_with(project, {"Acme": [[4] * 10, [4] * 10]})
    client.force_login(member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "1 candidate: results blind until you rate it." in page
    assert "Acme" not in page and "20.00" not in page  # not even which one leads


def test_empty_sections_say_so(client, executive, project):
    client.force_login(executive)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "No candidate yet." in page
    assert "No closed self-assessment for this project yet." in page
    assert "No step finished and no vendor chosen yet." in page


def _grow(project, people: int, candidates: int, prefix: str) -> None:
    for i in range(people):
        assign(project.steps.get(number=1 + i % 10), UserFactory(), Role.INFORMED if i % 2 else Role.CONSULTED)
    scorecard_with(project, {f"{prefix} vendor {i}": [[3] * 10] for i in range(candidates)})


@pytest.mark.parametrize("viewer", ["owner", "member", "executive"])
def test_project_page_queries_do_not_grow(request, client, project, viewer):
    client.force_login(request.getfixturevalue(viewer))
    counts = []
    for people, candidates, prefix in ((3, 1, "Small"), (30, 12, "Large")):
        _grow(project, people, candidates, prefix)
        answered_round(project.owner, [[3] * 8] * 3, [[3] * 8] * 3, project=project)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(project.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    # 8 before the summaries, +10 for them, +1 to sum the answers of a round closed by
    # time passing (its summary is stored by beat, never by a read)
    assert counts[0] == counts[1] == 19, counts


def test_it_side_summary_counts_people_by_side(client, executive, project, it_lead):
    assign(project.steps.get(number=6), it_lead, Role.ACCOUNTABLE)
    assign(project.steps.get(number=6), UserFactory(department=Department.IT), Role.RESPONSIBLE)
    client.force_login(executive)
    summary = client.get(reverse("project_detail", args=[project.slug])).context["raci_summary"]
    assert summary.accountable_by_side == {"IT": 1}
    assert summary.people_by_side == {"IT": 2, "Marketing": 1}
