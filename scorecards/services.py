"""Scorecard writes. Each takes the acting user and runs in one transaction.

Who may call each is decided by ``projects.access`` and checked first, before
anything is read or written (``NotVisible`` for someone who may not see the
project, else ``PermissionDenied``): candidates and invitations by those who
manage the project, ratings by members, the vendor decision by step 5's
Accountable person or an executive.

Rules: one rating per rater, candidate and criterion (database); scores 1–5
(database); a submit needs every criterion scored; a scorecard with a standing
decision (or a proposal waiting for signatures) is read-only until it is
withdrawn; a decision against the ranking needs its reason.

The vendor decision needs both sponsors (``docs/vendor-decisions.md``): recording
it makes a proposal; each side's sponsor signs (agree, or disagree with a
comment); it stands when both agree, or when the budget owner's sponsor breaks
a disagreement with a reason. Only then is step 5's outcome written and
``vendor_decided`` sent, in the transaction that makes it stand.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import User
from projects import access, signals
from projects.models import LifecycleStep, Project
from scorecards.models import (
    Candidate,
    Decision,
    DecisionSignature,
    Invitation,
    Rating,
    RatingSheet,
    Scorecard,
    ScorecardCriterion,
)
from scorecards.selectors import criteria_copies, results_table, scorecard_results, visible_candidate_ids

VENDOR_STEP = "vendor"


def scorecard_for(project: Project) -> Scorecard:
    """The project's scorecard, created with a copy of the active criteria if it has
    none yet: a write, for callers about to write (pages read ``selectors.scorecard_of``,
    which never creates one). The one place a scorecard is created."""
    existing = Scorecard.objects.filter(project=project).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            scorecard = Scorecard.objects.create(project=project)
            ScorecardCriterion.objects.bulk_create(criteria_copies(scorecard))
            standings_refresh(scorecard)
            return scorecard
    except IntegrityError:  # created by a concurrent request
        return Scorecard.objects.get(project=project)


def _stored(scorecard: Scorecard) -> Scorecard:
    """``scorecard`` itself, or for a page's unsaved stand-in (``selectors.scorecard_of``)
    the project's stored scorecard, created now: the first write creates it."""
    return scorecard if scorecard.pk is not None else scorecard_for(scorecard.project)


def standings_refresh(scorecard: Scorecard) -> None:
    """Store every candidate's totals, rank and minimum flags as ``scorecard_results``
    computes them (and the scorecard's group maxima): called after every write
    that can change them (ratings, candidates, criteria)."""
    from scorecards.selectors import scorecard_results

    with transaction.atomic():
        # One refresh at a time per scorecard: a second writer waits here until
        # the first commits, then computes from what both wrote (READ COMMITTED
        # reads afresh per statement), so the last refresh is always complete.
        _lock(scorecard)
        _store_standings(scorecard, scorecard_results(scorecard, viewer=None))


def _lock(scorecard: Scorecard) -> None:
    """Lock the scorecard's row. Every write that refreshes standings takes this
    lock first, before any sheet or candidate row, so they queue in one order
    and never deadlock."""
    Scorecard.objects.select_for_update().filter(pk=scorecard.pk).first()


def _store_standings(scorecard: Scorecard, results) -> None:
    Scorecard.objects.filter(pk=scorecard.pk).update(
        it_maximum=results.it_maximum, marketing_maximum=results.marketing_maximum
    )
    candidates = []
    for result in results.candidates:
        candidate = result.candidate
        candidate.it_total, candidate.marketing_total = result.it_total, result.marketing_total
        candidate.overall_total, candidate.rank = result.overall, result.rank
        candidate.below_minimum = result.below_minimum
        candidates.append(candidate)
    Candidate.objects.bulk_update(candidates, STANDING_FIELDS)


STANDING_FIELDS = ["it_total", "marketing_total", "overall_total", "rank", "below_minimum"]


def standing_decision(scorecard: Scorecard) -> Decision | None:
    """The decision in force, if any: it stood (both sponsors agreed, or the budget
    owner broke a tie) and is not withdrawn. A proposal waiting for signatures is
    not returned (``open_decision``); a page's unsaved stand-in has none."""
    if scorecard.pk is None:
        return None
    return scorecard.decisions.standing().select_related("candidate", "decided_by").first()


