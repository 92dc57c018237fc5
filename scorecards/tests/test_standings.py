"""The stored standings (what the portfolio reads) always match the live results."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import assign
from scorecards import services
from scorecards.models import Candidate, RatingSheet
from scorecards.selectors import scorecard_results

pytestmark = pytest.mark.django_db


def stored(scorecard) -> dict:
    return {
        c.name: (c.it_total, c.marketing_total, c.overall_total, c.rank, c.below_minimum)
        for c in Candidate.objects.filter(scorecard=scorecard)
    }


def live(scorecard) -> dict:
    return {
        r.candidate.name: (r.it_total, r.marketing_total, r.overall, r.rank, r.below_minimum)
        for r in scorecard_results(scorecard, viewer=None).candidates
    }


def test_standings_after_ratings_match_the_hand_computed_example(example):
    sc, _, _ = example
    sc.refresh_from_db()
    assert stored(sc) == live(sc)
    assert stored(sc)["A"] == (Decimal("18.33"), Decimal("20.00"), Decimal("38.33"), 1, [])
    assert stored(sc)["B"][3:] == (3, ["Customer experience"])
    assert stored(sc)["C"][3] == 1
    assert (sc.it_maximum, sc.marketing_maximum) == (25, 25)


def test_a_draft_changes_nothing_and_deleting_a_candidate_reranks(example, owner, user_factory, project):
    sc, candidates, criteria = example
    newcomer = user_factory()
    assign(project.steps.get(number=4), newcomer, "C")
    before = stored(sc)
    ones = {c.pk: 1 for c in criteria.values()}
    services.ratings_save(actor=newcomer, candidate=candidates["B"], scores=ones, comments={}, submit=False)
    assert stored(sc) == before == live(sc)  # a draft never counts
    services.ratings_save(actor=newcomer, candidate=candidates["B"], scores=ones, comments={}, submit=True)
    assert stored(sc) == live(sc) != before
    # A draft of changes to a submitted sheet moves nothing until it is submitted.
    after = stored(sc)
    services.ratings_save(actor=owner, candidate=candidates["C"], scores=ones, comments={}, submit=False)
    assert stored(sc) == live(sc) == after
    services.ratings_save(actor=owner, candidate=candidates["C"], scores=ones, comments={}, submit=True)
    assert stored(sc) == live(sc) != after

    services.candidate_delete(actor=owner, candidate=candidates["A"])
    assert stored(sc) == live(sc) and stored(sc)["C"][3] == 1


def test_admin_edits_refresh_the_standings(client, admin_user, example):
    sc, candidates, _criteria = example
    client.force_login(admin_user)
    # Raise Scalability's minimum to 5 in the scorecard's criteria inline.
    rows = list(sc.criteria.order_by("pk"))
    data = {
        "criteria-TOTAL_FORMS": len(rows),
        "criteria-INITIAL_FORMS": len(rows),
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
        "project": sc.project_id,
    }
    for i, c in enumerate(rows):
        data |= {
            f"criteria-{i}-id": c.pk,
            f"criteria-{i}-scorecard": sc.pk,
            f"criteria-{i}-name": c.name,
            f"criteria-{i}-group": c.group,
            f"criteria-{i}-weight": c.weight,
            f"criteria-{i}-minimum": 5 if c.name == "Scalability" else (c.minimum or ""),
            f"criteria-{i}-position": c.position,
        }
    response = client.post(reverse("admin:scorecards_scorecard_change", args=[sc.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(sc) == live(sc)
    assert "Scalability" in stored(sc)["A"][4]

    # Deleting a rating sheet in the admin moves the figures too.
    sheet = RatingSheet.objects.filter(candidate=candidates["C"]).first()
    response = client.post(reverse("admin:scorecards_ratingsheet_delete", args=[sheet.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored(sc) == live(sc)


def test_refresh_standings_command_repairs_hand_edited_data(example, capsys):
    from django.core.management import call_command

    sc, _, _ = example
    expected = stored(sc)
    Candidate.objects.filter(scorecard=sc).update(rank=None, it_total=None, below_minimum=[])
    assert stored(sc) != expected
    call_command("refresh_standings")
    assert stored(sc) == expected == live(sc)
    assert "Standings recomputed for 1 scorecard(s)." in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_leave_complete_standings(default_criteria, project, owner, user_factory):
    """Raters submitting at the same moment: the last refresh sees every sheet.

    Only PostgreSQL runs writers at once (SQLite takes them one by one).
    """
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; CI runs this on PostgreSQL")
    scorecard = services.scorecard_for(project)
    candidate = services.candidate_save(actor=owner, scorecard=scorecard, name="Acme")
    criteria = list(scorecard.criteria.all())
    raters = [user_factory() for _ in range(8)]
    for rater in raters:
        assign(project.steps.get(number=4), rater, "C")
    barrier = threading.Barrier(len(raters))
    errors = []

    def submit(rater, score):
        try:
            barrier.wait()
            services.ratings_save(
                actor=rater, candidate=candidate, scores={c.pk: score for c in criteria}, comments={}, submit=True
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(r, 1 + i % 5)) for i, r in enumerate(raters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored(scorecard) == live(scorecard)
    assert RatingSheet.objects.filter(candidate=candidate, submitted_at__isnull=False).count() == 8


# --- The arithmetic on its own (scorecards.scoring) --------------------------------------------


def test_scoring_group_total_is_the_weighted_mean_scaled_by_the_criteria():
    from scorecards import scoring

    D = Decimal
    assert scoring.group_total([(2, D(3)), (1, D(4)), (1, D(4)), (1, D(4)), (1, D(4))]) == D("18.33")
    assert scoring.group_total([(1, D(5))] * 5) == D("25.00") == scoring.group_maximum(5)
    assert scoring.group_total([(1, D(4)), (1, None)]) is None and scoring.group_total([]) is None
    assert scoring.overall(D("18.33"), D("20.00")) == D("38.33") and scoring.overall(None, D(1)) is None
    assert scoring.rounded(2.345) == D("2.35") and scoring.rounded(None) is None


def test_scoring_spread_minimum_and_competition_ranking():
    from scorecards import scoring

    D = Decimal
    assert scoring.spread(4, 1) == 3 and scoring.is_disagreement(2) and not scoring.is_disagreement(1)
    assert scoring.spread(None, None) is None and not scoring.is_disagreement(None)
    assert scoring.is_below_minimum(D("2.33"), 3) and not scoring.is_below_minimum(D(3), 3)
    assert not scoring.is_below_minimum(None, 3) and not scoring.is_below_minimum(D(1), None)
    keys = [(False, D("38.33")), (True, D("40")), (False, D("38.33")), (False, None), (False, D("30"))]
    assert scoring.competition_ranks(keys) == [1, 4, 1, None, 3]
