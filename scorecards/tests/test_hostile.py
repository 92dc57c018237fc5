"""Hostile input and concurrent writes on the scorecard (issue 12): a clear form
error, 400 or 404, never a 500, nothing written; two withdrawals of one
decision: one succeeds, the other is told."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from conftest import assign, decide_vendor
from raci.models import Role
from scorecards import services
from scorecards.models import Candidate, Decision, Invitation, RatingSheet

HOSTILE_IDS = [str(2**63), str(2**64), "9" * 5000, "-1", "0", "abc", "1e5", "1.0", "\x00", "١٢", ""]


@pytest.fixture
def acme(default_criteria, project, owner):
    return services.candidate_save(actor=owner, scorecard=services.scorecard_for(project), name="Acme")


def url(project, name, **kwargs):
    return reverse(f"scorecards:{name}", kwargs={"slug": project.slug, **kwargs})


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
def test_invite_with_an_id_that_cannot_be_a_person_is_a_form_error(client, project, owner, acme, value):
    client.force_login(owner)
    response = client.post(url(project, "invite", candidate_id=acme.pk), {"people": [value]})
    assert response.status_code == 200
    assert response.context["form"].errors["people"]
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_invite_with_one_good_and_one_huge_id_writes_nothing(client, project, owner, member, acme):
    client.force_login(owner)
    response = client.post(url(project, "invite", candidate_id=acme.pk), {"people": [member.pk, 2**63]})
    assert "Choose people from the list" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["candidate_edit", "candidate_delete", "rate", "invite", "decide"])
def test_a_candidate_id_beyond_any_row_is_not_found(client, project, executive, owner, acme, name):
    client.force_login(executive if name == "decide" else owner)
    for candidate_id in (2**63, 2**64, 10**30):
        assert client.get(url(project, name, candidate_id=candidate_id)).status_code == 404


@pytest.mark.django_db
def test_hostile_scores_and_comments_are_form_errors_and_write_nothing(client, project, owner, acme):
    security = acme.scorecard.criteria.get(name="Security")
    client.force_login(owner)
    for score in (str(2**64), "-1", "0", "3.0", "\x00", "x" * 10000):
        response = client.post(url(project, "rate", candidate_id=acme.pk), {f"score_{security.pk}": score, "save": "1"})
        assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        url(project, "rate", candidate_id=acme.pk), {f"comment_{security.pk}": "a\x00b", "save": "1"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not RatingSheet.objects.exists()


@pytest.mark.django_db
def test_a_withdrawal_of_a_decision_already_withdrawn_is_told_not_a_500(client, project, executive, acme, monkeypatch):
    """The page read the decision a moment before someone else withdrew it."""
    decision = decide_vendor(
        actor=executive, scorecard=acme.scorecard, candidate=acme, rationale="Fit.", against_ranking_reason="Unrated."
    )
    services.decision_withdraw(actor=executive, decision=decision, reason="First")
    monkeypatch.setattr(services, "open_decision", lambda scorecard: decision)  # the stale read
    client.force_login(executive)
    response = client.post(url(project, "withdraw"), {"reason": "Second"}, follow=True)
    assert response.status_code == 200
    assert "Cara Cio already withdrew this decision." in [str(m) for m in response.context["messages"]]
    decision.refresh_from_db()
    assert decision.withdrawal_reason == "First"


def _at_once(count, work):
    """Run ``work(i)`` in ``count`` threads released together; returns (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; CI runs this on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_of_one_decision_at_once_one_succeeds_the_other_is_told(
    default_criteria, project, owner, executive, user_factory
):
    _postgresql_only()
    acme = services.candidate_save(actor=owner, scorecard=services.scorecard_for(project), name="Acme")
    decider = user_factory(username="dana", first_name="Dana", last_name="Decider")
    assign(project.steps.get(number=5), decider, Role.ACCOUNTABLE)
    decision = decide_vendor(
        actor=executive, scorecard=acme.scorecard, candidate=acme, rationale="Fit.", against_ranking_reason="Unrated."
    )
    actors = [executive, decider]
    results, errors = _at_once(
        2, lambda i: services.decision_withdraw(actor=actors[i], decision=decision, reason=f"Reason {i}")
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError) and "already withdrew this decision" in errors[0].messages[0]
    decision.refresh_from_db()
    assert (
        decision.withdrawn_by == results[0].withdrawn_by and decision.withdrawal_reason == results[0].withdrawal_reason
    )
    assert Decision.objects.filter(withdrawn_at__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_adds_of_one_candidate_name_at_once_one_succeeds_the_other_is_told(default_criteria, project, owner):
    _postgresql_only()
    scorecard = services.scorecard_for(project)
    results, errors = _at_once(4, lambda i: services.candidate_save(actor=owner, scorecard=scorecard, name="Acme"))
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, ValidationError) and "already a candidate" in str(e) for e in errors)
    assert Candidate.objects.filter(scorecard=scorecard).count() == 1