def open_decision(scorecard: Scorecard) -> Decision | None:
    """The scorecard's decision that is not withdrawn: the proposal waiting for
    signatures or the standing decision (at most one, by a database constraint)."""
    if scorecard.pk is None:
        return None
    return scorecard.decisions.filter(withdrawn_at__isnull=True).select_related("candidate", "decided_by").first()


def _ensure_open(scorecard: Scorecard) -> None:
    current = open_decision(scorecard)
    if current is not None and current.stood_at is not None:
        raise ValidationError("A vendor has been chosen: the scorecard is read-only until the decision is withdrawn.")
    if current is not None:
        raise ValidationError(
            f"A decision for {current.candidate.name} is waiting for the sponsors' signatures: the scorecard is "
            "read-only until it stands or is withdrawn."
        )


class StaleEdit(ValidationError):
    """A candidate edit made from a form opened before someone else's save:
    ``current`` is the candidate as it is now (who changed it, and what)."""

    def __init__(self, message: str, *, current: Candidate):
        super().__init__(message, code="stale")
        self.current = current


@transaction.atomic
def candidate_save(
    *, actor: User, scorecard: Scorecard, name: str, website: str = "", notes: str = "",
    build_in_house: bool = False, candidate: Candidate | None = None, expected_version: int | None = None,
) -> Candidate:  # fmt: skip
    """Add a candidate (or change one); names are unique per scorecard.

    An edit from a form names the ``expected_version`` it was opened at: if
    someone saved the candidate since, nothing is written and ``StaleEdit``
    says who changed it (no lost update; a caller without a form passes None).

    Who: those who manage the project (``access.can_manage``).
    """
    _require_manager(actor, scorecard.project)
    if candidate is not None and candidate.scorecard_id != scorecard.pk:
        raise ValidationError("This candidate belongs to another scorecard.")
    scorecard = _stored(scorecard)  # the first candidate creates the scorecard
    # One candidate write at a time per scorecard: two adds of one name queue
    # here, so the second meets the first's name, not the database's constraint.
    _lock(scorecard)
    _ensure_open(scorecard)
    if candidate is not None:
        candidate = (
            Candidate.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(pk=candidate.pk)
            .first()
        )
        if candidate is None:
            raise ValidationError("This candidate was deleted a moment ago; nothing was saved.")
        if expected_version is not None and candidate.version != expected_version:
            who = candidate.updated_by.display_name if candidate.updated_by else "Someone"
            raise StaleEdit(
                f"{who} changed {candidate.name} since you opened this form; nothing was saved.", current=candidate
            )
    name = name.strip()
    clash = scorecard.candidates.filter(name__iexact=name)
    if candidate is not None:
        clash = clash.exclude(pk=candidate.pk)
    if clash.exists():
        raise ValidationError({"name": f"“{name}” is already a candidate."})
    if candidate is None:
        candidate = Candidate(scorecard=scorecard)
    else:
        candidate.version += 1
    candidate.name, candidate.website, candidate.notes, candidate.build_in_house = name, website, notes, build_in_house
    candidate.updated_by, candidate.updated_at = actor, timezone.now()
    candidate.save()
    return candidate


@transaction.atomic
def candidate_delete(*, actor: User, candidate: Candidate) -> int:
    """Delete a candidate and its ratings; returns how many ratings were lost.

    Who: those who manage the project (``access.can_manage``).
    """
    _require_manager(actor, candidate.scorecard.project)
    _lock(candidate.scorecard)
    _ensure_open(candidate.scorecard)
    if candidate.decisions.exists():
        raise ValidationError("This candidate is part of a recorded decision and cannot be deleted.")
    lost = Rating.objects.filter(sheet__candidate=candidate, score__isnull=False).count()
    candidate.delete()
    standings_refresh(candidate.scorecard)
    return lost


