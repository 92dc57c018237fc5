"""The portfolio dashboard: rows, heatmap, tiles, filters, sorting, going it alone,
visibility, the stored figures it reads and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from alignment.summaries import store_missing
from alignment.tests.factories import answered_round
from conftest import ProjectFactory, UserFactory, assign, decide_vendor
from governance.models import Department, Side
from overview import sorting
from overview.portfolio import Portfolio, build_rows, stored_figures
from projects import figures
from projects.models import LifecycleStep, Project, ProjectFigures, ProjectStatus, StepStatus
from raci.models import RaciAssignment, Reminder, ReminderReason, Role
from scorecards import services as scorecards
from scorecards.defaults import ensure_default_criteria

pytestmark = pytest.mark.django_db


def rate(candidate, rater, scores: list[int]) -> None:
    """Submit ``rater``'s scores (IT criteria first, then Marketing) on ``candidate``."""
    criteria = list(candidate.scorecard.criteria.order_by("group", "position"))
    scorecards.ratings_save(
        actor=rater,
        candidate=candidate,
        scores={c.pk: s for c, s in zip(criteria, scores, strict=True)},
        comments={},
        submit=True,
    )


def scorecard_with(project, ratings: dict[str, list[list[int]]]) -> dict:
    """Candidates rated by new IT and Marketing members: {name: [scores per rater]}."""
    ensure_default_criteria()
    scorecard = scorecards.scorecard_for(project)
    made = {}
    for name, rows in ratings.items():
        candidate = scorecards.candidate_save(actor=project.owner, scorecard=scorecard, name=name)
        for i, row in enumerate(rows):
            rater = UserFactory(department=Department.IT if i % 2 else Department.MARKETING)
            assign(project.steps.get(number=4), rater, Role.INFORMED)
            rate(candidate, rater, row)
        made[name] = candidate
    return made


def own_every_step(project, person, *, with_the_other_side: bool = True) -> None:
    """``person`` Accountable on every step; someone of the other side Consulted on step 1
    (both sides take part: not going it alone) unless told otherwise."""
    for step in project.steps.all():
        assign(step, person, Role.ACCOUNTABLE)
    if with_the_other_side:
        other = Department.IT if person.side == Side.MARKETING else Department.MARKETING
        assign(project.steps.get(number=1), UserFactory(department=other), Role.CONSULTED)


def set_steps(project, numbers, **values) -> None:
    """Change steps in bulk, as a data fix would (no signal): then refresh the stored figures."""
    LifecycleStep.objects.filter(project=project, number__in=numbers).update(**values)
    figures.refresh([project.pk])


def rows_for(user, sort: str = "name") -> list:
    """Every row ``user`` sees, built as the page builds its rows."""
    key, descending = sorting.parse_sort(sort)
    portfolio = Portfolio.read(user)
    ordered = portfolio.projects().order_by(*sorting.ordering(portfolio, key, descending))
    return build_rows(user, list(ordered.values_list("pk", flat=True)))


def rows_of(response) -> list:
    return list(response.context["page"].object_list)


def names(response) -> list[str]:
    return [row.project.name for row in rows_of(response)]


# --- Rows -----------------------------------------------------------------------------------


def test_row_figures_for_a_project(executive, owner, it_lead):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="CDP")
    steps = {s.number: s for s in project.steps.all()}
    for number in (1, 2, 3):
        assign(steps[number], owner, Role.ACCOUNTABLE)
        assign(steps[number], it_lead, Role.RESPONSIBLE)
    set_steps(project, [1, 2], status=StepStatus.DONE, completed_at=timezone.now())
    set_steps(project, [3], status=StepStatus.IN_PROGRESS)
    set_steps(project, [4], due_date=timezone.localdate() - timedelta(days=2))

    (row,) = rows_for(executive)

    assert [c.symbol for c in row.cells[:4]] == ["✓", "✓", "▶", "·"]
    assert [c.owned for c in row.cells] == [True] * 3 + [False] * 7
    assert row.cells[3].overdue and not row.cells[4].overdue
    assert row.cells[3].label == "Step 4, Offer up technologies: Not started, no accountable owner, overdue"
    assert (row.done, row.unowned, row.overdue) == (2, 7, 1)
    assert row.current.number == 3 and row.current_sides == {"marketing"}  # owner is Marketing Ops
    assert row.unowned_days == 0 and row.going_alone is None
    assert row.attention == ["7 steps without an accountable owner", "1 overdue step"]


def test_days_unowned_count_from_when_the_step_lost_its_accountable(executive, owner):
    project = ProjectFactory.create(owner=owner)
    own_every_step(project, owner)
    step = project.steps.get(number=6)
    step.assignments.get().delete()  # recorded in the RACI history now

    ten_days_ago = timezone.now() - timedelta(days=10)
    RaciAssignment.history.filter(step_id=step.pk).update(history_date=ten_days_ago)
    figures.refresh([project.pk])  # a bulk update sends no signal

    (row,) = rows_for(executive)

    assert row.unowned == 1 and row.unowned_days == 10
    assert row.attention == ["1 step without an accountable owner"]


def test_a_step_never_owned_counts_from_the_project_creation(executive, owner):
    project = ProjectFactory.create(owner=owner)
    type(project).objects.filter(pk=project.pk).update(created_at=timezone.now() - timedelta(days=30))
    figures.refresh([project.pk])  # a bulk update sends no signal
    (row,) = rows_for(executive)
    assert row.unowned_days == 30


