"""The project page as an executive sees it: timeline, RACI summary, scorecard,
alignment, reminders and the decision log; and its query count."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alignment.tests.factories import answered_round
from conftest import UserFactory, assign, decide_vendor
from governance.models import Department
from overview.tests.test_dashboard import scorecard_with
from projects import registry
from raci.models import Reminder, ReminderReason, Role
from raci.services import step_transition
from raci.transitions import Transition
from scorecards import services as scorecards

pytestmark = pytest.mark.django_db


def finish(step, actor):
    from raci.models import Consultation

    step_transition(actor=actor, step=step, transition=Transition.START)
    for consulted in step.assignments.filter(role=Role.CONSULTED):  # each has answered (raci.duties)
        Consultation.objects.get_or_create(step=step, user=consulted.user, defaults={"answer": "agree"})
    step_transition(actor=actor, step=step, transition=Transition.FINISH)


def test_executive_sees_every_section(client, executive, project, owner, it_lead):
    step1, step2 = project.steps.get(number=1), project.steps.get(number=2)
    assign(step1, owner, Role.ACCOUNTABLE)
    assign(step1, it_lead, Role.RESPONSIBLE)
    assign(step2, it_lead, Role.ACCOUNTABLE)
    finish(step1, it_lead)
    made = scorecard_with(project, {"Acme": [[4] * 10, [4] * 10], "Bolt": [[3] * 10, [3] * 10]})
    decide_vendor(
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
    assert log == [
        ("Both sponsors agreed: chose Acme", None),
        ("Proposed Acme", executive),
        ("Finished step 1, Define the problem", it_lead),
    ]
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
    decision = decide_vendor(
        actor=executive, scorecard=project.scorecard, candidate=made["Acme"], rationale="Only one."
    )
    scorecards.decision_withdraw(actor=executive, decision=decision, reason="Budget cut.")

    client.force_login(executive)
    log = client.get(project.get_absolute_url()).context["decision_log"]
    assert [(e.what, e.who) for e in log] == [
        ("Withdrew the choice of Acme", executive),
        ("Both sponsors agreed: chose Acme", None),
        ("Proposed Acme", executive),
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


def _registered_sidebar_queries(viewer, project) -> int:
    """What the sidebar cards other apps register (``projects.registry``) read on their own."""
    with CaptureQueriesContext(connection) as queries:
        registry.shown("sidebar", viewer, project)
    return len(queries)


@pytest.mark.parametrize("viewer", ["owner", "member", "executive"])
def test_project_page_queries_do_not_grow(request, client, project, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    counts = []
    for people, candidates, prefix in ((3, 1, "Small"), (30, 12, "Large")):
        _grow(project, people, candidates, prefix)
        answered_round(project.owner, [[3] * 8] * 3, [[3] * 8] * 3, project=project)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(project.get_absolute_url()).status_code == 200
        counts.append(len(queries) - _registered_sidebar_queries(user, project))
    # 8 before the summaries, +10 for them, +1 to sum the answers of a round closed by
    # time passing (its summary is stored by beat, never by a read), +1 for the intake
    # record's decision-log entries (none here). What each step offers and needs, and the
    # messages placed in its card, come from the steps already loaded: no query. +1 the steps'
    # consultations answered (raci.duties: the finish gate).
    assert counts[0] == counts[1] == 21, counts


def test_it_side_summary_counts_people_by_side(client, executive, project, it_lead):
    assign(project.steps.get(number=6), it_lead, Role.ACCOUNTABLE)
    assign(project.steps.get(number=6), UserFactory(department=Department.IT), Role.RESPONSIBLE)
    client.force_login(executive)
    summary = client.get(reverse("project_detail", args=[project.slug])).context["raci_summary"]
    assert summary.accountable_by_side == {"IT": 1}
    assert summary.people_by_side == {"IT": 2, "Marketing": 1}


# --- What a step offers: only what can succeed now, and what the rest needs ---------------------


def _transition_url(project, number, transition):
    return reverse("raci:step_transition", args=[project.slug, number, transition])


def _card(page: str, number: int) -> str:
    """The HTML of step ``number``'s card on the project page."""
    start = page.index(f'id="step-{number}"')
    end = page.find('class="timeline-step', start + 1)
    return page[start : end if end != -1 else len(page)]


