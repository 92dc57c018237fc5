"""Fractional weights and minimums (issue 12): "Integration must average at least 3.5".

Hand-computed example (``fractional``): five Marketing raters; Integration's
minimum is 3.5; every score is 4 on Y, 5 on X and 3 on Z except Integration:

* X: Integration 3, 3, 4, 4, 3 → mean 3.40 < 3.5: flagged. IT 25.00;
  Marketing 5 + 3.4 + 5 + 5 + 5 = 23.40; overall 48.40, but ranked last (3).
* Y: Integration 4 → 4.00. IT 20.00, Marketing 20.00, overall 40.00: rank 1.
* Z: Integration 4, 4, 3, 3, 4 → mean 3.60 ≥ 3.5. IT 15.00; Marketing
  3 + 3.6 + 3 + 3 + 3 = 15.60; overall 30.60: rank 2.

With a whole-number minimum (3) X would lead: that is the defect.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import assign
from raci.models import Role
from scorecards import scoring, services
from scorecards.models import Candidate, Criterion, ScorecardCriterion
from scorecards.selectors import scorecard_results

D = Decimal
INTEGRATION = {"X": [3, 3, 4, 4, 3], "Y": [4] * 5, "Z": [4, 4, 3, 3, 4]}
BASE = {"X": 5, "Y": 4, "Z": 3}


def rate_all(project, scorecard, user_factory, scores_for):
    """Five Marketing members submit: ``scores_for(candidate name, rater index, criterion)``."""
    raters = [user_factory() for _ in range(5)]
    for rater in raters:
        assign(project.steps.get(number=4), rater, Role.CONSULTED)
    criteria = list(scorecard.criteria.all())
    candidates = {}
    for name in sorted(BASE):
        candidate = services.candidate_save(actor=project.owner, scorecard=scorecard, name=name)
        for i, rater in enumerate(raters):
            scores = {c.pk: scores_for(name, i, c) for c in criteria}
            services.ratings_save(actor=rater, candidate=candidate, scores=scores, comments={}, submit=True)
        candidates[name] = candidate
    return candidates


@pytest.fixture
def fractional(default_criteria, project, user_factory):
    Criterion.objects.filter(name="Integration").update(minimum=D("3.5"))
    scorecard = services.scorecard_for(project)

    def scores_for(name, i, criterion):
        return INTEGRATION[name][i] if criterion.name == "Integration" else BASE[name]

    return scorecard, rate_all(project, scorecard, user_factory, scores_for)


@pytest.mark.django_db
def test_a_mean_of_3_4_under_a_minimum_of_3_5_is_flagged_and_ranked_last(fractional):
    scorecard, _ = fractional
    assert scorecard.criteria.get(name="Integration").minimum == D("3.50")
    results = {r.candidate.name: r for r in scorecard_results(scorecard, viewer=None).candidates}
    x, y, z = results["X"], results["Y"], results["Z"]
    integration = next(c for c in x.criteria if c.criterion.name == "Integration")
    assert integration.mean == D("3.40") and integration.below_minimum
    assert (x.it_total, x.marketing_total, x.overall) == (D("25.00"), D("23.40"), D("48.40"))
    assert (z.it_total, z.marketing_total, z.overall) == (D("15.00"), D("15.60"), D("30.60"))
    assert (y.overall, y.below_minimum, z.below_minimum) == (D("40.00"), [], [])
    assert x.below_minimum == ["Integration"]
    assert (y.rank, z.rank, x.rank) == (1, 2, 3)


@pytest.mark.django_db
def test_stored_standings_carry_the_fractional_minimums_flags(fractional):
    scorecard, _ = fractional
    stored = {c.name: (c.rank, c.below_minimum, c.overall_total) for c in Candidate.objects.filter(scorecard=scorecard)}
    assert stored == {"X": (3, ["Integration"], D("48.40")), "Y": (1, [], D("40.00")), "Z": (2, [], D("30.60"))}


@pytest.mark.django_db
def test_a_fractional_weight_counts_by_its_fraction(default_criteria, project, user_factory):
    """Security weighs 1.5; one rater gives Security 2 and everything else 4:
    IT = (1.5 × 2 + 4 × 4) / 5.5 × 5 = 17.27 (a whole weight of 1 would give 18.00)."""
    Criterion.objects.filter(name="Security").update(weight=D("1.5"))
    scorecard = services.scorecard_for(project)
    rater = user_factory()
    assign(project.steps.get(number=4), rater, Role.CONSULTED)
    candidate = services.candidate_save(actor=project.owner, scorecard=scorecard, name="Acme")
    scores = {c.pk: 2 if c.name == "Security" else 4 for c in scorecard.criteria.all()}
    services.ratings_save(actor=rater, candidate=candidate, scores=scores, comments={}, submit=True)
    (result,) = scorecard_results(scorecard, viewer=None).candidates
    assert (result.it_total, result.marketing_total) == (D("17.27"), D("20.00"))
    candidate.refresh_from_db()
    assert candidate.it_total == D("17.27")


def test_scoring_takes_decimal_weights_and_minimums():
    assert scoring.group_total([(D("1.5"), D(2)), (D(1), D(4))]) == D("5.60")  # (3 + 4) / 2.5 × 2
    assert scoring.is_below_minimum(D("3.49"), D("3.5")) and not scoring.is_below_minimum(D("3.50"), D("3.5"))
    assert [scoring.plain(v) for v in (D("2.00"), D("1.50"), D("3.25"), D("10.00"), None)] == [
        "2", "1.5", "3.25", "10", ""
    ]  # fmt: skip


@pytest.mark.django_db
def test_admin_accepts_a_fractional_minimum_and_weight(client, admin_user, default_criteria):
    criterion = Criterion.objects.get(name="Integration")
    client.force_login(admin_user)
    data = {"name": criterion.name, "group": criterion.group, "description": criterion.description,
            "weight": "1.5", "minimum": "3.5", "position": criterion.position, "is_active": "on"}  # fmt: skip
    response = client.post(reverse("admin:scorecards_criterion_change", args=[criterion.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.minimum) == (D("1.50"), D("3.50"))


@pytest.mark.django_db
def test_admin_refuses_a_minimum_off_the_score_scale_and_a_weight_of_zero(client, admin_user, default_criteria):
    criterion = Criterion.objects.get(name="Integration")
    client.force_login(admin_user)
    data = {"name": criterion.name, "group": criterion.group, "weight": "0", "minimum": "5.5",
            "position": criterion.position, "is_active": "on"}  # fmt: skip
    response = client.post(reverse("admin:scorecards_criterion_change", args=[criterion.pk]), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"weight", "minimum"}
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.minimum) == (D(1), None)


@pytest.mark.django_db
def test_the_database_refuses_a_weight_of_zero_and_a_minimum_above_five(default_criteria, project):
    scorecard = services.scorecard_for(project)
    copy = scorecard.criteria.get(name="Security")
    for values in ({"weight": D(0)}, {"weight": D("10.5")}, {"minimum": D("5.01")}, {"minimum": D("0.5")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ScorecardCriterion.objects.filter(pk=copy.pk).update(**values)
    ScorecardCriterion.objects.filter(pk=copy.pk).update(weight=D("0.25"), minimum=D("4.75"))


@pytest.mark.django_db
def test_the_rate_page_and_the_comparison_show_fractions_as_written(client, fractional, project, executive):
    scorecard, candidates = fractional
    ScorecardCriterion.objects.filter(scorecard=scorecard, name="Integration").update(weight=D("1.5"))
    client.force_login(executive)
    page = client.get(reverse("scorecards:scorecard", kwargs={"slug": project.slug})).content.decode()
    criteria_table = page[page.index('id="criteria"') :]
    assert "<td>1.5</td><td>3.5</td>" in criteria_table  # Integration: weight 1.5, minimum 3.5
    client.force_login(project.owner)
    rate = client.get(reverse("scorecards:rate", kwargs={"slug": project.slug, "candidate_id": candidates["X"].pk}))
    assert "weight 1.5</span>" in rate.content.decode() and "minimum 3.5</span>" in rate.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_whole_number_weights_and_minimums(default_criteria):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("scorecards", "0003_candidate_standing")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("scorecards", "Criterion")
    old.objects.filter(name="Security").update(weight=3, minimum=4)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    security = Criterion.objects.get(name="Security")
    assert (security.weight, security.minimum) == (D("3.00"), D("4.00"))
    assert Criterion.objects.get(name="Cost").weight == D(1)