def test_leading_vendor_with_its_totals_and_the_minimum_flag(executive, owner):
    project = ProjectFactory.create(owner=owner)
    made = scorecard_with(
        project,
        {
            "Acme": [[4] * 10, [4] * 10],  # IT 20, Marketing 20
            "Bolt": [[5] * 5 + [3] * 5, [5] * 5 + [3] * 5],  # IT 25, Marketing 15: 40, a tie with Acme
            "Cirrus": [[2] * 10, [2] * 10],
        },
    )
    (row,) = rows_for(executive)
    assert row.vendor.tied == 2 and not row.vendor.chosen and row.vendor.candidates == 3
    assert row.vendor.candidate_id == made["Acme"].pk  # ties: first by name
    assert (row.vendor.it_total, row.vendor.marketing_total) == (20, 20)
    assert row.vendor.it_maximum == 25

    # A minimum of 3 on Security flags only Cirrus (2): the leader stays unflagged.
    project.scorecard.criteria.filter(name="Security").update(minimum=3)
    scorecards.standings_refresh(project.scorecard)  # as an administrator's edit does
    (row,) = rows_for(executive)
    assert row.vendor.candidate_id == made["Acme"].pk and row.vendor.below_minimum == []
    assert not any("vendor" in reason for reason in row.attention)
    # A minimum of 5 on Customer experience flags every candidate: the leader carries the flag.
    project.scorecard.criteria.filter(name="Customer experience").update(minimum=5)
    scorecards.standings_refresh(project.scorecard)
    (row,) = rows_for(executive)
    assert row.vendor.candidate_id == made["Acme"].pk
    assert row.vendor.below_minimum == ["Customer experience"]
    assert "Leading vendor below the minimum on Customer experience" in row.attention


def test_a_chosen_vendor_is_shown_instead_of_the_leader(executive, owner):
    project = ProjectFactory.create(owner=owner)
    made = scorecard_with(project, {"Acme": [[5] * 10, [5] * 10], "Bolt": [[3] * 10, [3] * 10]})
    decide_vendor(
        actor=executive,
        scorecard=project.scorecard,
        candidate=made["Bolt"],
        rationale="Already under contract.",
        against_ranking_reason="Contract in place.",
    )
    (row,) = rows_for(executive)
    assert row.vendor.chosen and row.vendor.candidate_id == made["Bolt"].pk
    assert (row.vendor.it_total, row.vendor.marketing_total) == (15, 15)


def test_vendor_figures_stay_blind_to_a_member_who_has_not_rated(client, project, member):
    scorecard_with(project, {"Acme": [[4] * 10, [4] * 10]})
    client.force_login(member)
    page = client.get(reverse("portfolio")).content.decode()
    assert "blind until you rate it" in page and "20.00" not in page
    assert "Acme" not in page  # not even which candidate leads
    (row,) = rows_of(client.get(reverse("portfolio")))
    assert not row.vendor.visible and row.vendor.below_minimum == []


def test_latest_alignment_level_and_gap(executive, project, owner):
    answered_round(owner, [[2] * 8] * 3, [[2] * 8] * 3, project=project, title="Old", days_ago=30)
    answered_round(owner, [[4] * 8] * 3, [[3] * 8] * 3, project=project, title="New", days_ago=1)
    answered_round(owner, [[1] * 8] * 3, [[1] * 8] * 3, project=project, title="Open", closed=False)
    (row,) = rows_for(executive)
    assert row.alignment.title == "New"
    assert row.level == pytest.approx(3.5) and row.gap == pytest.approx(1.0)
    assert "Alignment gap of +1.00 levels between the sides" in row.attention


def test_alignment_with_too_few_answers_shows_no_figure(executive, project, owner):
    answered_round(owner, [[4] * 8] * 2, [[3] * 8] * 3, project=project)
    (row,) = rows_for(executive)
    assert row.alignment is not None and row.level is None and row.gap is None


def test_inactive_projects_never_need_attention(executive, owner):
    project = ProjectFactory.create(owner=owner)
    type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.ON_HOLD)
    (row,) = rows_for(executive)
    assert row.unowned == 10 and row.attention == []


# --- Going it alone -----------------------------------------------------------------------


@pytest.fixture
def sides(owner, it_lead):
    """Four projects: Marketing alone on steps 1–5, IT alone, both sides, nobody at all."""
    made = {}
    for name in ("Marketing alone", "IT alone", "Together", "Nobody"):
        made[name] = ProjectFactory.create(owner=owner, name=name)
        RaciAssignment.objects.filter(step__project=made[name]).delete()  # whatever a default RACI gave it
    marketer = UserFactory(department=Department.MARKETING)
    assign(made["Marketing alone"].steps.get(number=1), owner, Role.ACCOUNTABLE)
    assign(made["Marketing alone"].steps.get(number=4), marketer, Role.CONSULTED)
    assign(made["Marketing alone"].steps.get(number=6), it_lead, Role.ACCOUNTABLE)  # after step 5: no matter
    assign(made["IT alone"].steps.get(number=2), it_lead, Role.RESPONSIBLE)
    assign(made["Together"].steps.get(number=1), owner, Role.ACCOUNTABLE)
    assign(made["Together"].steps.get(number=5), it_lead, Role.CONSULTED)
    return made


def test_going_it_alone_is_a_reason_for_attention_and_a_filter(client, executive, sides):
    rows = {row.project.name: row for row in rows_for(executive)}
    assert rows["Marketing alone"].going_alone == Side.MARKETING
    assert rows["Marketing alone"].attention[-1] == "Marketing is going it alone"
    assert rows["IT alone"].attention[-1] == "IT is going it alone"
    assert "going it alone" not in " ".join(rows["Together"].attention)
    # Nobody holds anything: its unowned steps flag it, not a second reason for the same gap.
    assert rows["Nobody"].attention == ["10 steps without an accountable owner"]

    client.force_login(executive)
    url = reverse("portfolio")
    assert names(client.get(url, {"alone": "marketing"})) == ["Marketing alone"]
    assert names(client.get(url, {"alone": "it"})) == ["IT alone"]
    assert names(client.get(url, {"alone": "either", "sort": "name"})) == ["IT alone", "Marketing alone"]
    page = client.get(url, {"alone": "it"}).content.decode()
    assert "Going it alone: IT alone" in page and "IT is going it alone" in page