def test_a_new_project_offers_no_start_and_says_what_is_missing(client, project, owner):
    client.force_login(owner)
    page = client.get(project.get_absolute_url()).content.decode()
    for number in range(1, 11):
        card = _card(page, number)
        assert _transition_url(project, number, "start") not in card
        assert "Cannot start yet: needs an Accountable person." in card
        assert f"{reverse('raci:matrix', args=[project.slug])}?step={number}#step-{number}" in card
        assert _transition_url(project, number, "block") in card  # blocking needs no one: it is offered


def test_start_is_offered_once_the_step_has_an_accountable_person_and_finish_once_it_has_a_responsible(
    client, project, owner, it_lead
):
    step = project.steps.get(number=6)
    assign(step, it_lead, Role.ACCOUNTABLE)
    client.force_login(owner)
    card = _card(client.get(project.get_absolute_url()).content.decode(), 6)
    assert _transition_url(project, 6, "start") in card and "Cannot start" not in card
    step_transition(actor=owner, step=step, transition=Transition.START)
    card = _card(client.get(project.get_absolute_url()).content.decode(), 6)
    assert _transition_url(project, 6, "finish") not in card
    assert "Cannot finish yet: needs a Responsible person." in card
    assign(step, owner, Role.RESPONSIBLE)
    card = _card(client.get(project.get_absolute_url()).content.decode(), 6)
    assert _transition_url(project, 6, "finish") in card and "Cannot finish" not in card


def test_an_inactive_accountable_person_is_named_as_what_is_missing(client, project, owner):
    leaver = UserFactory(first_name="Lea", last_name="Ver")
    assign(project.steps.get(number=2), leaver, Role.ACCOUNTABLE)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    client.force_login(owner)
    card = _card(client.get(project.get_absolute_url()).content.decode(), 2)
    assert "needs an active Accountable person (Lea Ver is inactive)" in card


def test_a_responsible_person_sees_what_is_missing_and_whom_to_ask(client, project, owner, user_factory):
    doer = user_factory(department=Department.IT)
    assign(project.steps.get(number=7), doer, Role.RESPONSIBLE)
    client.force_login(doer)
    page = client.get(project.get_absolute_url()).content.decode()
    card = _card(page, 7)
    assert "Cannot start yet: needs an Accountable person." in card
    assert "owner, IT lead or a sponsor assigns one" in card and "?step=7" not in card
    assert "Cannot start yet" not in _card(page, 6)  # not theirs: nothing offered, nothing explained


def test_a_refusal_shows_in_the_steps_card_with_the_fix_not_at_the_top(client, project, owner):
    client.force_login(owner)
    response = client.post(_transition_url(project, 4, "start"), follow=True)
    assert response.redirect_chain[-1][0].endswith("#step-4")
    page = response.content.decode()
    card = _card(page, 4)
    assert 'role="alert"' in card and "cannot start without an Accountable person." in card
    fix = f"{reverse('raci:matrix', args=[project.slug])}?step=4#step-4"
    assert f'<a href="{fix}" class="alert-link">Assign an Accountable person for step 4</a>' in card
    top = page[: page.index('id="step-1"')]
    assert "cannot start" not in top  # shown once, where the person acted
    assert response.context["page_messages"] == []


def test_a_success_shows_in_the_steps_card_and_says_what_comes_next(client, project, owner, it_lead):
    step = project.steps.get(number=3)
    assign(step, it_lead, Role.ACCOUNTABLE)
    assign(step, owner, Role.RESPONSIBLE)
    client.force_login(owner)
    client.post(_transition_url(project, 3, "start"))
    card = _card(client.post(_transition_url(project, 3, "finish"), follow=True).content.decode(), 3)
    assert 'role="status"' in card
    assert "Step 3, Define the requirements: done. Next: step 4, Offer up technologies." in card


