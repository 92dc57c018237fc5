"""Scorecard pages. Thin: authorize through projects.access, parse, call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.access import (
    Action,
    can_break_vendor_tie,
    can_decide_vendor,
    can_manage,
    can_sign_vendor_decision,
    get_project_or_404,
    is_member,
    member_ids,
)
from projects.forms import add_service_errors
from projects.models import StepStatus
from projects.placed_messages import at
from scorecards import exports, services
from scorecards.forms import (
    EDIT_FIELDS,
    CandidateEditForm,
    CandidateForm,
    DecisionForm,
    InviteForm,
    RatingForm,
    SignForm,
    TieBreakForm,
    WithdrawForm,
    candidate_changes,
)
from scorecards.models import Candidate, RatingSheet
from scorecards.selectors import (
    candidate_of,
    chart_data,
    decision_of,
    decision_positions,
    decision_snapshot,
    invite_suggestions,
    my_sheets,
    scorecard_of,
    scorecard_results,
    withdrawn_decisions,
)
from scorecards.services import VENDOR_STEP


def _load(request, slug, action=Action.VIEW):
    """The project and its scorecard: an unsaved stand-in before the first write
    (a page never creates one; the first candidate added does)."""
    project = get_project_or_404(request.user, slug, action)
    return project, scorecard_of(project)


def _candidate(scorecard, candidate_id) -> Candidate:
    candidate = candidate_of(scorecard, candidate_id)
    if candidate is None:
        raise Http404("No such candidate.")
    return candidate


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def scorecard(request, slug):
    project, sc = _load(request, slug)
    results = scorecard_results(sc, viewer=request.user)
    decision = services.open_decision(sc)  # the standing decision, or the proposal waiting for signatures
    chart = chart_data(results)
    context = {
        "project": project,
        "scorecard": sc,
        "results": results,
        "decision": decision,
        "past_decisions": withdrawn_decisions(sc),
        "my_sheets": my_sheets(sc, request.user),
        "can_manage": can_manage(request.user, project),
        "can_rate": is_member(request.user, project),
        "can_decide": can_decide_vendor(request.user, project),
        "candidate_form": CandidateForm(),
        "withdraw_form": WithdrawForm(),
        "chart": chart,
        "any_hidden": any(not r.visible for r in results.candidates),
        "vendor_step": project.steps.filter(key=VENDOR_STEP).first() if decision and decision.stood_at else None,
    }
    return render(request, "scorecards/scorecard.html", context)


@require_POST
def candidate_add(request, slug):
    project, sc = _load(request, slug, Action.MANAGE)
    form = CandidateForm(request.POST)
    if form.is_valid():
        try:
            candidate = services.candidate_save(actor=request.user, scorecard=sc, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"“{candidate.name}” added as a candidate.")
            return redirect("scorecards:scorecard", slug=project.slug)
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {error}")
    return redirect("scorecards:scorecard", slug=project.slug)


@require_http_methods(["GET", "POST"])
def candidate_edit(request, slug, candidate_id):
    project, sc = _load(request, slug, Action.MANAGE)
    candidate = _candidate(sc, candidate_id)
    form = CandidateEditForm(request.POST if request.method == "POST" else None, instance=candidate)
    stale = None
    if request.method == "POST" and form.is_valid():
        fields = {field: form.cleaned_data[field] for field in EDIT_FIELDS}
        try:
            services.candidate_save(
                actor=request.user, scorecard=sc, candidate=candidate,
                expected_version=form.cleaned_data["version"], **fields,
            )  # fmt: skip
        except services.StaleEdit as error:
            stale = {"message": error.messages[0], "when": error.current.updated_at,
                     "changes": candidate_changes(form.seen_values(), error.current)}  # fmt: skip
            form.reopen_at(error.current)
            candidate = error.current  # the page names it as it is now, not as typed
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Candidate saved.")
            return redirect("scorecards:scorecard", slug=project.slug)
    context = {"project": project, "form": form, "candidate": candidate, "stale": stale}
    return render(request, "scorecards/candidate_form.html", context)


@require_http_methods(["GET", "POST"])
def candidate_delete(request, slug, candidate_id):
    project, sc = _load(request, slug, Action.MANAGE)
    candidate = _candidate(sc, candidate_id)
    if request.method == "POST":
        try:
            lost = services.candidate_delete(actor=request.user, candidate=candidate)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"“{candidate.name}” deleted with its {lost} rating(s).")
        return redirect("scorecards:scorecard", slug=project.slug)
    sheets = RatingSheet.objects.filter(candidate=candidate)
    context = {
        "project": project,
        "candidate": candidate,
        "raters": sheets.count(),
        "submitted": sheets.filter(submitted_at__isnull=False).count(),
        "ratings": sheets.filter(ratings__score__isnull=False).values("ratings").count(),
    }
    return render(request, "scorecards/candidate_delete.html", context)


@require_http_methods(["GET", "POST"])
def rate(request, slug, candidate_id):
    project, sc = _load(request, slug, Action.PARTICIPATE)
    candidate = _candidate(sc, candidate_id)
    sheet = RatingSheet.objects.filter(candidate=candidate, rater=request.user).first()
    existing = {r.criterion_id: r for r in sheet.ratings.all()} if sheet else {}
    criteria = sc.criteria.order_by("group", "position", "name")
    pending = bool(sheet and sheet.submitted_at and sheet.draft_saved_at)
    form = RatingForm(
        request.POST if request.method == "POST" else None, criteria=criteria, initial_ratings=existing, pending=pending
    )
    if request.method == "POST" and "discard" in request.POST:
        if services.ratings_draft_discard(actor=request.user, candidate=candidate):
            messages.success(request, "Your draft changes are discarded; your submitted ratings stand as they were.")
        return redirect("scorecards:rate", slug=project.slug, candidate_id=candidate.pk)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            saved = services.ratings_save(
                actor=request.user, candidate=candidate, scores=form.scores(), comments=form.comments(), submit=submit
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if submit:
                messages.success(request, f"Ratings of “{candidate.name}” submitted. You can now see everyone's.")
                return redirect("scorecards:scorecard", slug=project.slug)
            messages.success(request, _draft_message(saved))
            return redirect("scorecards:rate", slug=project.slug, candidate_id=candidate.pk)
    context = {
        "project": project,
        "candidate": candidate,
        "form": form,
        "sheet": sheet,
        "pending": pending,
        "read_only": bool(services.open_decision(sc)),
    }
    return render(request, "scorecards/rate.html", context)


def _draft_message(sheet: RatingSheet) -> str:
    """What "Save draft" did, truly (``services.ratings_save``)."""
    if sheet.submitted_at is not None:
        return (
            "Changes saved as a draft. Nobody else sees them, and the ratings you submitted "
            f"on {timezone.localtime(sheet.submitted_at):%d %b %Y} keep counting until you submit the changes."
        )
    return "Draft saved. Nobody else sees it and it does not count until you submit it."


@require_http_methods(["GET", "POST"])
def invite(request, slug, candidate_id):
    project, sc = _load(request, slug, Action.MANAGE)
    candidate = _candidate(sc, candidate_id)
    members = member_ids(project)
    suggestions = invite_suggestions(members, candidate)
    from governance.models import User

    people = User.objects.filter(pk__in=members, is_active=True).order_by("first_name", "last_name")
    suggested = [u.pk for side in suggestions.values() for u in side]
    form = InviteForm(request.POST if request.method == "POST" else None, people=people, suggested_ids=suggested)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.invitations_send(
                actor=request.user, candidate=candidate, users=form.cleaned_data["people"]
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"{count} new invitation(s) to rate “{candidate.name}”.")
        return redirect("scorecards:scorecard", slug=project.slug)
    context = {"project": project, "candidate": candidate, "form": form, "suggestions": suggestions,
               "invited": candidate.invitations.select_related("user")}  # fmt: skip
    return render(request, "scorecards/invite.html", context)


@require_http_methods(["GET", "POST"])
def decide(request, slug, candidate_id):
    project, sc = _load(request, slug)
    if not can_decide_vendor(request.user, project):
        raise PermissionDenied("Only step 5's Accountable person or an executive chooses the vendor.")
    candidate = _candidate(sc, candidate_id)
    results = scorecard_results(sc, viewer=request.user)
    mine = next(r for r in results.candidates if r.candidate.pk == candidate.pk)
    leaders_visible = all(r.visible for r in results.leaders)
    data = request.POST if request.method == "POST" else None
    form = DecisionForm(data, **_reason_question(candidate, mine, results, leaders_visible))
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(
                actor=request.user, scorecard=sc, candidate=candidate, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if decision.stood_at is None:
                messages.success(request, f"“{candidate.name}” proposed. It stands once both sponsors agree.")
                return redirect("scorecards:decision", slug=project.slug, decision_id=decision.pk)
            return _stood(request, project, decision)
    context = {"project": project, "candidate": candidate, "form": form, "result": mine, "results": results,
               "leaders_visible": leaders_visible, "my_sides": _sides_of(request.user, project),
               "missing_sponsors": services.sponsors_missing(project)}  # fmt: skip
    return render(request, "scorecards/decide.html", context)


def _reason_question(candidate, mine, results, leaders_visible: bool) -> dict:
    """How the decision form asks why not the candidate ranked first: not at all
    when it is first; naming the leaders when the decider may see them; worded
    for either case when the blind rule hides the ranking from them."""
    if not mine.visible:
        return {
            "ranked_first": None,
            "reason_label": f"If {candidate.name} is not ranked first: why choose it",
            "reason_help": "You see the ranking once you rate it yourself. A candidate not ranked first needs a reason.",
        }
    if mine.rank == 1:
        return {"ranked_first": True}
    if results.leaders and leaders_visible:
        names = " or ".join(r.candidate.name for r in results.leaders)
        return {
            "ranked_first": False,
            "reason_label": f"Why not {names} (required)",
            "reason_help": f"The ranking puts {names} first; your reason is part of the record.",
        }
    return {
        "ranked_first": False,
        "reason_label": "Why choose it before the ratings rank it (required)",
        "reason_help": f"No submitted rating ranks {candidate.name} first yet; your reason is part of the record.",
    }


def _stood(request, project, decision):
    """The decision now stands: say so, and what comes next, on step 5's card."""
    step = project.steps.get(key=VENDOR_STEP)
    text = _decided_message(project, step, decision.candidate)
    messages.success(request, text, extra_tags=at(f"step-{step.number}"))
    return redirect(project.get_absolute_url() + f"#step-{step.number}")