def test_going_it_alone_card_on_the_project_page(client, owner, member, sides):
    client.force_login(owner)
    page = client.get(sides["Marketing alone"].get_absolute_url()).content.decode()
    assert 'data-testid="going-alone-card"' in page and "Marketing is going it alone" in page
    assert "Nobody from IT is Responsible, Accountable or Consulted on steps 1–5" in page
    assert reverse("raci:matrix", args=[sides["Marketing alone"].slug]) in page
    for name in ("Together", "Nobody"):
        assert "going-alone-card" not in client.get(sides[name].get_absolute_url()).content.decode()
    Project.objects.filter(pk=sides["IT alone"].pk).update(status=ProjectStatus.DONE)
    assert "going-alone-card" not in client.get(sides["IT alone"].get_absolute_url()).content.decode()

    assign(sides["Marketing alone"].steps.get(number=9), member, Role.INFORMED)  # a reader, not a manager
    client.force_login(member)
    page = client.get(sides["Marketing alone"].get_absolute_url()).content.decode()
    assert "Marketing is going it alone" in page and "can change its RACI matrix" in page


# --- The SQL agrees with the rows ---------------------------------------------------------


def _attention_in_sql(user) -> dict[str, int]:
    return dict(Portfolio.read(user).projects().values_list("name", "attention"))


def test_the_database_counts_the_same_reasons_as_the_rows(client, executive, owner, it_lead, member, sides):
    calm = ProjectFactory.create(owner=owner, name="Calm")
    own_every_step(calm, owner)
    late = ProjectFactory.create(owner=owner, name="Late")
    own_every_step(late, owner)
    set_steps(late, [7, 8], due_date=timezone.localdate() - timedelta(days=1))
    weak = ProjectFactory.create(owner=owner, name="Weak vendor")
    own_every_step(weak, owner)
    scorecard_with(weak, {"Acme": [[4] * 10, [4] * 10]})
    weak.scorecard.criteria.filter(name="Customer experience").update(minimum=5)
    scorecards.standings_refresh(weak.scorecard)
    apart = ProjectFactory.create(owner=owner, name="Apart")
    own_every_step(apart, owner)
    answered_round(owner, [[5] * 8] * 3, [[2] * 8] * 3, project=apart)
    for project in (late, weak, apart):
        assign(project.steps.get(number=10), member, Role.INFORMED)

    def agree(viewer) -> dict[str, list[str]]:
        rows = rows_for(viewer)
        assert _attention_in_sql(viewer) == {row.project.name: len(row.attention) for row in rows}
        return {row.project.name: row.attention for row in rows}

    by_name = agree(executive)
    assert by_name["Calm"] == [] and by_name["Late"] == ["2 overdue steps"]
    assert by_name["Weak vendor"] == ["Leading vendor below the minimum on Customer experience"]
    assert by_name["Apart"] == ["Alignment gap of +3.00 levels between the sides"]
    assert Portfolio.read(executive).live_alignment  # "Apart"'s round closed by time passing, not summarized
    store_missing()  # as beat does: now every reason the figures hold is read from them
    assert not Portfolio.read(executive).live_alignment and agree(executive) == by_name
    assert agree(member)["Weak vendor"] == []  # blind: the member has not rated Acme
    assign(weak.steps.get(number=4), member, Role.CONSULTED)
    rate(weak.scorecard.candidates.get(), member, [3] * 10)
    assert agree(member)["Weak vendor"] == ["Leading vendor below the minimum on Customer experience"]


RESPONDENTS = [(3, 3, 0), (2, 3, 0), (3, 2, 0), (4, 2, 0), (3, 3, 1), (3, 3, 3), (2, 2, 2), (4, 4, 2), (0, 0, 3)]


@pytest.mark.parametrize("stored", ["none", "half", "all"])
def test_alignment_in_sql_agrees_with_the_anonymity_rule(executive, owner, stored, django_assert_num_queries):
    from alignment.models import RoundSummary
    from alignment.selectors import latest_project_alignment
    from overview.alignment_sql import Alignment

    for i, (m, it, other) in enumerate(RESPONDENTS):
        project = ProjectFactory.create(owner=owner, name=f"R{i}")
        levels = [[1 + (i + j) % 5] * 8 for j in range(8)]
        silent = [UserFactory(department=Department.MARKETING), UserFactory(department=Department.IT)]
        for person in silent:  # invited (a round asks both sides), never answering
            assign(project.steps.get(number=3), person, Role.INFORMED)
        answered_round(
            owner, levels[:m], levels[3 : 3 + it], other=levels[5 : 5 + other], project=project, invitees=silent
        )
    if stored != "none":
        assert store_missing() == len(RESPONDENTS)
    if stored == "half":  # closed by time passing, not stored yet: summed from the answers
        RoundSummary.objects.filter(round__project__name__in=["R0", "R2", "R4", "R6", "R8"]).delete()
    python = latest_project_alignment(Project.objects.all())
    with django_assert_num_queries(1 if stored == "all" else 2):  # the rounds not stored, and their sums
        alignment = Alignment.read()
    sql = {r.project_id: r for r in alignment.rounds()}
    assert len(sql) == len(python) == len(RESPONDENTS)
    for project_id, latest in python.items():
        expected = latest.figures
        assert sql[project_id].al_overall == (None if expected.overall is None else pytest.approx(expected.overall))
        assert sql[project_id].al_gap == (None if expected.gap is None else pytest.approx(expected.gap))
    big = {pk for pk, latest in python.items() if latest.figures.big_gap}
    assert big and set(alignment.big_gap_projects().values_list("project_id", flat=True)) == big
    levels = dict(Project.objects.annotate(level=alignment.of_project("level")).values_list("pk", "level"))
    assert levels == pytest.approx({pk: latest.figures.overall for pk, latest in python.items()})

    # The dashboard reads the stored figures once every closed round is summarized; until then, live.
    portfolio = Portfolio.read(executive)
    assert portfolio.live_alignment == (stored != "all")
    flag = portfolio.attention_flags()["alignment"]
    assert set(Project.objects.filter(flag).values_list("pk", flat=True)) == big
    by_gap = Project.objects.order_by(*sorting.ordering(portfolio, "gap", True)).values_list("pk", flat=True)
    gaps = {pk: abs(latest.figures.gap) for pk, latest in python.items() if latest.figures.gap is not None}
    assert list(by_gap)[: len(gaps)] == sorted(gaps, key=lambda pk: -gaps[pk])
    if stored == "all":
        kept = {row.project_id: row for row in ProjectFigures.objects.all()}
        for project_id, latest in python.items():
            expected = latest.figures
            assert kept[project_id].alignment_level == (
                None if expected.overall is None else pytest.approx(expected.overall)
            )
            assert kept[project_id].alignment_gap == (None if expected.gap is None else pytest.approx(expected.gap))


