"""The portfolio dashboard: rows, heatmap, tiles, filters, sorting, visibility and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from alignment.tests.factories import answered_round
from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from overview import filtering, portfolio, sorting
from projects.models import LifecycleStep, ProjectStatus, StepStatus
from raci.models import Reminder, ReminderReason, Role
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
            assign(project.steps.get(number=4), rater, Role.CONSULTED)
            rate(candidate, rater, row)
        made[name] = candidate
    return made


def own_every_step(project, person) -> None:
    for step in project.steps.all():
        assign(step, person, Role.ACCOUNTABLE)


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
    done_at = timezone.now()
    LifecycleStep.objects.filter(pk__in=[steps[1].pk, steps[2].pk]).update(status=StepStatus.DONE, completed_at=done_at)
    LifecycleStep.objects.filter(pk=steps[3].pk).update(status=StepStatus.IN_PROGRESS)
    LifecycleStep.objects.filter(pk=steps[4].pk).update(due_date=timezone.localdate() - timedelta(days=2))

    (row,) = portfolio.portfolio_rows(executive)
    portfolio.fill_cells([row])
    filtering.fill_current_sides(executive, [row])

    assert [c.symbol for c in row.cells[:4]] == ["✓", "✓", "▶", "·"]
    assert [c.owned for c in row.cells] == [True] * 3 + [False] * 7
    assert row.cells[3].overdue and not row.cells[4].overdue
    assert row.cells[3].label == "Step 4, Offer up technologies: Not started, no accountable owner, overdue"
    assert (row.done, row.unowned, row.overdue) == (2, 7, 1)
    assert row.current.number == 3 and row.current_sides == {"marketing"}  # owner is Marketing Ops
    assert row.unowned_days == 0
    assert row.attention == ["7 steps without an accountable owner", "1 overdue step"]


def test_days_unowned_count_from_when_the_step_lost_its_accountable(executive, owner):
    project = ProjectFactory.create(owner=owner)
    own_every_step(project, owner)
    step = project.steps.get(number=6)
    step.assignments.get().delete()  # recorded in the RACI history now
    from raci.models import RaciAssignment

    ten_days_ago = timezone.now() - timedelta(days=10)
    RaciAssignment.history.filter(step_id=step.pk).update(history_date=ten_days_ago)

    (row,) = portfolio.portfolio_rows(executive)

    assert row.unowned == 1 and row.unowned_days == 10
    assert row.attention == ["1 step without an accountable owner"]


def test_a_step_never_owned_counts_from_the_project_creation(executive, owner):
    project = ProjectFactory.create(owner=owner)
    type(project).objects.filter(pk=project.pk).update(created_at=timezone.now() - timedelta(days=30))
    (row,) = portfolio.portfolio_rows(executive)
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
    (row,) = portfolio.portfolio_rows(executive)
    assert row.vendor.tied == 2 and not row.vendor.chosen and row.vendor.candidates == 3
    assert row.vendor.candidate_id == made["Acme"].pk  # ties: first by name
    assert (row.vendor.it_total, row.vendor.marketing_total) == (20, 20)
    assert row.vendor.it_maximum == 25

    # A minimum of 3 on Security flags only Cirrus (2): the leader stays unflagged.
    project.scorecard.criteria.filter(name="Security").update(minimum=3)
    scorecards.standings_refresh(project.scorecard)  # as an administrator's edit does
    (row,) = portfolio.portfolio_rows(executive)
    assert row.vendor.candidate_id == made["Acme"].pk and row.vendor.below_minimum == []
    assert not any("vendor" in reason for reason in row.attention)
    # A minimum of 5 on Customer experience flags every candidate: the leader carries the flag.
    project.scorecard.criteria.filter(name="Customer experience").update(minimum=5)
    scorecards.standings_refresh(project.scorecard)
    (row,) = portfolio.portfolio_rows(executive)
    assert row.vendor.candidate_id == made["Acme"].pk
    assert row.vendor.below_minimum == ["Customer experience"]
    assert "Leading vendor below the minimum on Customer experience" in row.attention


def test_a_chosen_vendor_is_shown_instead_of_the_leader(executive, owner):
    project = ProjectFactory.create(owner=owner)
    made = scorecard_with(project, {"Acme": [[5] * 10, [5] * 10], "Bolt": [[3] * 10, [3] * 10]})
    scorecards.decision_record(
        actor=executive,
        scorecard=project.scorecard,
        candidate=made["Bolt"],
        rationale="Already under contract.",
        against_ranking_reason="Contract in place.",
    )
    (row,) = portfolio.portfolio_rows(executive)
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
    (row,) = portfolio.portfolio_rows(executive)
    assert row.alignment.title == "New"
    assert row.level == pytest.approx(3.5) and row.gap == pytest.approx(1.0)
    assert "Alignment gap of +1.00 levels between the sides" in row.attention


def test_alignment_with_too_few_answers_shows_no_figure(executive, project, owner):
    answered_round(owner, [[4] * 8] * 2, [[3] * 8] * 3, project=project)
    (row,) = portfolio.portfolio_rows(executive)
    assert row.alignment is not None and row.level is None and row.gap is None


def test_inactive_projects_never_need_attention(executive, owner):
    project = ProjectFactory.create(owner=owner)
    type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.ON_HOLD)
    (row,) = portfolio.portfolio_rows(executive)
    assert row.unowned == 10 and row.attention == []


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
    assert names(client.get(reverse("portfolio"))) == sorted([project.name, hidden.name])


def test_heatmap_cells_and_links_on_the_page(client, executive, project):
    client.force_login(executive)
    page = client.get(reverse("portfolio")).content.decode()
    assert 'aria-label="Step 1, Define the problem: Not started, no accountable owner"' in page
    assert reverse("raci:matrix", args=[project.slug]) in page
    assert project.get_absolute_url() in page


def test_tiles(client, executive, owner, project):
    other = ProjectFactory.create(owner=owner, name="Other")
    own_every_step(other, owner)
    LifecycleStep.objects.filter(project=other, number=9).update(due_date=timezone.localdate() - timedelta(days=1))
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


def test_filters_by_status_sponsor_side_and_attention(client, executive, owner, it_lead):
    cmo = UserFactory(department=Department.MARKETING, is_executive=True)
    quiet = ProjectFactory.create(owner=owner, name="Quiet", marketing_sponsor=cmo)
    own_every_step(quiet, owner)
    loud = ProjectFactory.create(owner=owner, name="Loud")
    assign(loud.steps.get(number=1), it_lead, Role.ACCOUNTABLE)
    paused = ProjectFactory.create(owner=owner, name="Paused")
    type(paused).objects.filter(pk=paused.pk).update(status=ProjectStatus.ON_HOLD)
    client.force_login(executive)
    url = reverse("portfolio")

    assert names(client.get(url, {"status": "on_hold"})) == ["Paused"]
    assert names(client.get(url, {"sponsor": cmo.pk})) == ["Quiet"]
    # Loud's current step (1) is owned by the IT lead; the others' step 1 is Marketing's.
    assert names(client.get(url, {"side": "it"})) == ["Loud"]
    assert names(client.get(url, {"side": "marketing", "sort": "name"})) == ["Paused", "Quiet"]
    assert names(client.get(url, {"attention": "on", "sort": "name"})) == ["Loud"]
    response = client.get(url, {"attention": "on", "status": "on_hold"})
    assert names(response) == [] and "No project matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"status": "nonsense"}, {"sponsor": "abc"}, {"sponsor": "999999"}, {"side": "<script>"}]
)
def test_a_bad_filter_is_reported_and_ignored(client, executive, project, params):
    client.force_login(executive)
    response = client.get(reverse("portfolio"), params)
    assert response.status_code == 200
    assert names(response) == [project.name]
    page = response.content.decode()
    assert "This filter was ignored." in page and "<script>" not in page


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
    page = client.get(url, {"sort": "-it"}).content.decode()
    assert 'aria-sort="descending"' in page and "sort=it" in page  # a second click sorts the other way


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


def test_stage_chart_counts_active_projects_by_current_step(client, executive, owner):
    ProjectFactory.create(owner=owner, name="A")
    b = ProjectFactory.create(owner=owner, name="B")
    own_every_step(b, owner)
    LifecycleStep.objects.filter(project=b, number=1).update(status=StepStatus.DONE, completed_at=timezone.now())
    client.force_login(executive)
    chart = client.get(reverse("portfolio")).context["chart"]
    assert chart["unowned"][0] == 1 and chart["owned"][1] == 1 and sum(chart["owned"] + chart["unowned"]) == 2


@pytest.mark.parametrize("projects", [10, 200])
def test_dashboard_queries_do_not_grow_with_projects(client, executive, owner, projects, django_assert_num_queries):
    cmo = UserFactory(department=Department.MARKETING, is_executive=True)
    made = [ProjectFactory.create(owner=owner, name=f"P{i:03d}", marketing_sponsor=cmo) for i in range(projects)]
    for project in made[:: max(1, projects // 5)]:
        scorecard_with(project, {"Acme": [[4] * 10], "Bolt": [[3] * 10]})
    answered_round(owner, [[3] * 8] * 3, [[2] * 8] * 3, project=made[0])
    answered_round(executive, [[3] * 8] * 3, [[3] * 8] * 3)
    client.force_login(executive)
    # Rounds that closed by time passing have no stored summary until beat stores
    # it: meanwhile a read sums their answers (per scope, one aggregate) and writes nothing.
    with django_assert_num_queries(12):
        client.get(reverse("portfolio"))
    from alignment.tasks import store_round_summaries

    assert store_round_summaries() == 2
    # Then: session, user; projects with their step figures, the people they name,
    # oldest unowned steps, vendors, alignment rounds; the page's steps; reminders,
    # the organization's round.
    with django_assert_num_queries(10):
        response = client.get(reverse("portfolio"), {"sort": "-it"})
    assert response.context["page"].paginator.count == projects


def test_member_dashboard_queries_do_not_grow_either(client, owner, member, django_assert_num_queries):
    for i in range(12):
        project = ProjectFactory.create(owner=owner, name=f"P{i}")
        assign(project.steps.get(number=1), member, Role.INFORMED)
        scorecard_with(project, {"Acme": [[4] * 10]})
    client.force_login(member)
    with django_assert_num_queries(11):  # as for an executive, plus the member's own submitted sheets
        response = client.get(reverse("portfolio"))
    assert response.context["page"].paginator.count == 12


# --- The tiles' step lists ---------------------------------------------------------------


def test_unowned_and_overdue_step_lists(client, executive, owner, project, member):
    other = ProjectFactory.create(owner=owner, name="Other")
    own_every_step(other, owner)
    LifecycleStep.objects.filter(project=other, number=4).update(due_date=timezone.localdate() - timedelta(days=3))
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
    from alignment.summaries import store_missing
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
    figures = latest_project_alignment(projects)[project.pk].figures
    assert figures.it == pytest.approx((48 + 40) / 32) and figures.it_n == 4
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


def test_export_is_excel_too_and_refuses_other_formats(client, executive, project):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(executive)
    response = client.get(reverse("portfolio_export", args=["xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.title == "Portfolio" and sheet["A2"].value == project.name and sheet["A1"].font.bold
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
    with django_assert_num_queries(8):  # session, user, projects, people, unowned, vendors, rounds, steps
        response = client.get(reverse("portfolio_export", args=["csv"]))
    assert len(_csv(response)) == projects + 1


def test_export_links_keep_the_filters(client, executive, project):
    client.force_login(executive)
    page = client.get(reverse("portfolio"), {"status": "active", "sort": "name"}).content.decode()
    assert f"{reverse('portfolio_export', args=['csv'])}?status=active&amp;sort=name" in page


@pytest.mark.parametrize("projects", [3, 30])
def test_sorting_by_a_step_column(client, executive, owner, projects, django_assert_num_queries):
    statuses = [StepStatus.NOT_STARTED, StepStatus.DONE, StepStatus.BLOCKED, StepStatus.IN_PROGRESS]
    for i in range(projects):
        made = ProjectFactory.create(owner=owner, name=f"P{i:02d}")
        status = statuses[i % 4]
        LifecycleStep.objects.filter(project=made, number=3).update(
            status=status, completed_at=timezone.now() if status == StepStatus.DONE else None
        )
    client.force_login(executive)
    client.get(reverse("portfolio"))  # the organization round's sums, if any, are stored now
    with django_assert_num_queries(10):  # the same as any sort: every row's steps are read once
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