def ratings_save(
    *,
    actor: User,
    candidate: Candidate,
    scores: dict[int, int | None],
    comments: dict[int, str],
    submit: bool,
) -> RatingSheet:
    """Save the actor's ratings of ``candidate`` as a draft, or submit them.

    Every score must be 1–5; a submit needs every criterion scored. On a
    refusal nothing is written and the error names each criterion at fault.

    Drafts never count. A draft of a sheet never submitted is the sheet itself
    (not counted until submitted). A draft of changes to a *submitted* sheet is
    kept beside it (``Rating.draft_score``): the submitted version keeps
    counting, unchanged, until the changes are submitted complete; an
    incomplete sheet never counts.

    Who: the project's members (``access.can_participate``), never an
    executive or administrator as such.
    """
    scorecard = candidate.scorecard
    _require_rater(actor, scorecard.project)
    with transaction.atomic():
        _lock(scorecard)
        _ensure_open(scorecard)
        criteria = {c.pk: c for c in scorecard.criteria.all()}
        _validate_scores(criteria, scores, submit=submit)
        sheet, _ = RatingSheet.objects.select_for_update().get_or_create(candidate=candidate, rater=actor)
        existing = {r.criterion_id: r for r in sheet.ratings.all()}
        ratings = [existing.get(pk) or Rating(sheet=sheet, criterion_id=pk) for pk in criteria]
        if submit or sheet.submitted_at is None:
            _write_counted(sheet, ratings, scores, comments, submit=submit, rater_side=actor.side or "")
        else:
            _write_pending_changes(sheet, ratings, scores, comments)
        return sheet


def ratings_draft_discard(*, actor: User, candidate: Candidate) -> bool:
    """Drop the actor's unsubmitted changes to their submitted ratings of ``candidate``
    (the submitted version, which counts, stays as it was); False if there were none.

    Who: the project's members (``access.can_participate``).
    """
    scorecard = candidate.scorecard
    _require_rater(actor, scorecard.project)
    with transaction.atomic():
        sheet = (
            RatingSheet.objects.select_for_update()
            .filter(candidate=candidate, rater=actor, submitted_at__isnull=False, draft_saved_at__isnull=False)
            .first()
        )
        if sheet is None:
            return False
        sheet.ratings.update(draft_score=None, draft_comment="")
        sheet.draft_saved_at = None
        sheet.save(update_fields=["draft_saved_at", "updated_at"])
        return True


def _validate_scores(criteria: dict, scores: dict[int, int | None], *, submit: bool) -> None:
    errors = {}
    for criterion_id, score in scores.items():
        if criterion_id not in criteria:
            raise ValidationError("The form refers to a criterion of another scorecard; reload the page.")
        if score is not None and not 1 <= score <= 5:
            errors[f"score_{criterion_id}"] = "Choose a score from 1 (Very poor) to 5 (Great)."
    if submit:
        for criterion_id, criterion in criteria.items():
            if scores.get(criterion_id) is None and f"score_{criterion_id}" not in errors:
                errors[f"score_{criterion_id}"] = f"Score {criterion.name} before submitting."
    if errors:
        raise ValidationError(errors)


def _write_counted(sheet: RatingSheet, ratings, scores, comments, *, submit: bool, rater_side: str) -> None:
    """The sheet's own scores: a submit (complete, checked), or the draft of a sheet never submitted.
    A submit clears any pending changes and refreshes the standings."""
    sheet.rater_side = rater_side
    if submit:
        sheet.submitted_at = timezone.now()
    sheet.draft_saved_at = None
    sheet.save()
    for rating in ratings:
        rating.score = scores.get(rating.criterion_id)
        rating.comment = (comments.get(rating.criterion_id) or "").strip()[:500]
        rating.draft_score, rating.draft_comment = None, ""
        rating.save()
    if sheet.submitted_at is not None:
        standings_refresh(sheet.candidate.scorecard)


def _write_pending_changes(sheet: RatingSheet, ratings, scores, comments) -> None:
    """Changes to a submitted sheet, saved as a draft: beside the submitted scores,
    which keep counting (no standings change)."""
    sheet.draft_saved_at = timezone.now()
    sheet.save(update_fields=["draft_saved_at", "updated_at"])
    for rating in ratings:
        rating.draft_score = scores.get(rating.criterion_id)
        rating.draft_comment = (comments.get(rating.criterion_id) or "").strip()[:500]
        rating.save()


