"""Vendor decision signatures through the API: read both positions, sign a side, break a tie."""

import pytest

from api.models import Scope
from api.tests.conftest import client_for
from conftest import ProjectFactory, UserFactory
from governance.models import Department, Side
from scorecards.defaults import ensure_default_criteria
from scorecards.models import Decision
from scorecards.services import candidate_save, decision_record, scorecard_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """A proposal by an executive; Marketing's sponsor owns the budget, IT's sponsor signs too."""
    marketing = UserFactory(department=Department.MARKETING)
    it = UserFactory(department=Department.IT)
    project = ProjectFactory.create(marketing_sponsor=marketing, it_sponsor=it, budget_owner_side=Side.MARKETING)
    ensure_default_criteria()
    candidate = candidate_save(actor=project.owner, scorecard=scorecard_for(project), name="Acme")
    executive = UserFactory(department=Department.IT, is_executive=True)
    decision = decision_record(
        actor=executive,
        scorecard=candidate.scorecard,
        candidate=candidate,
        rationale="Fit.",
        against_ranking_reason="-",
    )
    url = f"/api/v1/projects/{project.slug}/scorecard/decisions/{decision.pk}/"
    return project, decision, url, marketing, it


def test_read_both_positions_and_hidden_from_outsiders(setup):
    project, decision, url, marketing, _it = setup
    body = client_for(project.owner).get(url).json()
    assert [p["side"] for p in body["positions"]] == ["marketing", "it"]
    assert body["positions"][0]["sponsor"]["id"] == marketing.pk and body["positions"][0]["current"] is None
    assert body["stood_at"] is None
    assert client_for(UserFactory(department=Department.MARKETING)).get(url).status_code == 404
    assert client_for(project.owner).get(url.replace(str(decision.pk), "999999")).status_code == 404


def test_both_sign_and_it_stands(setup):
    _project, _decision, url, marketing, it = setup
    signed = client_for(marketing).post(url + "sign/marketing/", {"agrees": True, "seen": None}, format="json")
    assert signed.status_code == 200, signed.json()
    assert signed.json()["positions"][0]["current"]["agrees"] is True
    both = client_for(it).post(url + "sign/it/", {"agrees": True, "seen": None}, format="json")
    assert both.json()["stood_at"] is not None


def test_rules_and_refusals(setup):
    _project, decision, url, marketing, it = setup
    dissent = client_for(it).post(url + "sign/it/", {"agrees": False, "comment": " ", "seen": None}, format="json")
    assert dissent.status_code == 400 and "comment" in dissent.json()["errors"]
    assert (
        client_for(it).post(url + "sign/marketing/", {"agrees": True, "seen": None}, format="json").status_code == 403
    )
    read_only = client_for(marketing, Scope.READ)
    assert read_only.post(url + "sign/marketing/", {"agrees": True, "seen": None}, format="json").status_code == 403
    assert client_for(marketing).post(url + "sign/nobody/", {}, format="json").status_code == 404
    assert not decision.signatures.exists()


def test_budget_owner_breaks_a_tie(setup):
    _project, decision, url, marketing, it = setup
    assert client_for(marketing).post(url + "break-tie/", {"reason": "x"}, format="json").status_code == 403  # no tie
    body = {"agrees": False, "comment": "Too costly.", "seen": None}
    assert client_for(it).post(url + "sign/it/", body, format="json").status_code == 200
    assert client_for(it).post(url + "break-tie/", {"reason": "x"}, format="json").status_code == 403
    empty = client_for(marketing).post(url + "break-tie/", {"reason": ""}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()["errors"]
    broken = client_for(marketing).post(url + "break-tie/", {"reason": "We pay."}, format="json")
    assert broken.status_code == 200
    assert broken.json()["tie_broken_by"]["id"] == marketing.pk
    assert Decision.objects.get(pk=decision.pk).stood_at is not None