def _decided_message(project, step, candidate) -> str:
    """The decision, and what comes next: the vendor step is still to be finished."""
    following = project.steps.filter(number=step.number + 1).first()
    text = f"“{candidate.name}” chosen. The decision and its evidence are recorded as step {step.number}'s outcome."
    if step.status != StepStatus.DONE:
        then = f", then step {following.number}, {following.name}, can start." if following else "."
        text += f" Next: finish step {step.number}, {step.name}, here (it is {step.get_status_display().lower()}){then}"
    return text


@require_POST
def withdraw(request, slug):
    project, sc = _load(request, slug)
    if not can_decide_vendor(request.user, project):
        raise PermissionDenied("Only step 5's Accountable person or an executive withdraws the decision.")
    decision = services.open_decision(sc)
    form = WithdrawForm(request.POST)
    if decision is None or (form.is_valid() and form.cleaned_data["decision"] not in (None, decision.pk)):
        messages.info(request, "There is no standing decision or open proposal to withdraw.")
    elif not form.is_valid():
        messages.error(request, "Say why the decision is withdrawn.")
    else:
        try:
            services.decision_withdraw(actor=request.user, decision=decision, reason=form.cleaned_data["reason"])
        except ValidationError as error:  # e.g. withdrawn by someone else a moment ago
            _errors(request, error)
        else:
            what = "Decision" if decision.stood_at else "Proposal"
            messages.success(request, f"{what} withdrawn. The scorecard is open again.")
    return redirect("scorecards:scorecard", slug=project.slug)