@transaction.atomic
def invitations_send(*, actor: User, candidate: Candidate, users: list[User]) -> int:
    """Invite members to test-drive and rate ``candidate``; returns how many were new.

    Who: those who manage the project (``access.can_manage``).
    """
    _require_manager(actor, candidate.scorecard.project)
    _ensure_open(candidate.scorecard)
    before = candidate.invitations.count()
    Invitation.objects.bulk_create(
        [Invitation(candidate=candidate, user=user, invited_by=actor) for user in users], ignore_conflicts=True
    )
    return candidate.invitations.count() - before


def _require_manager(actor: User, project: Project) -> None:
    access.require(
        actor,
        project,
        access.can_manage(actor, project),
        "Only the project's owner, sponsors, IT lead and executives manage its vendor candidates.",
    )


def _require_rater(actor: User, project: Project) -> None:
    access.require(
        actor, project, access.can_participate(actor, project), "Only the project's members rate its vendors."
    )


def _require_decider(actor: User, project: Project) -> None:
    access.require(
        actor,
        project,
        access.can_decide_vendor(actor, project),
        "Only step 5's Accountable person or an executive chooses the vendor.",
    )


def _record_outcome(actor: User, step: LifecycleStep, outcome: str) -> None:
    """Step 5's outcome follows the vendor decision: written with it, by whoever
    may decide (planning the step is not needed for that)."""
    step = LifecycleStep.objects.select_for_update().get(pk=step.pk)
    step.outcome = outcome
    step._history_user = actor
    step.save(update_fields=["outcome"])


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _against_ranking_message(actor: User, results, candidate: Candidate) -> str:
    """Name the leaders only to a decider the blind rule lets see them."""
    seen = visible_candidate_ids(results.scorecard, actor)
    if results.leaders and all(r.candidate.pk in seen for r in results.leaders):
        leaders = " and ".join(r.candidate.name for r in results.leaders)
        return f"The ranking puts {leaders} first: say why you choose {candidate.name}."
    return f"{candidate.name} is not ranked first: say why you choose it."


SIDES = (("marketing", "Marketing"), ("it", "IT"))


def sponsors_missing(project: Project) -> str:
    """The refusal for a project that lacks a sponsor, or "" when both are named."""
    missing = [
        title
        for title, pk in (("marketing sponsor", project.marketing_sponsor_id), ("IT sponsor", project.it_sponsor_id))
        if pk is None
    ]
    if not missing:
        return ""
    return (
        f"Name the project's {' and '.join(missing)} first (edit the project): a vendor decision needs the "
        "agreement of both sponsors."
    )


def _raci_of(step: LifecycleStep) -> list[dict]:
    return [
        {"person": a.user.display_name, "username": a.user.username, "role": a.role}
        for a in step.assignments.select_related("user").order_by("role", "user__username")
    ]