def test_the_stored_figures_flag_an_alignment_gap_as_alignment_does():
    from alignment.anonymity import BIG_GAP
    from projects.models import ALIGNMENT_BIG_GAP

    assert ALIGNMENT_BIG_GAP == BIG_GAP


def test_the_stored_alignment_follows_closing_and_deleting_rounds(executive, owner):
    from alignment.models import AlignmentRound
    from alignment.services import round_close

    project = ProjectFactory.create(owner=owner, name="Rounds")
    apart, *_ = answered_round(owner, [[5] * 8] * 3, [[2] * 8] * 3, project=project, title="Apart", days_ago=2)
    assert _stored(project)["alignment_gap"] is None  # closed by time passing: no summary yet
    assert Portfolio.read(executive).live_alignment
    assert store_missing() == 1  # what beat does
    assert _stored(project)["alignment_gap"] == pytest.approx(3.0) and not Portfolio.read(executive).live_alignment
    assert _stored(project) == _fresh(project)

    close_one, *_ = answered_round(owner, [[3] * 8] * 3, [[3] * 8] * 3, project=project, title="Close", closed=False)
    assert _stored(project)["alignment_gap"] == pytest.approx(3.0)  # an open round shows nothing yet
    round_close(actor=owner, round_=close_one)
    assert (_stored(project)["alignment_level"], _stored(project)["alignment_gap"]) == (3.0, 0.0)
    assert _stored(project) == _fresh(project)

    AlignmentRound.objects.get(pk=close_one.pk).delete()  # in the admin: the earlier round is the latest again
    assert _stored(project)["alignment_gap"] == pytest.approx(3.0) and _stored(project) == _fresh(project)
    apart.delete()
    assert (_stored(project)["alignment_level"], _stored(project)["alignment_gap"]) == (None, None)
    assert not Portfolio.read(executive).attention_flags().get("vendor")


# --- The stored figures follow every change ------------------------------------------------


def _stored(project) -> dict:
    row = ProjectFigures.objects.get(project=project)
    return {name: getattr(row, name) for name in figures.FIELDS}


def _fresh(project) -> dict:
    return stored_figures(Project.objects.filter(pk=project.pk))[project.pk]


def test_the_stored_figures_follow_services_admin_edits_and_people(client, owner, it_lead, executive):
    from governance.deactivation import deactivate
    from projects.services import project_update, step_update
    from raci.selectors import matrix_version
    from raci.services import matrix_save, step_transition

    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Followed")
    assert _stored(project) == _fresh(project) and _stored(project)["steps_unowned"] == 10
    steps = list(project.steps.order_by("number"))
    rows = {owner.pk: {steps[0].pk: Role.ACCOUNTABLE, steps[1].pk: Role.ACCOUNTABLE}, it_lead.pk: {steps[0].pk: "R"}}
    matrix_save(actor=owner, project=project, rows=rows, expected_version=matrix_version(project))
    assert _stored(project) == _fresh(project) and _stored(project)["steps_unowned"] == 8
    assert _stored(project)["current_owned"] and not _stored(project)["marketing_going_alone"]
    step_transition(actor=owner, step=steps[0], transition="start")
    step_transition(actor=owner, step=steps[0], transition="finish")
    step_update(actor=owner, step=steps[3], due_date=timezone.localdate() - timedelta(days=3))
    assert _stored(project) == _fresh(project)
    assert (_stored(project)["steps_done"], _stored(project)["current_number"]) == (1, 2)
    assert _stored(project)["next_due"] == timezone.localdate() - timedelta(days=3)

    it_lead.department = Department.OTHER  # the IT lead moves out of IT: Marketing is alone
    it_lead.save()
    assert _stored(project)["marketing_going_alone"] and _stored(project) == _fresh(project)
    deactivate(owner)  # owner leaves: steps 1 and 2 lose their Accountable person
    assert _stored(project)["steps_unowned"] == 10 and _stored(project) == _fresh(project)
    project_update(actor=executive, project=project, requirements_side=Side.IT)
    assign(steps[2], UserFactory(department=Department.IT), Role.INFORMED)  # an admin-style edit
    assert _stored(project) == _fresh(project)
    RaciAssignment.objects.filter(step__project=project).delete()
    assert _stored(project) == _fresh(project) and not _stored(project)["marketing_going_alone"]
    project.delete()
    assert not ProjectFigures.objects.exists()


def test_refresh_all_recomputes_figures_written_without_signals(executive, owner):
    made = [ProjectFactory.create(owner=owner, name=f"P{i}") for i in range(3)]
    LifecycleStep.objects.filter(project__in=made, number=1).update(status=StepStatus.DONE, completed_at=timezone.now())
    ProjectFigures.objects.filter(project=made[0]).delete()
    assert figures.refresh_all() == 3
    assert all(_stored(p) == _fresh(p) and _stored(p)["steps_done"] == 1 for p in made)


# --- The page -------------------------------------------------------------------------------


def test_executive_home_is_the_dashboard(client, executive):
    client.force_login(executive)
    assert client.get(reverse("home")).url == reverse("portfolio")


