"""'Save draft' on a submitted sheet (issue 12): the submitted version keeps
counting until the changes are submitted complete; an incomplete sheet never
counts; the page and the message say so, truly."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scorecards import services
from scorecards.models import Candidate, RatingSheet
from scorecards.selectors import scorecard_results

D = Decimal
pytestmark = pytest.mark.django_db


def figures(scorecard) -> dict:
    return {
        r.candidate.name: (r.it_total, r.marketing_total, r.rank)
        for r in scorecard_results(scorecard, viewer=None).candidates
    }


def stored(scorecard) -> dict:
    return {c.name: (c.it_total, c.marketing_total, c.rank) for c in Candidate.objects.filter(scorecard=scorecard)}


def rate_url(project, candidate):
    return reverse("scorecards:rate", kwargs={"slug": project.slug, "candidate_id": candidate.pk})


def test_a_draft_of_changes_to_a_submitted_sheet_does_not_count_until_submitted(client, example, project, owner):
    sc, candidates, criteria = example
    before = figures(sc)
    sheet = RatingSheet.objects.get(candidate=candidates["A"], rater=owner)
    submitted_at = sheet.submitted_at
    security, cost = criteria["Security"], criteria["Cost"]
    client.force_login(owner)
    # Changes with blanks: only Security (1) and Cost (2) scored, the rest left empty.
    response = client.post(
        rate_url(project, candidates["A"]),
        {f"score_{security.pk}": "1", f"score_{cost.pk}": "2", f"comment_{cost.pk}": "Pricier now", "save": "1"},
        follow=True,
    )
    message = next(str(m) for m in response.context["messages"])
    assert "keep counting until you submit the changes" in message and "Nobody else sees them" in message
    assert figures(sc) == before == stored(sc)  # the submitted version still counts, unchanged
    sheet.refresh_from_db()
    assert sheet.submitted_at == submitted_at and sheet.draft_saved_at is not None
    assert sheet.ratings.get(criterion=security).score == 4  # what was submitted
    assert sheet.ratings.get(criterion=security).draft_score == 1
    # The form shows the draft (what the person is working on), and says what counts.
    form = response.context["form"]
    assert form[f"score_{security.pk}"].value() == 1 and form[f"comment_{cost.pk}"].value() == "Pricier now"
    assert form[f"score_{criteria['Integration'].pk}"].value() is None
    page = response.content.decode()
    assert "Those ratings count until you submit new ones" in page and "You have changes saved as a draft" in page


def test_submitting_the_changes_incomplete_is_refused_and_the_submitted_version_still_counts(
    client, example, project, owner
):
    sc, candidates, criteria = example
    before = figures(sc)
    client.force_login(owner)
    url = rate_url(project, candidates["A"])
    response = client.post(url, {f"score_{criteria['Security'].pk}": "1", "submit": "1"})
    assert "Score Cost before submitting." in response.content.decode()
    assert figures(sc) == before == stored(sc)


def test_submitting_the_changes_complete_replaces_the_submitted_version(client, example, project, owner):
    """Alice changes Cost on A from 4 to 1: Cost 4, 1, 4 → 3.00; Security stays 3.00 (weight 2)
    → IT (2 × 3 + 4 + 4 + 4 + 3) / 6 × 5 = 17.50 (was 18.33)."""
    sc, candidates, criteria = example
    client.force_login(owner)
    url = rate_url(project, candidates["A"])
    client.post(url, {f"score_{criteria['Cost'].pk}": "1", "save": "1"})
    assert figures(sc)["A"][0] == D("18.33")
    complete = {f"score_{c.pk}": "4" for c in criteria.values()}
    client.post(url, complete | {f"score_{criteria['Cost'].pk}": "1", "submit": "1"})
    sheet = RatingSheet.objects.get(candidate=candidates["A"], rater=owner)
    assert sheet.draft_saved_at is None and not sheet.ratings.filter(draft_score__isnull=False).exists()
    assert figures(sc)["A"][0] == D("17.50") == stored(sc)["A"][0]


def test_a_first_draft_says_it_does_not_count(client, example, project, user_factory):
    from conftest import assign
    from raci.models import Role

    _sc, candidates, criteria = example
    newcomer = user_factory()
    assign(project.steps.get(number=4), newcomer, Role.CONSULTED)
    client.force_login(newcomer)
    response = client.post(
        rate_url(project, candidates["A"]), {f"score_{criteria['Cost'].pk}": "5", "save": "1"}, follow=True
    )
    message = next(str(m) for m in response.context["messages"])
    assert message == "Draft saved. Nobody else sees it and it does not count until you submit it."
    assert "You submitted" not in response.content.decode()


def test_a_submitted_sheet_with_changes_in_draft_still_sees_everyones_figures(client, example, project, owner):
    _sc, candidates, _criteria = example
    services.ratings_save(actor=owner, candidate=candidates["A"], scores={}, comments={}, submit=False)
    client.force_login(owner)
    page = client.get(reverse("scorecards:scorecard", kwargs={"slug": project.slug})).content.decode()
    assert "Changes in draft" in page and "38.33" in page


def test_discarding_draft_changes_keeps_the_submitted_version(client, example, project, owner):
    sc, candidates, criteria = example
    security = criteria["Security"]
    before = figures(sc)
    client.force_login(owner)
    url = rate_url(project, candidates["A"])
    client.post(url, {f"score_{security.pk}": "1", "save": "1"})
    assert "Discard draft changes" in client.get(url).content.decode()
    response = client.post(url, {"discard": "1"}, follow=True)
    assert "Your draft changes are discarded" in next(str(m) for m in response.context["messages"])
    sheet = RatingSheet.objects.get(candidate=candidates["A"], rater=owner)
    assert sheet.draft_saved_at is None and sheet.submitted_at is not None
    assert sheet.ratings.get(criterion=security).draft_score is None
    assert response.context["form"][f"score_{security.pk}"].value() == 4  # the submitted score again
    assert figures(sc) == before