def test_someone_who_may_not_manage_is_told_whom_to_ask(client, project, owner, user_factory):
    doer = user_factory(department=Department.IT)
    assign(project.steps.get(number=8), doer, Role.RESPONSIBLE)
    client.force_login(doer)
    card = html.unescape(_card(client.post(_transition_url(project, 8, "start"), follow=True).content.decode(), 8))
    assert "cannot start without an Accountable person." in card
    assert "Ask the project's owner, IT lead or a sponsor (Alice Owner, Ivan Lead)" in card
    assert "?step=8" not in card


def test_plan_all_steps_is_offered_to_those_who_manage(client, project, owner, member):
    client.force_login(owner)
    assert reverse("projects:plan", args=[project.slug]) in client.get(project.get_absolute_url()).content.decode()
    client.force_login(member)
    assert reverse("projects:plan", args=[project.slug]) not in client.get(project.get_absolute_url()).content.decode()


# --- Plan all ten steps on one page ----------------------------------------------------------------


def _plan_url(project):
    return reverse("projects:plan", args=[project.slug])


def _posted(form) -> dict:
    """What the browser posts for the plan form as shown."""
    data = {}
    for row in form.rows():
        n = row["step"].number
        data[f"due_{n}"] = row["value"]
        opened, version = row["hidden"]
        value = opened.value()
        data[f"opened_{n}"] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
        data[f"version_{n}"] = version.value()
    return data


def _launching(project, days: int):
    launch = timezone.localdate() + timedelta(days=days)
    type(project).objects.filter(pk=project.pk).update(target_launch=launch)
    return launch


def test_the_plan_suggests_every_date_back_from_the_target_launch(client, project, owner):
    launch = _launching(project, 200)
    client.force_login(owner)
    response = client.get(_plan_url(project))
    rows = {row["step"].number: row for row in response.context["form"].rows()}
    assert rows[9]["value"] == launch.isoformat()  # the launch step is due at the launch
    assert rows[1]["value"] == (launch - timedelta(days=112)).isoformat()
    assert rows[10]["value"] == (launch + timedelta(days=28)).isoformat()
    assert [rows[n]["value"] for n in range(1, 10)] == sorted(rows[n]["value"] for n in range(1, 10))
    assert response.content.decode().count("Suggested: not saved yet") == 10

    response = client.post(_plan_url(project), _posted(response.context["form"]), follow=True)
    assert "Plan saved: 10 due dates set (steps 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)." in response.content.decode()
    assert project.steps.get(number=9).due_date == launch


def test_a_near_launch_shares_the_time_left_and_no_launch_suggests_nothing(client, project, owner):
    launch = _launching(project, 56)
    client.force_login(owner)
    rows = {r["step"].number: r for r in client.get(_plan_url(project)).context["form"].rows()}
    assert rows[1]["suggested"] == timezone.localdate() and rows[9]["suggested"] == launch
    type(project).objects.filter(pk=project.pk).update(target_launch=None)
    page = client.get(_plan_url(project)).content.decode()
    assert "This project has no target launch date, so no date is suggested." in page