# --- Vendor decisions both sponsors sign (docs/vendor-decisions.md) ---------------------------

SIDE_LABELS = {"marketing": "Marketing", "it": "IT"}


def _sides_of(user, project) -> list[str]:
    """The sides whose position ``user`` signs on ``project`` (its sponsor for them)."""
    return [label for side, label in SIDE_LABELS.items() if can_sign_vendor_decision(user, project, side)]


def _decision_page(request, project, sc, decision_id, *, sign_form=None, tie_form=None, status=200):
    decision = decision_of(sc, decision_id)
    if decision is None:
        raise Http404("No such decision.")
    positions = decision_positions(decision, project)
    proposal = decision.is_proposal
    sign_forms = []
    for position in positions if proposal else []:
        if can_sign_vendor_decision(request.user, project, position.side):
            seen = position.current.pk if position.current else None
            form = sign_form if sign_form is not None and sign_form.prefix == position.side else None
            form = form or SignForm(initial={"side": position.side, "seen": seen}, prefix=position.side)
            sign_forms.append((position, form))
    disagreement = proposal and services.has_disagreement(decision)
    context = {
        "project": project, "decision": decision, "positions": positions, "sign_forms": sign_forms,
        "can_break_tie": proposal and can_break_vendor_tie(request.user, project, disagreement=disagreement),
        "disagreement": disagreement, "tie_form": tie_form or TieBreakForm(),
        "can_withdraw": decision.withdrawn_at is None and can_decide_vendor(request.user, project),
        "withdraw_form": WithdrawForm(initial={"decision": decision.pk}),
        "budget_label": SIDE_LABELS.get(project.budget_owner_side, ""),
        "missing_sponsors": services.sponsors_missing(project) if proposal else "",
        "snapshot": decision_snapshot(decision, request.user),
    }  # fmt: skip
    return render(request, "scorecards/decision.html", context, status=status)