def test_dashboard_shows_only_what_the_viewer_may_see(client, project, member, outsider, executive, owner):
    hidden = ProjectFactory.create(name="Secret merger tooling")
    client.force_login(member)
    response = client.get(reverse("portfolio"))
    assert names(response) == [project.name]
    page = response.content.decode()
    assert hidden.name not in page and hidden.slug not in page

    client.force_login(outsider)
    response = client.get(reverse("portfolio"))
    assert names(response) == [] and "There is no project you can see yet." in response.content.decode()
    assert response.context["tiles"].unowned_steps == 0

    client.force_login(executive)
    assert names(client.get(reverse("portfolio"), {"sort": "name"})) == sorted([project.name, hidden.name])


def test_heatmap_cells_and_links_on_the_page(client, executive, project):
    client.force_login(executive)
    page = client.get(reverse("portfolio")).content.decode()
    assert 'aria-label="Step 1, Define the problem: Not started, no accountable owner"' in page
    assert reverse("raci:matrix", args=[project.slug]) in page
    assert project.get_absolute_url() in page


def test_each_project_is_also_a_card_for_a_phone(client, executive, project):
    client.force_login(executive)
    page = client.get(reverse("portfolio")).content.decode()
    # The table for wide screens, the cards for phones: one shown at a time (display utilities).
    assert 'class="table-responsive portfolio-scroll d-none d-sm-block' in page
    assert 'class="portfolio-cards d-sm-none list-unstyled' in page
    assert page.count('data-testid="portfolio-card"') == 1
    assert "css/dashboard.css" in page


def test_tiles(client, executive, owner, project):
    other = ProjectFactory.create(owner=owner, name="Other")
    own_every_step(other, owner)
    set_steps(other, [9], due_date=timezone.localdate() - timedelta(days=1))
    ProjectFactory.create(owner=owner, name="Paused")
    type(project).objects.filter(name="Paused").update(status=ProjectStatus.ON_HOLD)
    step = project.steps.get(number=1)
    now = timezone.now()
    for sent_at, person in ((now, owner), (now - timedelta(days=2), executive), (now - timedelta(days=8), owner)):
        Reminder.objects.create(
            step=step, recipient=person, period_start=sent_at, reason=ReminderReason.OWNER, sent_at=sent_at
        )
    answered_round(executive, [[4] * 8] * 3, [[2] * 8] * 3, title="Organization")

    client.force_login(executive)
    response = client.get(reverse("portfolio"))
    tiles = response.context["tiles"]
    assert (tiles.active, tiles.unowned_steps, tiles.overdue_steps, tiles.reminders_this_week) == (2, 10, 1, 2)
    assert tiles.attention == 2
    assert tiles.organization.figures.overall == pytest.approx(3.0)
    page = response.content.decode()
    assert 'data-testid="tile-unowned">10<' in page and "Working together" in page
    assert "+2.00 (Marketing minus IT)" in page
    assert response.context["total"] == 3


def test_filters_by_status_sponsor_side_and_attention(client, executive, owner, it_lead):
    cmo = UserFactory(department=Department.MARKETING, is_executive=True)
    quiet = ProjectFactory.create(owner=owner, name="Quiet", marketing_sponsor=cmo)
    own_every_step(quiet, owner)
    loud = ProjectFactory.create(owner=owner, name="Loud")
    assign(loud.steps.get(number=1), it_lead, Role.ACCOUNTABLE)
    assign(loud.steps.get(number=2), owner, Role.RESPONSIBLE)
    paused = ProjectFactory.create(owner=owner, name="Paused")
    type(paused).objects.filter(pk=paused.pk).update(status=ProjectStatus.ON_HOLD)
    client.force_login(executive)
    url = reverse("portfolio")

    assert names(client.get(url, {"status": "on_hold"})) == ["Paused"]
    response = client.get(url, {"sponsor": cmo.pk})
    assert names(response) == ["Quiet"]
    page = response.content.decode()
    assert f'<option value="{cmo.pk}" selected>{cmo.display_name}</option>' in page  # the filter keeps its choice
    assert page.count(" selected>") == 5  # one per select: sort, status, sponsor, side, going it alone
    # Loud's current step (1) is owned by the IT lead; the others' step 1 is Marketing's.
    assert names(client.get(url, {"side": "it"})) == ["Loud"]
    assert names(client.get(url, {"side": "marketing", "sort": "name"})) == ["Paused", "Quiet"]
    assert names(client.get(url, {"attention": "on", "sort": "name"})) == ["Loud"]
    response = client.get(url, {"attention": "on", "status": "on_hold"})
    assert names(response) == [] and "No project matches these filters." in response.content.decode()
    assert response.context["total"] == 3


@pytest.mark.parametrize(
    "params",
    [{"status": "nonsense"}, {"sponsor": "abc"}, {"sponsor": "999999"}, {"side": "<script>"}, {"alone": "both"}],
)
def test_a_bad_filter_is_reported_and_ignored(client, executive, project, params):
    project.marketing_sponsor = UserFactory(first_name="<b>Bold</b>", department=Department.MARKETING)
    project.save()
    client.force_login(executive)
    response = client.get(reverse("portfolio"), params)
    assert response.status_code == 200
    assert names(response) == [project.name]
    page = response.content.decode()
    assert "This filter was ignored." in page and "<script>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold" not in page  # a sponsor's name, escaped


@pytest.mark.parametrize("sort", ["bogus", "-", "--name", "name; DROP TABLE", "it" * 300])
def test_an_unknown_sort_key_is_ignored(client, executive, project, sort):
    client.force_login(executive)
    response = client.get(reverse("portfolio"), {"sort": sort})
    assert response.status_code == 200 and response.context["sort"] == sorting.DEFAULT_SORT