def test_only_the_dates_changed_are_saved_and_a_stale_one_is_refused_with_what_changed(client, project, owner, it_lead):
    from projects.services import step_update

    _launching(project, 200)
    client.force_login(owner)
    form = client.get(_plan_url(project)).context["form"]
    data = _posted(form)
    for n in range(1, 11):
        data[f"due_{n}"] = data[f"opened_{n}"]  # nothing taken from the suggestions...
    chosen = timezone.localdate() + timedelta(days=30)
    data["due_3"] = chosen.isoformat()  # ...but step 3
    meanwhile = timezone.localdate() + timedelta(days=40)
    step_update(actor=it_lead, step=project.steps.get(number=3), due_date=meanwhile)
    step_update(actor=it_lead, step=project.steps.get(number=4), due_date=meanwhile)

    response = client.post(_plan_url(project), data)
    page = html.unescape(response.content.decode())
    assert "Nothing was saved" in page
    assert "Step 3, Define the requirements: someone changed its due date after you opened this page" in page
    assert project.steps.get(number=3).due_date == meanwhile
    again = _posted(response.context["form"])
    assert again["due_3"] == chosen.isoformat()  # the person's change is kept
    assert again["due_4"] == meanwhile.isoformat()  # the other one's is shown, not undone

    response = client.post(_plan_url(project), again, follow=True)
    assert "Plan saved: 1 due date set (step 3)." in response.content.decode()
    assert project.steps.get(number=3).due_date == chosen and project.steps.get(number=4).due_date == meanwhile


def test_each_steps_problem_is_said_at_that_step_and_nothing_is_saved(client, project, owner):
    client.force_login(owner)
    data = _posted(client.get(_plan_url(project)).context["form"])
    data["due_2"] = "2205-01-01"
    data["due_5"] = "2205-03-01"
    data["due_6"] = timezone.localdate().isoformat()
    response = client.post(_plan_url(project), data)
    form = response.context["form"]
    assert form.errors["due_2"] == ["Step 2, Define desired outcomes: 01 Jan 2205 is more than 10 years away. A typo?"]
    assert "due_5" in form.errors and "due_6" not in form.errors
    assert "2 steps need attention" in response.content.decode()
    assert not project.steps.filter(due_date__isnull=False).exists()


def test_the_plan_is_for_those_who_manage(client, project, member):
    client.force_login(member)
    assert client.get(_plan_url(project)).status_code == 403
    assert client.post(_plan_url(project), {"due_1": "2030-01-01"}).status_code == 403


# --- The vendor decision: asked only what applies, then told what comes next ---------------------


def test_choosing_the_first_ranked_vendor_asks_no_reason_and_says_what_comes_next(client, project, it_lead, owner):
    made = scorecard_with(project, {"Acme": [[5] * 10, [5] * 10], "Bolt": [[2] * 10, [2] * 10]})
    step5 = project.steps.get(number=5)
    assign(step5, it_lead, Role.ACCOUNTABLE)
    assign(step5, owner, Role.RESPONSIBLE)
    step_transition(actor=owner, step=step5, transition=Transition.START)
    executive = UserFactory(department=Department.IT, is_executive=True)
    client.force_login(executive)
    url = reverse("scorecards:decide", args=[project.slug, made["Acme"].pk])
    assert "against_ranking_reason" not in client.get(url).context["form"].fields  # Acme is first
    bolt = client.get(reverse("scorecards:decide", args=[project.slug, made["Bolt"].pk])).context["form"]
    assert bolt.fields["against_ranking_reason"].label == "Why not Acme (required)"

    project.marketing_sponsor, project.it_sponsor = owner, it_lead
    project.save(update_fields=["marketing_sponsor", "it_sponsor"])
    response = client.post(url, {"rationale": "Best on both sides."}, follow=True)
    assert "“Acme” proposed. It stands once both sponsors agree." in response.content.decode()
    decision = response.context["decision"]
    for sponsor, side in ((owner, "marketing"), (it_lead, "it")):  # the second signature makes it stand
        client.force_login(sponsor)
        sign = reverse("scorecards:decision_sign", args=[project.slug, decision.pk, side])
        response = client.post(sign, {f"{side}-side": side, f"{side}-position": "agree"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#step-5")
    card = _card(response.content.decode(), 5)
    assert "“Acme” chosen." in card
    assert "Next: finish step 5, Choose a vendor, here (it is in progress), then step 6" in card
    assert _transition_url(project, 5, "finish") in card  # and finishing it is offered right there