def decision_record(
    *, actor: User, scorecard: Scorecard, candidate: Candidate, rationale: str, against_ranking_reason: str = ""
) -> Decision:
    """Propose the vendor decision, with a frozen copy of the results and of step 5's RACI.

    The proposal asks both sponsors to sign; a proposer who sponsors a side signs
    it (agree) by recording it, and a proposal both sides agree to stands at once.
    Refused while another proposal or decision is open, and for a project without
    both sponsors. A decision for a candidate not ranked first needs a reason.

    Who: step 5's Accountable person or an executive (``access.can_decide_vendor``).
    """
    _require_decider(actor, scorecard.project)
    if candidate.scorecard_id != scorecard.pk:
        raise ValidationError("This candidate belongs to another scorecard.")
    if missing := sponsors_missing(scorecard.project):
        raise ValidationError(missing)
    with transaction.atomic():
        Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        current = open_decision(scorecard)
        if current is not None and current.stood_at is not None:
            raise ValidationError("A vendor has already been chosen; withdraw that decision first.")
        if current is not None:
            raise ValidationError(
                f"A decision for {current.candidate.name} is already waiting for the sponsors' signatures; "
                "withdraw that proposal first."
            )
        if not rationale.strip():
            raise ValidationError({"rationale": "Say why this vendor: the rationale is part of the record."})
        results = scorecard_results(scorecard, viewer=None)
        mine = next(r for r in results.candidates if r.candidate.pk == candidate.pk)
        if mine.rank != 1 and not against_ranking_reason.strip():
            raise ValidationError({"against_ranking_reason": _against_ranking_message(actor, results, candidate)})
        decision = Decision.objects.create(
            scorecard=scorecard,
            candidate=candidate,
            rationale=rationale.strip(),
            against_ranking_reason=against_ranking_reason.strip(),
            decided_by=actor,
            results_snapshot=[[_json(cell) for cell in row] for row in results_table(results)],
            raci_snapshot=_raci_of(scorecard.project.steps.get(key=VENDOR_STEP)),
        )
        for side, _label in SIDES:
            if access.sponsor_id_of(scorecard.project, side) == actor.pk:
                DecisionSignature.objects.create(decision=decision, side=side, signer=actor, agrees=True)
        _stand_if_agreed(decision, actor)
        return decision


def current_positions(decision: Decision) -> dict[str, DecisionSignature]:
    """By side, the current signature that counts: not superseded, and signed by
    the person who sponsors that side now (a former sponsor's signature no longer speaks for the side)."""
    project = decision.scorecard.project
    return {
        sig.side: sig
        for sig in decision.signatures.filter(superseded_at__isnull=True)
        if sig.signer_id == access.sponsor_id_of(project, sig.side)
    }


def _other_side(side: str) -> str:
    return "it" if side == "marketing" else "marketing"


def has_disagreement(decision: Decision) -> bool:
    """Whether the side that does not own the budget disagrees: the tie the budget owner may break."""
    project = decision.scorecard.project
    position = current_positions(decision).get(_other_side(project.budget_owner_side))
    return position is not None and not position.agrees


def _stand_if_agreed(decision: Decision, actor: User) -> None:
    positions = current_positions(decision)
    if all(side in positions and positions[side].agrees for side, _label in SIDES):
        _stand(decision, actor, "agreed by both sponsors")


def _stand(decision: Decision, actor: User, how: str, **fields) -> None:
    """Make ``decision`` stand (with ``fields``, e.g. the tie-break): step 5's outcome and
    ``vendor_decided``, inside the caller's transaction."""
    decision.stood_at = timezone.now()
    for name, value in fields.items():
        setattr(decision, name, value)
    Decision.objects.filter(pk=decision.pk).update(stood_at=decision.stood_at, **fields)
    project = decision.scorecard.project
    step = project.steps.get(key=VENDOR_STEP)
    _record_outcome(
        actor,
        step,
        f"Chosen: {decision.candidate.name}, proposed by {decision.decided_by.display_name} on "
        f"{timezone.localdate(decision.decided_at):%d %b %Y}, {how} on {timezone.localdate():%d %b %Y}. "
        f"{decision.rationale}",
    )
    signals.vendor_decided.send(sender=Decision, project=project, decision=decision, actor=actor)


def _locked_proposal(decision: Decision) -> Decision:
    """Lock the decision's row and return it as it is now, refusing one that is
    withdrawn or already stands: two sponsors signing at once queue here, and the
    second sees what the first wrote."""
    current = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("scorecard__project", "candidate", "decided_by", "withdrawn_by")
        .get(pk=decision.pk)
    )
    if current.withdrawn_at is not None:
        who = current.withdrawn_by.display_name if current.withdrawn_by else "Someone"
        raise ValidationError(f"{who} withdrew this proposal.")
    if current.stood_at is not None:
        raise ValidationError(
            "This decision already stands: positions can no longer change. Withdraw it, with a reason, to reopen "
            "the choice."
        )
    return current