def test_sorting_by_columns(client, executive, owner):
    for name, ratings in (("Alpha", [[3] * 10]), ("Beta", [[5] * 10]), ("Gamma", None)):
        project = ProjectFactory.create(owner=owner, name=name)
        if ratings:
            scorecard_with(project, {f"{name} vendor": ratings})
    own_every_step(type(project).objects.get(name="Alpha"), owner)
    client.force_login(executive)
    url = reverse("portfolio")
    assert names(client.get(url, {"sort": "-it"})) == ["Beta", "Alpha", "Gamma"]  # no figure last
    assert names(client.get(url, {"sort": "it"})) == ["Alpha", "Beta", "Gamma"]
    assert names(client.get(url, {"sort": "-name"})) == ["Gamma", "Beta", "Alpha"]
    assert names(client.get(url, {"sort": "-attention"})) == ["Beta", "Gamma", "Alpha"]
    assert names(client.get(url, {"sort": "vendor"})) == ["Alpha", "Beta", "Gamma"]
    assert names(client.get(url, {"sort": "-progress"})) == ["Alpha", "Beta", "Gamma"]  # a tie: by name
    page = client.get(url, {"sort": "-it"}).content.decode()
    assert 'aria-sort="descending"' in page and "sort=it" in page  # a second click sorts the other way


def test_sorting_by_days_unowned_alignment_and_gap(client, executive, owner):
    old, new, owned = (ProjectFactory.create(owner=owner, name=n) for n in ("Old", "New", "Owned"))
    own_every_step(owned, owner)
    Project.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=20))
    figures.refresh([old.pk])
    answered_round(owner, [[4] * 8] * 3, [[2] * 8] * 3, project=new)  # level 3.0, gap +2
    answered_round(owner, [[3] * 8] * 3, [[4] * 8] * 3, project=owned)  # level 3.5, gap -1
    client.force_login(executive)
    url = reverse("portfolio")
    assert names(client.get(url, {"sort": "-unowned"})) == ["Old", "New", "Owned"]  # none last
    assert names(client.get(url, {"sort": "unowned"})) == ["New", "Old", "Owned"]
    assert names(client.get(url, {"sort": "-alignment"})) == ["Owned", "New", "Old"]
    assert names(client.get(url, {"sort": "-gap"})) == ["New", "Owned", "Old"]  # by size, either way
    assert names(client.get(url, {"sort": "status"})) == ["New", "Old", "Owned"]
    assert names(client.get(url, {"sort": "-step"})) == ["New", "Old", "Owned"]


def test_filter_state_lives_in_the_url_and_survives_paging(client, executive, owner):
    for i in range(30):
        ProjectFactory.create(owner=owner, name=f"P{i:02d}")
    client.force_login(executive)
    first = client.get(reverse("portfolio"), {"attention": "on", "sort": "name"})
    assert len(rows_of(first)) == dashboard_page_size() and first.context["page"].paginator.num_pages == 2
    assert "attention=on&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(reverse("portfolio"), {"attention": "on", "sort": "name", "page": 2})
    assert names(second) == [f"P{i:02d}" for i in range(25, 30)]
    assert client.get(reverse("portfolio"), {"page": "x"}).status_code == 200
    assert names(client.get(reverse("portfolio"), {"sort": "name", "page": 99})) == names(second)  # the last page


def dashboard_page_size() -> int:
    from overview.dashboard_views import PAGE_SIZE

    return PAGE_SIZE


def test_htmx_request_gets_only_the_table(client, executive, project):
    client.force_login(executive)
    response = client.get(
        reverse("portfolio"), {"status": "active"}, headers={"HX-Request": "true", "HX-Target": "portfolio-table"}
    )
    page = response.content.decode()
    assert project.name in page and "<html" not in page and "Where the active projects are" not in page
    assert "Showing 1–1 of 1 project (of 1)" in page


def test_stage_chart_counts_active_projects_by_current_step(client, executive, owner):
    ProjectFactory.create(owner=owner, name="A")
    b = ProjectFactory.create(owner=owner, name="B")
    own_every_step(b, owner)
    set_steps(b, [1], status=StepStatus.DONE, completed_at=timezone.now())
    client.force_login(executive)
    chart = client.get(reverse("portfolio")).context["chart"]
    assert chart["unowned"][0] == 1 and chart["owned"][1] == 1 and sum(chart["owned"] + chart["unowned"]) == 2


# --- Query counts ---------------------------------------------------------------------------


@pytest.fixture
def only_our_tiles(monkeypatch):
    """The dashboard's own queries: other apps' tiles (projects.registry) count their own."""
    from projects import registry

    monkeypatch.setitem(registry._places, "tile", {})