@require_GET
def decision(request, slug, decision_id):
    project, sc = _load(request, slug)
    return _decision_page(request, project, sc, decision_id)


@require_POST
def decision_sign(request, slug, decision_id, side):
    project, sc = _load(request, slug)
    decision = decision_of(sc, decision_id)
    if decision is None or side not in SIDE_LABELS:
        raise Http404("No such decision.")
    if not can_sign_vendor_decision(request.user, project, side):
        raise PermissionDenied(
            f"Only the project's {SIDE_LABELS[side]} sponsor signs the {SIDE_LABELS[side]} position."
        )
    form = SignForm(request.POST, prefix=side)
    if form.is_valid() and form.cleaned_data["side"] != side:
        form.add_error(None, "This form signs another side's position: reload the page and sign again.")
    if form.is_valid():
        try:
            services.decision_sign(
                actor=request.user, decision=decision, side=side, agrees=form.cleaned_data["position"] == "agree",
                comment=form.cleaned_data["comment"], seen=form.cleaned_data["seen"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if decision.stood_at:
                return _stood(request, project, decision)
            messages.success(request, f"Your {SIDE_LABELS[side]} position is recorded.")
            return redirect("scorecards:decision", slug=project.slug, decision_id=decision.pk)
    return _decision_page(request, project, sc, decision_id, sign_form=form)


@require_POST
def decision_break_tie(request, slug, decision_id):
    project, sc = _load(request, slug)
    decision = decision_of(sc, decision_id)
    if decision is None:
        raise Http404("No such decision.")
    form = TieBreakForm(request.POST)
    if form.is_valid():
        try:
            services.decision_break_tie(actor=request.user, decision=decision, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _stood(request, project, decision)
    elif not can_break_vendor_tie(request.user, project, disagreement=services.has_disagreement(decision)):
        raise PermissionDenied(
            "Only the budget owner's sponsor breaks a tie, and only when the other sponsor disagrees."
        )
    return _decision_page(request, project, sc, decision_id, tie_form=form)


@require_GET
def export(request, slug, fmt):
    project, sc = _load(request, slug)
    results = scorecard_results(sc, viewer=request.user)
    return exports.response(results, f"{project.slug}-scorecard", fmt)
