"""A hand-computed example: 3 raters × 3 candidates, Security weighted 2,
Customer experience with a minimum of 3.

Raters: Ivan (IT lead, IT side), Alice (owner, Marketing Ops), Bob (member,
Marketing). Everyone scores 4 on every criterion except:

* A: Bob gives Security 1        → Security mean 3.00, spread 3 (disagreement)
  IT total = (2×3 + 4×4) / 6 × 5 = 18.33; Marketing 20.00; overall 38.33
  by IT raters (Ivan): 20 + 20 = 40.00; by Marketing raters: Security 2.5 →
  (2×2.5 + 16) / 6 × 5 = 17.50, + 20 = 37.50
* B: Customer experience 2, 2, 3  → mean 2.33 < minimum 3: flagged, ranked last
  IT 20.00; Marketing 2.33 + 16 = 18.33; overall 38.33
  by IT raters: 2 + 16 = 18 → 38.00; by Marketing raters: 2.5 → 38.50
* C: Scalability 2, 2, 3          → mean 2.33 (no minimum)
  IT 20.00; Marketing 18.33; overall 38.33: a tie with A, both rank 1; B rank 3
  by IT raters 38.00; by Marketing raters 38.50
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from common import tabular
from conftest import UserFactory, assign
from governance.models import Department
from raci.models import Role
from scorecards import services
from scorecards.models import Criterion, Rating, RatingSheet
from scorecards.selectors import scorecard_results

D = Decimal


def by_name(results):
    return {r.candidate.name: r for r in results.candidates}


def cell(result, name):
    return next(c for c in result.criteria if c.criterion.name == name)


@pytest.mark.django_db
def test_hand_computed_figures(example):
    sc, _, _ = example
    results = by_name(scorecard_results(sc, viewer=None))
    a, b, c = results["A"], results["B"], results["C"]
    assert (a.it_total, a.marketing_total, a.overall) == (D("18.33"), D("20.00"), D("38.33"))
    assert (a.it_raters_overall, a.marketing_raters_overall) == (D("40.00"), D("37.50"))
    security = cell(a, "Security")
    assert (security.mean, security.highest, security.lowest, security.spread) == (D("3.00"), 4, 1, 3)
    assert security.disagreement and not cell(a, "Cost").disagreement
    assert (b.it_total, b.marketing_total, b.overall) == (D("20.00"), D("18.33"), D("38.33"))
    assert (b.it_raters_overall, b.marketing_raters_overall) == (D("38.00"), D("38.50"))
    assert b.below_minimum == ["Customer experience"] and cell(b, "Customer experience").mean == D("2.33")
    assert (c.overall, c.it_raters_overall, c.marketing_raters_overall) == (D("38.33"), D("38.00"), D("38.50"))
    assert c.below_minimum == [] and not cell(c, "Scalability").disagreement
    assert (a.rank, c.rank, b.rank) == (1, 1, 3)  # a tie, and the flagged one last
    assert all((r.submitted_it, r.submitted_marketing) == (1, 2) for r in results.values())
    assert scorecard_results(sc, viewer=None).it_maximum == 25


@pytest.mark.django_db
def test_comparison_page_shows_every_figure(client, example, executive, project):
    client.force_login(executive)
    response = client.get(reverse("scorecards:scorecard", kwargs={"slug": project.slug}))
    page = response.content.decode()
    ranking = page[page.index('id="ranking"') : page.index('id="criteria"')]
    for figure in ("18.33", "20.00", "38.33", "40.00", "37.50", "38.00", "38.50"):
        assert figure in ranking
    assert "Below minimum: Customer experience" in ranking
    assert ranking.index(">A<") < ranking.index(">C<") < ranking.index(">B<")
    criteria_table = page[page.index('id="criteria"') :]
    assert '3.00 <span class="small text-body-secondary">spread 3</span>' in criteria_table
    assert criteria_table.count('class="table-warning"') == 1
    assert "(of 25)" in ranking


@pytest.mark.django_db
def test_csv_and_xlsx_exports_carry_the_same_figures(client, example, executive, project):
    client.force_login(executive)
    url = lambda fmt: reverse("scorecards:export", kwargs={"slug": project.slug, "fmt": fmt})  # noqa: E731
    rows = list(csv.reader(io.StringIO(client.get(url("csv")).content.decode("utf-8-sig"))))
    header = rows[0]
    table = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert [row[1] for row in rows[1:]] == ["A", "C", "B"]
    assert table["A"]["IT total (of 25)"] == "18.33" and table["A"]["Overall"] == "38.33"
    assert table["C"]["Rank"] == "1" and table["B"]["Rank"] == "3"
    assert table["B"]["Below minimum"] == "Customer experience"
    assert table["A"]["Security spread"] == "3"
    assert table["B"]["Overall by Marketing raters"] == "38.50"
    sheet = tabular.xlsx_rows(client.get(url("xlsx")).content)
    xlsx = {row[1]: dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]}
    assert xlsx["A"]["IT total (of 25)"] == pytest.approx(18.33)
    assert xlsx["B"]["Overall by IT raters"] == pytest.approx(38.0)
    assert xlsx["C"]["Rank"] == 1
    assert client.get(url("pdf")).status_code == 404


@pytest.mark.django_db
def test_ratings_are_blind_until_the_viewer_submits(client, example, project, user_factory):
    sc, candidates, criteria = example
    newcomer = user_factory(department=Department.IT, first_name="Dev")
    assign(project.steps.get(number=4), newcomer, Role.CONSULTED)
    services.ratings_save(
        actor=newcomer,
        candidate=candidates["A"],
        scores={c.pk: 1 for c in criteria.values()},
        comments={},
        submit=False,
    )
    assert by_name(scorecard_results(sc, viewer=None))["A"].overall == D("38.33")  # a draft counts for nothing
    client.force_login(newcomer)
    url = reverse("scorecards:scorecard", kwargs={"slug": project.slug})
    page = client.get(url).content.decode()
    assert "38.33" not in page and "Ratings are blind" in page
    assert (
        client.get(reverse("scorecards:export", kwargs={"slug": project.slug, "fmt": "csv"})).content.count(b"\n") == 1
    )  # the header only
    services.ratings_save(
        actor=newcomer, candidate=candidates["A"], scores={c.pk: 4 for c in criteria.values()}, comments={}, submit=True
    )
    results = client.get(url).context["results"]
    visible = {r.candidate.name for r in results.candidates if r.visible}
    assert visible == {"A"}


@pytest.mark.django_db
def test_rating_form_out_of_range_and_missing_scores_keep_what_was_typed(default_criteria, client, project, owner):
    sc = services.scorecard_for(project)
    candidate = services.candidate_save(actor=owner, scorecard=sc, name="Acme")
    security, cost = sc.criteria.get(name="Security"), sc.criteria.get(name="Cost")
    client.force_login(owner)
    url = reverse("scorecards:rate", kwargs={"slug": project.slug, "candidate_id": candidate.pk})
    response = client.post(
        url, {f"score_{security.pk}": "7", f"score_{cost.pk}": "5", f"comment_{cost.pk}": "Cheap", "submit": "1"}
    )
    page = response.content.decode()
    assert "Choose a score from 1 (Very poor) to 5 (Great)." in page
    assert 'value="5"' in page and 'value="Cheap"' in page
    assert not RatingSheet.objects.exists()
    response = client.post(url, {f"score_{cost.pk}": "5", "submit": "1"})
    assert "Score Security before submitting." in response.content.decode()
    assert not RatingSheet.objects.exists()
    client.post(url, {f"score_{cost.pk}": "5", "save": "1"})
    sheet = RatingSheet.objects.get()
    assert sheet.submitted_at is None and sheet.ratings.get(criterion=cost).score == 5


@pytest.mark.django_db
def test_one_rating_per_rater_candidate_and_criterion_in_the_database(example, it_lead):
    _sc, candidates, criteria = example
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingSheet.objects.create(candidate=candidates["A"], rater=it_lead)
    sheet = RatingSheet.objects.get(candidate=candidates["A"], rater=it_lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(sheet=sheet, criterion=criteria["Cost"], score=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.filter(sheet=sheet, criterion=criteria["Cost"]).update(score=6)


@pytest.mark.django_db
def test_only_members_rate(client, example, project, executive, outsider):
    _, candidates, _ = example
    url = reverse("scorecards:rate", kwargs={"slug": project.slug, "candidate_id": candidates["A"].pk})
    client.force_login(executive)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_scorecard_keeps_the_criteria_it_started_with(example):
    sc, _, _ = example
    Criterion.objects.filter(name="Security").update(weight=5, name="Security and privacy")
    assert sc.criteria.get(name="Security").weight == 2


@pytest.mark.django_db
def test_decision_freezes_results_and_raci_and_sets_step_five(client, example, project, it_lead, owner):
    sc, candidates, _ = example
    project.marketing_sponsor, project.it_sponsor = owner, it_lead
    project.save(update_fields=["marketing_sponsor", "it_sponsor"])
    step5 = project.steps.get(number=5)
    assign(step5, it_lead, Role.ACCOUNTABLE)
    assign(step5, owner, Role.RESPONSIBLE)
    client.force_login(owner)
    url = reverse("scorecards:decide", kwargs={"slug": project.slug, "candidate_id": candidates["A"].pk})
    assert client.get(url).status_code == 403  # the owner is not step 5's Accountable person
    client.force_login(it_lead)
    assert "recording this proposal signs your IT position" in client.get(url).content.decode()
    response = client.post(url, {"rationale": "Best on both sides."}, follow=True)
    assert "proposed" in response.content.decode()
    assert services.standing_decision(sc) is None  # the marketing sponsor has not signed yet
    decision = services.open_decision(sc)
    assert project.steps.get(number=5).outcome == ""
    client.force_login(owner)
    sign = reverse(
        "scorecards:decision_sign", kwargs={"slug": project.slug, "decision_id": decision.pk, "side": "marketing"}
    )
    client.post(sign, {"marketing-side": "marketing", "marketing-position": "agree"})
    decision = services.standing_decision(sc)
    assert decision.decided_by == it_lead and decision.candidate.name == "A"
    header, first = decision.results_snapshot[0], decision.results_snapshot[1]
    assert dict(zip(header, first, strict=True))["Overall"] == "38.33"
    assert {(r["username"], r["role"]) for r in decision.raci_snapshot} == {("ivan", "A"), ("alice", "R")}
    assert project.steps.get(number=5).outcome.startswith("Chosen: A, proposed by Ivan Lead")

    # read-only until withdrawn; the frozen evidence does not move
    with pytest.raises(ValidationError, match="read-only"):
        services.candidate_save(actor=owner, scorecard=sc, name="D")
    client.force_login(it_lead)
    client.post(reverse("scorecards:withdraw", kwargs={"slug": project.slug}), {"reason": "Budget cut"})
    decision.refresh_from_db()
    assert decision.withdrawn_by == it_lead and decision.withdrawal_reason == "Budget cut"
    services.candidate_save(actor=owner, scorecard=sc, name="D")
    decision.refresh_from_db()
    assert len(decision.results_snapshot) == 4


@pytest.mark.django_db
def test_decision_against_the_ranking_asks_for_the_reason(client, example, project, executive, owner, it_lead):
    _, candidates, _ = example
    project.marketing_sponsor, project.it_sponsor = owner, it_lead
    project.save(update_fields=["marketing_sponsor", "it_sponsor"])
    client.force_login(executive)
    url = reverse("scorecards:decide", kwargs={"slug": project.slug, "candidate_id": candidates["B"].pk})
    response = client.post(url, {"rationale": "Their support team."})
    assert "The ranking puts A and C first: say why you choose B." in response.content.decode()
    client.post(url, {"rationale": "Their support team.", "against_ranking_reason": "Only B supports our CRM."})
    assert services.open_decision(candidates["B"].scorecard).against_ranking_reason == "Only B supports our CRM."


@pytest.mark.django_db
def test_deleting_a_rated_candidate_says_what_will_be_lost(client, example, project, owner):
    _, candidates, _ = example
    client.force_login(owner)
    url = reverse("scorecards:candidate_delete", kwargs={"slug": project.slug, "candidate_id": candidates["C"].pk})
    page = client.get(url).content.decode()
    assert "30 ratings" in page and "3 raters" in page
    client.post(url)
    assert not candidates["C"].__class__.objects.filter(name="C").exists()


@pytest.mark.django_db
def test_duplicate_candidate_name_is_refused_with_a_message(default_criteria, client, project, owner):
    client.force_login(owner)
    url = reverse("scorecards:candidate_add", kwargs={"slug": project.slug})
    client.post(url, {"name": "Acme"})
    response = client.post(url, {"name": "acme"}, follow=True)
    assert "“acme” is already a candidate." in response.content.decode()


@pytest.mark.django_db
def test_invitation_suggests_least_recent_raters_of_both_sides(client, example, project, owner, user_factory):
    sc, _candidates, _ = example
    fresh_it = user_factory(department=Department.IT, first_name="Nora")
    fresh_mkt = user_factory(department=Department.MARKETING, first_name="Sofia")
    for person in (fresh_it, fresh_mkt):
        assign(project.steps.get(number=4), person, Role.INFORMED)
    new = services.candidate_save(actor=owner, scorecard=sc, name="D")
    client.force_login(owner)
    url = reverse("scorecards:invite", kwargs={"slug": project.slug, "candidate_id": new.pk})
    suggestions = client.get(url).context["suggestions"]
    assert suggestions["it"][0] == fresh_it and suggestions["marketing"][0] == fresh_mkt
    client.post(url, {"people": [fresh_it.pk, fresh_mkt.pk]})
    assert set(new.invitations.values_list("user__first_name", flat=True)) == {"Nora", "Sofia"}


@pytest.mark.django_db
@pytest.mark.parametrize(("candidate_count", "rater_count"), [(3, 2), (20, 10)])
def test_comparison_page_queries_do_not_depend_on_raters_or_candidates(
    default_criteria, client, project, owner, executive, candidate_count, rater_count
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sc = services.scorecard_for(project)
    raters = [UserFactory(department=Department.IT if i % 2 else Department.MARKETING) for i in range(rater_count)]
    criteria = list(sc.criteria.all())
    for i in range(candidate_count):
        candidate = services.candidate_save(actor=owner, scorecard=sc, name=f"Vendor {i}")
        for rater in raters:
            sheet = RatingSheet.objects.create(candidate=candidate, rater=rater, rater_side=rater.side)
            Rating.objects.bulk_create([Rating(sheet=sheet, criterion=c, score=1 + (i + c.pk) % 5) for c in criteria])
            sheet.submitted_at = sheet.updated_at
            sheet.save()
    client.force_login(executive)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("scorecards:scorecard", kwargs={"slug": project.slug}))
    # The session's own bookkeeping (its expiry is refreshed per request) is not the page's.
    page_queries = [q["sql"] for q in captured if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert len(page_queries) <= 12, page_queries
    assert len(response.context["results"].candidates) == candidate_count


@pytest.mark.django_db
def test_scorecard_tab_is_in_the_project_tabs_and_active_on_its_pages(default_criteria, client, project, member):
    client.force_login(member)
    overview = client.get(reverse("project_detail", kwargs={"slug": project.slug})).content.decode()
    scorecard_url = reverse("scorecards:scorecard", kwargs={"slug": project.slug})
    assert f'<a class="nav-link"  href="{scorecard_url}">Scorecard</a>' in overview
    page = client.get(scorecard_url).content.decode()
    assert f'<a class="nav-link active" aria-current="page" href="{scorecard_url}">Scorecard</a>' in page


# --- Reads never write: no scorecard before the first write ----------------------------------


def _write_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


@pytest.mark.django_db
def test_opening_a_projects_scorecard_creates_nothing_and_the_first_candidate_does(
    default_criteria, client, project, owner
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scorecards.models import Scorecard, ScorecardCriterion

    client.force_login(owner)
    url = reverse("scorecards:scorecard", kwargs={"slug": project.slug})
    with CaptureQueriesContext(connection) as reads:
        response = client.get(url)
        client.get(reverse("scorecards:export", kwargs={"slug": project.slug, "fmt": "csv"}))
    assert response.status_code == 200 and "No candidates yet." in response.content.decode()
    assert not Scorecard.objects.exists() and not ScorecardCriterion.objects.exists()
    assert [s for s in _write_statements(reads) if "django_session" not in s] == []
    # The stand-in shows the default criteria and the same maxima as a stored scorecard.
    results = response.context["results"]
    assert [c.name for c in results.criteria] == list(
        Criterion.objects.filter(is_active=True).order_by("group", "position", "name").values_list("name", flat=True)
    )
    assert (results.it_maximum, results.marketing_maximum) == (25, 25)

    client.post(reverse("scorecards:candidate_add", kwargs={"slug": project.slug}), {"name": "Acme"})
    scorecard = Scorecard.objects.get(project=project)
    assert list(scorecard.candidates.values_list("name", flat=True)) == ["Acme"]
    assert scorecard.criteria.count() == 10 and (scorecard.it_maximum, scorecard.marketing_maximum) == (25, 25)


@pytest.mark.django_db
def test_candidate_pages_of_a_project_without_a_scorecard_are_not_found_and_create_nothing(
    default_criteria, client, project, owner, executive
):
    from scorecards.models import Scorecard

    def url(name, **kwargs):
        return reverse(f"scorecards:{name}", kwargs={"slug": project.slug, **kwargs})

    client.force_login(owner)
    for name in ("candidate_edit", "candidate_delete", "rate", "invite"):
        assert client.get(url(name, candidate_id=1)).status_code == 404, name
    client.force_login(executive)
    assert client.get(url("decide", candidate_id=1)).status_code == 404
    assert client.post(url("withdraw"), {"reason": "None to withdraw"}).status_code == 302
    assert not Scorecard.objects.exists()


@pytest.mark.django_db
def test_a_page_read_of_a_stored_scorecard_writes_nothing(example, client, project, executive, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _sc, candidates, _criteria = example
    for viewer in (executive, member):
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as reads:
            client.get(reverse("scorecards:scorecard", kwargs={"slug": project.slug}))
            client.get(reverse("scorecards:rate", kwargs={"slug": project.slug, "candidate_id": candidates["A"].pk}))
            client.get(reverse("project_detail", kwargs={"slug": project.slug}))
        assert [s for s in _write_statements(reads) if "django_session" not in s] == []


@pytest.mark.django_db
def test_choose_page_keeps_figures_blind_for_a_decider_who_has_not_rated(client, example, project, user_factory):
    _, candidates, _ = example
    decider = user_factory(username="dana", department=Department.MARKETING)
    assign(project.steps.get(number=5), decider, Role.ACCOUNTABLE)
    client.force_login(decider)
    url = reverse("scorecards:decide", kwargs={"slug": project.slug, "candidate_id": candidates["B"].pk})
    page = client.get(url).content.decode()
    assert "Ratings are blind until you submit your own" in page
    assert "Ranked" not in page and "38.33" not in page
    response = client.post(url, {"rationale": "Their support team."})
    page = response.content.decode()
    assert "B is not ranked first: say why you choose it." in page
    assert "The ranking puts" not in page  # the leaders' names stay hidden too
