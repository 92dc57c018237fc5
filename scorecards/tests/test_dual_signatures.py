"""Vendor decisions both sponsors sign (issue 14, docs/vendor-decisions.md).

The example project (``scorecards/tests/conftest.py``): the owner, Alice, is the
marketing sponsor and the budget owner (Marketing); the IT lead, Ivan, is the IT
sponsor; the executive, Cara, proposes."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import ProjectFactory, UserFactory
from governance.models import Department
from projects import registry, signals
from scorecards import selectors, services
from scorecards.models import Decision, DecisionSignature

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    """``vendor_decided`` as sent, with whether a transaction was open when it was."""
    sent = []

    def receiver(sender, project, decision, actor, **kwargs):
        sent.append((decision.pk, decision.stood_at is not None, connection.in_atomic_block))

    signals.vendor_decided.connect(receiver, dispatch_uid="test_dual_signatures")
    yield sent
    signals.vendor_decided.disconnect(dispatch_uid="test_dual_signatures")


def propose(example, actor, name="A", **kwargs):
    sc, candidates, _ = example
    return services.decision_record(actor=actor, scorecard=sc, candidate=candidates[name], rationale="Fit.", **kwargs)


def outcome(project) -> str:
    return project.steps.get(number=5).outcome


def test_a_proposal_stands_only_once_both_sponsors_agree(example, project, executive, owner, it_lead, events):
    decision = propose(example, executive)
    sc = example[0]
    assert decision.stood_at is None and not decision.signatures.exists()  # the executive sponsors no side
    assert services.standing_decision(sc) is None and outcome(project) == "" and events == []
    services.decision_sign(actor=owner, decision=decision, side="marketing", agrees=True)
    assert services.standing_decision(sc) is None and events == []
    services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=True)
    assert services.standing_decision(sc) == decision
    assert outcome(project).startswith("Chosen: A, proposed by Cara Cio") and "agreed by both sponsors" in outcome(
        project
    )
    assert events == [(decision.pk, True, True)]  # once, when it stood, inside the transaction


def test_a_sponsor_who_proposes_signs_their_side_by_proposing(example, it_lead, owner, project):
    from conftest import assign
    from raci.models import Role

    assign(project.steps.get(number=5), it_lead, Role.ACCOUNTABLE)
    decision = propose(example, it_lead)
    (signature,) = decision.signatures.all()
    assert (signature.side, signature.signer, signature.agrees) == ("it", it_lead, True)
    assert decision.stood_at is None
    services.decision_sign(actor=owner, decision=decision, side="marketing", agrees=True)
    decision.refresh_from_db()
    assert decision.stood_at is not None


def test_one_person_sponsoring_both_sides_decides_by_proposing(example, project, it_lead, events):
    project.marketing_sponsor = it_lead
    project.save(update_fields=["marketing_sponsor"])
    from conftest import assign
    from raci.models import Role

    assign(project.steps.get(number=5), it_lead, Role.ACCOUNTABLE)
    decision = propose(example, it_lead)
    assert decision.stood_at is not None and decision.signatures.count() == 2 and len(events) == 1


def test_only_one_open_proposal(example, executive):
    first = propose(example, executive)
    with pytest.raises(ValidationError, match="A decision for A is already waiting for the sponsors' signatures"):
        propose(example, executive, name="B", against_ranking_reason="CRM.")
    assert list(Decision.objects.values_list("pk", flat=True)) == [first.pk]
    # the scorecard is frozen while it waits: no ratings, no candidates
    with pytest.raises(ValidationError, match="waiting for the sponsors' signatures"):
        services.candidate_save(actor=executive, scorecard=example[0], name="D")


def test_a_project_without_a_sponsor_says_who_to_name(example, project, executive):
    project.it_sponsor = None
    project.save(update_fields=["it_sponsor"])
    with pytest.raises(ValidationError, match="Name the project's IT sponsor first"):
        propose(example, executive)
    project.marketing_sponsor = None
    project.save(update_fields=["marketing_sponsor"])
    with pytest.raises(ValidationError, match="Name the project's marketing sponsor and IT sponsor first"):
        propose(example, executive)
    assert not Decision.objects.exists()


def test_a_dissent_needs_its_comment(example, executive, it_lead):
    decision = propose(example, executive)
    with pytest.raises(ValidationError, match="Say why you disagree"):
        services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=False, comment="  ")
    assert not DecisionSignature.objects.exists()


@pytest.mark.parametrize(
    "signer, side",
    [("owner", "it"), ("it_lead", "marketing"), ("member", "marketing"), ("executive", "it")],
    ids=["marketing sponsor signs IT", "IT sponsor signs marketing", "a member", "an executive"],
)
def test_nobody_signs_for_a_side_they_do_not_sponsor(request, example, executive, signer, side):
    decision = propose(example, executive)
    with pytest.raises(PermissionDenied):
        services.decision_sign(actor=request.getfixturevalue(signer), decision=decision, side=side, agrees=True)
    assert not DecisionSignature.objects.exists()


def test_a_sponsor_may_change_their_mind_until_it_stands_never_after(example, executive, owner, it_lead):
    decision = propose(example, executive)
    first = services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=False, comment="Too costly.")
    with pytest.raises(ValidationError, match="changed since you opened the page"):  # a stale form (saw none)
        services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=True)
    second = services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=True, seen=first.pk)
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None  # the first is kept, not overwritten
    services.decision_sign(actor=owner, decision=decision, side="marketing", agrees=True)
    with pytest.raises(ValidationError, match="already stands"):
        services.decision_sign(
            actor=it_lead, decision=decision, side="it", agrees=False, comment="Changed my mind.", seen=second.pk
        )
    assert DecisionSignature.objects.count() == 3


def test_the_budget_owner_breaks_a_tie_with_a_reason(example, project, executive, owner, it_lead, events):
    decision = propose(example, executive)
    services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=False, comment="Too costly.")
    with pytest.raises(ValidationError, match="Say why"):
        services.decision_break_tie(actor=owner, decision=decision, reason=" ")
    broken = services.decision_break_tie(actor=owner, decision=decision, reason="Marketing pays; the cost is planned.")
    assert broken.stood_at and broken.tie_broken_by == owner and events == [(decision.pk, True, True)]
    positions = {p.side: p for p in selectors.decision_positions(broken, project)}
    assert positions["it"].current.comment == "Too costly." and not positions["it"].current.agrees  # dissent kept
    assert positions["marketing"].current.agrees and positions["marketing"].current.signer == owner
    assert "the tie broken by the budget owner, Alice Owner" in outcome(project)


def test_a_tie_is_broken_only_by_the_budget_owner_and_only_when_the_other_side_disagrees(
    example, project, executive, owner, it_lead
):
    decision = propose(example, executive)
    with pytest.raises(PermissionDenied):  # nobody disagrees yet
        services.decision_break_tie(actor=owner, decision=decision, reason="Ours.")
    services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=False, comment="Too costly.")
    for person in (it_lead, executive):  # the IT sponsor is not the budget owner here; nor is an executive
        with pytest.raises(PermissionDenied):
            services.decision_break_tie(actor=person, decision=decision, reason="Ours.")
    decision.refresh_from_db()
    assert decision.stood_at is None and decision.tie_broken_by is None


def test_the_budget_owners_own_dissent_is_no_tie_to_break(example, executive, owner, it_lead):
    """The IT side agrees, the budget owner disagrees: the proposal cannot stand (withdraw it)."""
    decision = propose(example, executive)
    services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=True)
    services.decision_sign(actor=owner, decision=decision, side="marketing", agrees=False, comment="Over budget.")
    assert not services.has_disagreement(decision)
    with pytest.raises(PermissionDenied):
        services.decision_break_tie(actor=owner, decision=decision, reason="x")


def test_a_former_sponsors_signature_no_longer_speaks_for_the_side(example, project, executive, owner, it_lead):
    decision = propose(example, executive)
    services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=True)
    newcomer = UserFactory(username="nina", department=Department.IT)
    project.it_sponsor = newcomer
    project.save(update_fields=["it_sponsor"])
    services.decision_sign(actor=owner, decision=decision, side="marketing", agrees=True)
    decision.refresh_from_db()
    assert decision.stood_at is None  # Ivan no longer speaks for IT
    current = decision.signatures.get(side="it", superseded_at__isnull=True)
    services.decision_sign(actor=newcomer, decision=decision, side="it", agrees=True, seen=current.pk)
    decision.refresh_from_db()
    assert decision.stood_at is not None


def test_withdrawing_a_proposal_reopens_the_scorecard_and_writes_no_outcome(example, project, executive, events):
    decision = propose(example, executive)
    services.decision_withdraw(actor=executive, decision=decision, reason="Wrong vendor.")
    assert outcome(project) == "" and events == []
    with pytest.raises(ValidationError, match="withdrew this proposal"):
        services.decision_sign(actor=project.owner, decision=decision, side="marketing", agrees=True)
    propose(example, executive, name="B", against_ranking_reason="CRM.")  # a new proposal is allowed


def test_decisions_awaiting_signature_are_the_viewers_visible_proposals(example, executive, outsider, owner, it_lead):
    waiting = propose(example, executive)
    other = ProjectFactory.create(owner=UserFactory(), name="Elsewhere")  # nothing proposed there
    assert other.pk
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.decisions_awaiting_signature(owner))
        names = [(d.scorecard.project.name, d.candidate.name, d.decided_by.display_name) for d in rows]
    assert names == [("Customer data platform", "A", "Cara Cio")] and len(queries) == 1
    assert list(selectors.decisions_awaiting_signature(outsider)) == []
    services.decision_sign(actor=owner, decision=waiting, side="marketing", agrees=True)
    services.decision_sign(actor=it_lead, decision=waiting, side="it", agrees=True)
    assert list(selectors.decisions_awaiting_signature(executive)) == []  # it stands now


# --- My work and the digest -------------------------------------------------------------------


def _proposals(count: int, marketing_sponsor, it_sponsor, executive, default_criteria=None):
    for i in range(count):
        project = ProjectFactory.create(
            owner=marketing_sponsor, marketing_sponsor=marketing_sponsor, it_sponsor=it_sponsor, name=f"P{i:02}"
        )
        sc = services.scorecard_for(project)
        candidate = services.candidate_save(actor=marketing_sponsor, scorecard=sc, name="Acme")
        services.decision_record(
            actor=executive, scorecard=sc, candidate=candidate, rationale="Fit.", against_ranking_reason="Unrated."
        )


@pytest.mark.parametrize("count", [3, 30])
def test_my_work_lists_the_signatures_waiting_in_one_query(client, default_criteria, executive, count):
    mark = UserFactory(username="mark", first_name="Mark", department=Department.MARKETING)
    ivy = UserFactory(username="ivy", first_name="Ivy", department=Department.IT)
    _proposals(count, mark, ivy, executive)
    from scorecards import parts

    with CaptureQueriesContext(connection) as queries:
        part = parts.my_work_part(ivy)
    assert len(part["decisions"]) == count and len(queries) == 1  # at 3 and at 30
    assert {s.template: s.part for s in registry.shown("my_work", ivy)}["scorecards/_my_work_signatures.html"]
    assert all(row["sides"] == ["IT"] for row in part["decisions"])
    client.force_login(ivy)
    page = client.get(reverse("my_work")).content.decode()
    assert "Vendor decisions waiting for your signature" in page and "Acme for P00" in page
    assert "scorecards/_my_work_signatures.html" not in {s.template for s in registry.shown("my_work", executive)}


def test_the_digest_goes_to_the_sponsors_with_a_signature_waiting(default_criteria, executive, settings):
    from django.template.loader import render_to_string

    mark = UserFactory(username="mark", first_name="Mark", department=Department.MARKETING)
    ivy = UserFactory(username="ivy", first_name="Ivy", department=Department.IT)
    _proposals(1, mark, ivy, executive)
    section = next(s for s in registry.digest_sections() if s.template == "scorecards/email/signatures_digest")
    assert section.recipients() == {mark.pk, ivy.pk}
    decision = Decision.objects.get()
    services.decision_sign(actor=mark, decision=decision, side="marketing", agrees=True)
    assert section.recipients() == {ivy.pk} and section.context(mark) is None
    part = section.context(ivy)
    text = render_to_string(section.template + ".txt", {"part": part})
    html = render_to_string(section.template + ".html", {"part": part})
    url = settings.SITE_URL + reverse("scorecards:decision", args=["p00", decision.pk])
    assert url in text and url in html and "Acme for P00" in text


# --- The pages ----------------------------------------------------------------------------------


def test_the_decision_page_shows_positions_dissent_tie_break_and_the_scores(client, example, executive, owner, it_lead):
    decision = propose(example, executive)
    services.decision_sign(actor=it_lead, decision=decision, side="it", agrees=False, comment="Too costly.")
    url = reverse("scorecards:decision", args=[decision.scorecard.project.slug, decision.pk])
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert "Waiting for signatures" in page and "Dissent (IT):</strong> Ivan Lead: Too costly." in page
    assert "Sign the Marketing position" in page and "Break the tie" in page and "Sign the IT position" not in page
    response = client.post(
        reverse("scorecards:decision_break_tie", args=[decision.scorecard.project.slug, decision.pk]),
        {"reason": "Marketing pays."},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#step-5")
    page = client.get(url).content.decode()
    assert "Stands" in page and "Tie broken by the budget owner</strong>, Alice Owner" in page
    assert 'data-testid="snapshot"' in page and "38.33" in page  # A's overall, the owner rated every candidate


def test_a_signature_for_the_other_side_is_refused_by_the_page(client, example, executive, owner):
    decision = propose(example, executive)
    client.force_login(owner)
    url = reverse("scorecards:decision_sign", args=[decision.scorecard.project.slug, decision.pk, "it"])
    assert client.post(url, {"it-side": "it", "it-position": "agree"}).status_code == 403
    url = reverse("scorecards:decision_sign", args=[decision.scorecard.project.slug, decision.pk, "finance"])
    assert client.post(url, {}).status_code == 404
    sign = reverse("scorecards:decision_sign", args=[decision.scorecard.project.slug, decision.pk, "marketing"])
    response = client.post(sign, {"marketing-side": "marketing", "marketing-position": "disagree"})
    assert response.status_code == 200 and "Say why you disagree" in response.content.decode()
    assert not DecisionSignature.objects.exists()


def test_a_legacy_decision_shows_it_was_recorded_before_dual_signatures(client, example, executive):
    sc, candidates, _ = example
    from django.utils import timezone

    legacy = Decision.objects.create(
        scorecard=sc, candidate=candidates["A"], rationale="Old.", decided_by=executive, results_snapshot=[],
        raci_snapshot=[], rule=Decision.Rule.SINGLE, stood_at=timezone.now(),
    )  # fmt: skip
    assert services.standing_decision(sc) == legacy
    client.force_login(executive)
    page = client.get(reverse("scorecards:decision", args=[sc.project.slug, legacy.pk])).content.decode()
    assert "Recorded before dual signatures" in page


# --- Two sponsors at the same moment (PostgreSQL) ---------------------------------------------


def _at_once(count, work):
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


@pytest.mark.django_db(transaction=True)
def test_two_sponsors_signing_at_once_both_count_and_it_stands_once(
    default_criteria, project_factory, owner, it_lead, executive
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; CI runs this on PostgreSQL")
    project = project_factory.create(owner=owner, it_lead=it_lead, marketing_sponsor=owner, it_sponsor=it_lead)
    sc = services.scorecard_for(project)
    acme = services.candidate_save(actor=owner, scorecard=sc, name="Acme")
    decision = services.decision_record(
        actor=executive, scorecard=sc, candidate=acme, rationale="Fit.", against_ranking_reason="Unrated."
    )
    sent = []
    signals.vendor_decided.connect(lambda **kw: sent.append(kw["decision"].pk), dispatch_uid="at_once", weak=False)
    try:
        signers = [(owner, "marketing"), (it_lead, "it")]
        results, errors = _at_once(
            2,
            lambda i: services.decision_sign(
                actor=signers[i][0], decision=Decision.objects.get(pk=decision.pk), side=signers[i][1], agrees=True
            ),
        )
    finally:
        signals.vendor_decided.disconnect(dispatch_uid="at_once")
    assert errors == [] and len(results) == 2
    decision.refresh_from_db()
    assert decision.stood_at is not None and sent == [decision.pk]
    assert DecisionSignature.objects.filter(superseded_at__isnull=True).count() == 2