def _portfolio_of(size: int, owner, executive) -> None:
    """``size`` projects with scorecards, rounds, overdue and finished steps, one going it alone:
    every filter below selects some (an empty page reads nothing more)."""
    cmo = UserFactory(department=Department.MARKETING, is_executive=True)
    made = [ProjectFactory.create(owner=owner, name=f"P{i:03d}", marketing_sponsor=cmo) for i in range(size)]
    for project in made[:: max(1, size // 3)]:
        scorecard_with(project, {"Acme": [[4] * 10], "Bolt": [[3] * 10]})
        set_steps(project, [1], status=StepStatus.DONE, completed_at=timezone.now())
        set_steps(project, [2], due_date=timezone.localdate() - timedelta(days=1))
    assign(made[-1].steps.get(number=1), owner, Role.ACCOUNTABLE)  # Marketing alone
    it_person = UserFactory(department=Department.IT)
    for number in (1, 2):  # IT leads its current step, whichever
        assign(made[1].steps.get(number=number), it_person, Role.ACCOUNTABLE)
    answered_round(owner, [[3] * 8] * 3, [[2] * 8] * 3, project=made[0])
    answered_round(executive, [[3] * 8] * 3, [[3] * 8] * 3)
    return cmo


def _count(client, url, params, headers=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, headers=headers)
    assert response.status_code == 200
    return len(queries.captured_queries)


# Session, user; the projects flagged for their vendor or alignment gap (portfolio.Portfolio.read);
# sponsors; projects grouped (tiles, chart, total); [filtered: count]; the page's projects; their
# rows: projects with people and figures, vendors, rounds, steps, steps awaiting acknowledgement
# (raci.duties); overdue steps, reminders, the organization's round.
PAGE_QUERIES = 14
PARAMS = [{"sort": ("-" if i % 2 else "") + key} for i, key in enumerate(sorting.SORTS)] + [
    {"status": "active"},
    {"sponsor": "cmo"},
    {"side": "marketing"},
    {"side": "it"},
    {"alone": "either"},
    {"alone": "marketing"},
    {"attention": "on"},
    {"attention": "on", "status": "active", "side": "marketing", "alone": "marketing", "sort": "-gap"},
]


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_queries_do_not_grow_with_projects(client, executive, owner, size, only_our_tiles):
    """Every sort and every filter, at 3 and at 30 projects: the same queries."""
    cmo = _portfolio_of(size, owner, executive)
    client.force_login(executive)
    from alignment.tasks import store_round_summaries

    assert store_round_summaries() == 2  # else each read of an unstored round sums its answers
    counts, expected = {}, {}
    headers = {"HX-Request": "true", "HX-Target": "portfolio-table"}
    for params in PARAMS:
        params = {name: cmo.pk if value == "cmo" else value for name, value in params.items()}
        filtered = any(name != "sort" for name in params)
        key = "&".join(f"{k}={v}" for k, v in params.items())
        counts[key] = (
            _count(client, reverse("portfolio"), params),
            _count(client, reverse("portfolio"), params, headers),
        )
        # The table alone (htmx): no tiles or chart; so a count of the selected projects (and of all, if filtered).
        expected[key] = (PAGE_QUERIES + filtered, PAGE_QUERIES - 3 + filtered)
    assert counts == expected


def test_rounds_not_yet_stored_cost_one_aggregate_each(
    client, executive, owner, django_assert_num_queries, only_our_tiles
):
    _portfolio_of(3, owner, executive)
    client.force_login(executive)
    # Rounds that closed by time passing have no stored summary until beat stores it: meanwhile
    # a read sums their answers (for the portfolio's reasons, then its gaps again; for the rows;
    # for the organization's round) and writes nothing.
    with django_assert_num_queries(PAGE_QUERIES + 4):
        client.get(reverse("portfolio"))


@pytest.mark.parametrize("size", [3, 30])
def test_member_dashboard_queries_do_not_grow_either(
    client, owner, member, size, django_assert_num_queries, only_our_tiles
):
    for i in range(size):
        project = ProjectFactory.create(owner=owner, name=f"P{i}")
        assign(project.steps.get(number=1), member, Role.INFORMED)
        if i < 3:
            scorecard_with(project, {"Acme": [[4] * 10]})
    client.force_login(member)
    with django_assert_num_queries(PAGE_QUERIES + 1):  # as for an executive, plus the member's own submitted sheets
        response = client.get(reverse("portfolio"))
    assert response.context["page"].paginator.count == size


# --- The tiles' step lists ---------------------------------------------------------------


def test_unowned_and_overdue_step_lists(client, executive, owner, project, member):
    other = ProjectFactory.create(owner=owner, name="Other")
    own_every_step(other, owner)
    set_steps(other, [4], due_date=timezone.localdate() - timedelta(days=3))
    paused = ProjectFactory.create(owner=owner, name="Paused")
    type(paused).objects.filter(pk=paused.pk).update(status=ProjectStatus.ON_HOLD)

    client.force_login(executive)
    unowned = client.get(reverse("portfolio_steps", args=["unowned"]))
    assert unowned.context["page"].paginator.count == 10  # the project's ten; not Other's, not Paused's
    overdue = client.get(reverse("portfolio_steps", args=["overdue"]))
    assert [s.project.name for s in overdue.context["page"]] == ["Other"]
    assert client.get(reverse("portfolio_steps", args=["everything"])).status_code == 404

    client.force_login(member)
    assert client.get(reverse("portfolio_steps", args=["overdue"])).context["page"].paginator.count == 0


@pytest.mark.parametrize(
    "url", [reverse_lazy("portfolio"), reverse_lazy("my_work"), reverse_lazy("portfolio_steps", args=["unowned"])]
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [reverse_lazy("portfolio"), reverse_lazy("portfolio_steps", args=["overdue"])])
def test_the_dashboard_is_read_only(client, executive, url):
    client.force_login(executive)
    assert client.post(url).status_code == 405


def test_a_closed_rounds_sums_are_stored_by_the_writes_and_never_by_a_read(executive, project, owner):
    from alignment.models import AlignmentRound, RoundInvitation, RoundSummary
    from alignment.selectors import latest_project_alignment
    from alignment.tests.factories import answer, close

    round_, _, _ = answered_round(owner, [[4] * 8] * 3, [[2] * 8] * 3, project=project)
    projects = type(project).objects.all()
    assert latest_project_alignment(projects)[project.pk].figures.it == pytest.approx(2.0)
    assert not RoundSummary.objects.exists()  # closed by time passing: computed, not stored
    assert store_missing() == 1  # beat (or manage.py refresh_round_summaries) stores it
    assert RoundSummary.objects.get(round=round_).groups == {"marketing": [96, 24, 3], "it": [48, 24, 3]}

    # An administrator moves the closing date into the future: more answers arrive.
    AlignmentRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now() + timedelta(days=1))
    assert project.pk not in latest_project_alignment(projects)  # open again: no figures
    late = UserFactory(department=Department.IT)
    assign(project.steps.get(number=2), late, Role.INFORMED)
    RoundInvitation.objects.create(round=round_, user=late)
    answer(round_, late, [5] * 8)
    close(round_)
    # The stored summary is for another closing time: ignored, the figures are computed.
    figures_now = latest_project_alignment(projects)[project.pk].figures
    assert figures_now.it == pytest.approx((48 + 40) / 32) and figures_now.it_n == 4
    assert store_missing() == 1
    assert RoundSummary.objects.get(round=round_).groups["it"] == [88, 32, 4]


def test_the_filters_and_order_are_said_in_words(client, executive, owner):
    for i in range(3):
        ProjectFactory.create(owner=owner, name=f"P{i}")
    client.force_login(executive)
    page = client.get(reverse("portfolio"), {"status": "active", "attention": "on", "sort": "-it"}).content.decode()
    assert (
        "Showing 1–3 of 3 projects (of 3) · Status: Active · Needs attention only · sorted by IT total, descending"
        in page
    )
    default = client.get(reverse("portfolio")).content.decode()
    assert "Showing 1–3 of 3 projects · most reasons for attention first" in default


@pytest.mark.parametrize("projects", [3, 30])
def test_step_list_queries_do_not_grow(client, executive, owner, projects, django_assert_num_queries):
    for i in range(projects):
        ProjectFactory.create(owner=owner, name=f"P{i}")
    client.force_login(executive)
    with django_assert_num_queries(4):  # session, user, count, the page of steps with their projects
        response = client.get(reverse("portfolio_steps", args=["unowned"]))
    assert response.context["page"].paginator.count == 10 * projects


# --- The export --------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    import csv
    import io

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_export_carries_the_filtered_sorted_rows_and_their_figures(client, executive, owner, it_lead):
    calm = ProjectFactory.create(owner=owner, name="Calm")
    own_every_step(calm, owner)
    loud = ProjectFactory.create(owner=owner, name="=HYPERLINK(1)", it_lead=it_lead)
    scorecard_with(loud, {"Acme": [[4] * 5 + [3] * 5]})
    client.force_login(executive)

    table = _csv(client.get(reverse("portfolio_export", args=["csv"]), {"sort": "name"}))
    header, rows = table[0], table[1:]
    assert [r[0] for r in rows] == ["'=HYPERLINK(1)", "Calm"]  # a formula-looking name stays text
    row = dict(zip(header, rows[0], strict=True))
    assert row["Vendor"] == "Acme" and row["Vendor standing"] == "leading"
    assert (row["IT total"], row["Marketing total"], row["IT maximum"]) == ("20.00", "15.00", "25")
    assert row["Steps without an accountable owner"] == "10" and row["Current step"] == "1. Define the problem"
    assert row["Step 1. Define the problem"] == "Not started, no accountable owner"
    assert row["Needs attention"] == "10 steps without an accountable owner"

    attention_only = _csv(client.get(reverse("portfolio_export", args=["csv"]), {"attention": "on"}))
    assert [r[0] for r in attention_only[1:]] == ["'=HYPERLINK(1)"]


def test_export_follows_the_pages_order_across_batches(client, executive, owner, monkeypatch):
    from overview import dashboard_views

    monkeypatch.setattr(dashboard_views, "EXPORT_BATCH", 2)
    for i in range(5):
        ProjectFactory.create(owner=owner, name=f"P{i}")
    client.force_login(executive)
    table = _csv(client.get(reverse("portfolio_export", args=["csv"]), {"sort": "-name"}))
    assert [r[0] for r in table[1:]] == ["P4", "P3", "P2", "P1", "P0"]


def test_export_is_excel_too_and_refuses_other_formats(client, executive, project):
    from io import BytesIO

    from openpyxl import load_workbook

    from common.tabular import HEADER_ROW, xlsx_rows

    client.force_login(executive)
    response = client.get(reverse("portfolio_export", args=["xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.title == "Portfolio" and sheet.cell(row=HEADER_ROW, column=1).font.bold
    header, row = xlsx_rows(response.content)
    assert header[0] == "Project" and row[0] == project.name
    assert client.get(reverse("portfolio_export", args=["pdf"])).status_code == 404


def test_export_shows_only_what_the_viewer_may_see_and_keeps_ratings_blind(client, project, member):
    hidden = ProjectFactory.create(name="Secret merger tooling")
    scorecard_with(project, {"Acme": [[4] * 10]})
    client.force_login(member)
    table = _csv(client.get(reverse("portfolio_export", args=["csv"])))
    assert [r[0] for r in table[1:]] == [project.name]
    row = dict(zip(table[0], table[1], strict=True))
    assert row["Vendor"] == "" and row["Vendor standing"] == "blind until you rate it" and row["IT total"] == ""
    assert hidden.name not in str(table)


@pytest.mark.parametrize("projects", [3, 30])
def test_export_queries_do_not_grow(client, executive, owner, projects, django_assert_num_queries):
    for i in range(projects):
        ProjectFactory.create(owner=owner, name=f"P{i}")
    client.force_login(executive)
    # Session, user, flagged projects, sponsors, the projects in order; per batch of 500: the
    # projects with their people and figures, vendors, rounds, steps, steps awaiting acknowledgement.
    with django_assert_num_queries(10):
        response = client.get(reverse("portfolio_export", args=["csv"]), {"attention": "on", "sort": "-s2"})
    assert len(_csv(response)) == projects + 1


def test_export_links_keep_the_filters(client, executive, project):
    client.force_login(executive)
    page = client.get(reverse("portfolio"), {"status": "active", "sort": "name"}).content.decode()
    assert f"{reverse('portfolio_export', args=['csv'])}?status=active&amp;sort=name" in page


@pytest.mark.parametrize("projects", [3, 30])
def test_sorting_by_a_step_column(client, executive, owner, projects, django_assert_num_queries, only_our_tiles):
    statuses = [StepStatus.NOT_STARTED, StepStatus.DONE, StepStatus.BLOCKED, StepStatus.IN_PROGRESS]
    for i in range(projects):
        made = ProjectFactory.create(owner=owner, name=f"P{i:02d}")
        status = statuses[i % 4]
        set_steps(made, [3], status=status, completed_at=timezone.now() if status == StepStatus.DONE else None)
    client.force_login(executive)
    with django_assert_num_queries(PAGE_QUERIES):  # the same as any sort
        response = client.get(reverse("portfolio"), {"sort": "-s3"})
    rows = rows_of(response)
    order = [row.cells[2].status for row in rows]
    assert order == sorted(order, key=lambda s: -sorting.PROGRESS_OF[s])
    assert order[0] == StepStatus.DONE and order[-1] == StepStatus.NOT_STARTED
    page = response.content.decode()
    assert (
        'title="Sort by Step 3, Define the requirements"' in page
        and "sorted by Step 3, Define the requirements" in page
    )