def decision_sign(
    *, actor: User, decision: Decision, side: str, agrees: bool, comment: str = "", seen: int | None = None
) -> DecisionSignature:
    """Sign ``side``'s position on a proposed vendor decision: agree, or disagree with a comment.

    A sponsor may change their mind until the decision stands: the new signature
    supersedes theirs (never deleted). ``seen`` is the id of the side's current
    signature the signer saw (None for none): when it changed meanwhile, nothing
    is written and the signer is told. The decision stands once both sides agree.

    Who: that side's sponsor (``access.can_sign_vendor_decision``).
    """
    project = decision.scorecard.project
    label = dict(SIDES).get(side, side)
    access.require(
        actor,
        project,
        access.can_sign_vendor_decision(actor, project, side),
        f"Only the project's {label} sponsor signs the {label} position.",
    )
    if not agrees and not comment.strip():
        raise ValidationError({"comment": "Say why you disagree: the dissent is part of the record."})
    with transaction.atomic():
        current = _locked_proposal(decision)
        before = current.signatures.filter(side=side, superseded_at__isnull=True).first()
        if (before.pk if before else None) != seen:
            raise ValidationError(
                f"The {label} position changed since you opened the page; see it below and sign again if needed."
            )
        if before is not None:
            DecisionSignature.objects.filter(pk=before.pk).update(superseded_at=timezone.now())
        signature = DecisionSignature.objects.create(
            decision=current, side=side, signer=actor, agrees=agrees, comment=comment.strip()
        )
        _stand_if_agreed(current, actor)
        decision.stood_at = current.stood_at
        return signature


@transaction.atomic
def decision_break_tie(*, actor: User, decision: Decision, reason: str) -> Decision:
    """Make a disputed proposal stand: the budget owner breaks the tie, with a written reason.

    The budget owner's side is signed "agree" (if it was not); the dissent stays on the record.

    Who: the sponsor of the project's budget-owner side, when the other side's
    sponsor disagrees (``access.can_break_vendor_tie``).
    """
    project = decision.scorecard.project
    access.require(
        actor,
        project,
        access.can_break_vendor_tie(actor, project, disagreement=has_disagreement(decision)),
        "Only the budget owner's sponsor breaks a tie, and only when the other sponsor disagrees.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the decision should stand despite the disagreement."})
    current = _locked_proposal(decision)
    if not has_disagreement(current):  # the dissent was changed while we waited for the lock
        raise ValidationError("The other sponsor no longer disagrees: there is no tie to break.")
    side = project.budget_owner_side
    mine = current_positions(current).get(side)
    if mine is None or not mine.agrees:
        current.signatures.filter(side=side, superseded_at__isnull=True).update(superseded_at=timezone.now())
        DecisionSignature.objects.create(decision=current, side=side, signer=actor, agrees=True)
    _stand(
        current,
        actor,
        f"the tie broken by the budget owner, {actor.display_name},",
        tie_broken_by=actor,
        tie_broken_at=timezone.now(),
        tie_break_reason=reason.strip(),
    )
    decision.stood_at = current.stood_at
    return current


@transaction.atomic
def decision_withdraw(*, actor: User, decision: Decision, reason: str) -> Decision:
    """Withdraw a standing decision or a proposal (recorded, with its reason); the scorecard reopens.

    Who: step 5's Accountable person or an executive (``access.can_decide_vendor``).
    """
    _require_decider(actor, decision.scorecard.project)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the decision is withdrawn."})
    # Lock the decision's row: of two withdrawals at once, the second waits here
    # for the first to commit, then finds it withdrawn and is told so.
    current = Decision.objects.select_for_update(of=("self",)).select_related("withdrawn_by").get(pk=decision.pk)
    if current.withdrawn_at is not None:
        who = current.withdrawn_by.display_name if current.withdrawn_by else "Someone"
        raise ValidationError(f"{who} already withdrew this decision.")
    Decision.objects.filter(pk=decision.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_reason=reason.strip()
    )
    if current.stood_at is not None:  # a proposal never wrote the outcome
        step = decision.scorecard.project.steps.get(key=VENDOR_STEP)
        _record_outcome(
            actor, step, f"Decision for {decision.candidate.name} withdrawn by {actor.display_name}: {reason.strip()}"
        )
    decision.refresh_from_db()
    return decision
