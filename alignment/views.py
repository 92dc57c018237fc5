"""Alignment self-assessment pages. Thin: authorize, parse, call a service or selector, render.

Results appear once a round closes (see ``alignment.selectors``), to whoever
may see the round: for a project round, everyone who may view the project;
for an organization round, executives, administrators, its opener and its
invitees. Invitees see the results of the rounds they were asked to answer:
their answers are protected by the anonymity rule, and seeing the outcome is
what makes the next round worth answering.

A closed round is final: its page, its export, the trend and the portfolio show
the figures frozen at its close (``alignment.summaries``), so deleting a
respondent or their account afterwards changes no figure (otherwise the figures
before and after would differ by exactly that person's answers).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alignment import selectors
from alignment.exports import results_rows
from alignment.forms import AnswerForm, RoundExtendForm, RoundOpenForm
from alignment.models import RoundDimension
from alignment.services import answers_submit, round_close, round_extend, round_open
from common import tabular
from projects.access import Action, can_close_round, can_open_round, get_project_or_404


@require_GET
def index(request):
    rounds = selectors.rounds_visible_to(request.user).order_by("-closes_at", "-pk")
    context = {
        "invitations": selectors.open_invitations(request.user),
        "rounds": rounds,
        "can_open": can_open_round(request.user, None),
    }
    return render(request, "alignment/index.html", context)


def _open_round(request, project=None):
    form = RoundOpenForm(request.POST if request.method == "POST" else None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = round_open(
                actor=request.user,
                title=form.cleaned_data["title"],
                closes_on=form.cleaned_data["closes_on"],
                invitees=list(form.cleaned_data["invitees"]),
                project=project,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Round opened: {form.cleaned_data['invitees'].count()} people invited.")
            return redirect("alignment:round", pk=round_.pk)
    return render(request, "alignment/round_form.html", {"form": form, "project": project})


@require_http_methods(["GET", "POST"])
def round_new(request):
    if not can_open_round(request.user, None):
        raise PermissionDenied("Only executives and administrators open a round for the whole organization.")
    return _open_round(request)


@require_GET
def project_rounds(request, slug):
    project = get_project_or_404(request.user, slug, Action.VIEW)
    rounds = selectors.rounds_visible_to(request.user).filter(project=project).order_by("-closes_at", "-pk")
    context = {"project": project, "rounds": rounds, "can_open": can_open_round(request.user, project)}
    return render(request, "alignment/project_rounds.html", context)


@require_http_methods(["GET", "POST"])
def project_round_new(request, slug):
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    return _open_round(request, project)


@require_GET
def round_detail(request, pk):
    round_, invitation = selectors.round_for(request.user, pk)
    context = {
        "round": round_,
        "project": round_.project,
        "invitation": invitation,
        "can_close": round_.is_open and can_close_round(request.user, round_.project, opened_by_id=round_.opened_by_id),
        "min_respondents": selectors.MIN_RESPONDENTS,
    }
    if round_.is_open:
        context["counts"] = (
            selectors.rounds_visible_to(request.user)
            .filter(pk=round_.pk)
            .values("invited_count", "answered_count")
            .first()
        )
    else:
        results = selectors.round_results(round_, viewer=request.user)
        context["results"] = results
        context["chart_data"] = _chart_data(results)
    return render(request, "alignment/round.html", context)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _chart_data(results: selectors.RoundResults) -> dict:
    """The disclosed figures only, for the charts (the table shows the same)."""
    return {
        "labels": [d.dimension.name for d in results.dimensions],
        "marketing": [_rounded(d.figures.marketing) for d in results.dimensions],
        "it": [_rounded(d.figures.it) for d in results.dimensions],
        "trend": {
            "labels": [p.round.title for p in results.trend],
            "overall": [_rounded(p.figures.overall) for p in results.trend],
            "marketing": [_rounded(p.figures.marketing) for p in results.trend],
            "it": [_rounded(p.figures.it) for p in results.trend],
        },
    }


@require_http_methods(["GET", "POST"])
def round_answer(request, pk):
    round_, invitation = selectors.round_for(request.user, pk)
    if round_.project_id is not None:
        get_project_or_404(request.user, round_.project.slug, Action.PARTICIPATE)
    if invitation is None:
        raise PermissionDenied("You were not invited to this round, so you cannot answer it.")
    if not round_.is_open:
        messages.error(request, "This round has closed; answers can no longer be given or changed.")
        return redirect("alignment:round", pk=round_.pk)
    dimensions = list(RoundDimension.objects.filter(round=round_))
    current = {a.dimension_id: (a.level, a.comment) for a in invitation.answers.all()}
    form = AnswerForm(request.POST if request.method == "POST" else None, dimensions=dimensions, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            result = answers_submit(actor=request.user, round_=round_, answers=form.answers())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("alignment:round", pk=round_.pk)
        if not current:
            messages.success(
                request, "Thank you: your answers are recorded. You can change them until the round closes."
            )
        elif result.total:
            messages.success(request, f"Your answers are updated ({result.changed} changed).")
        else:
            messages.info(request, "You had already given exactly these answers; nothing changed.")
        return redirect("alignment:round", pk=round_.pk)
    if request.method == "POST":
        messages.error(request, "Nothing was recorded: answer every dimension (your choices are kept below).")
    context = {"round": round_, "project": round_.project, "form": form, "answered": bool(current)}
    return render(request, "alignment/answer.html", context)


@require_POST
def round_close_view(request, pk):
    round_, _invitation = selectors.round_for(request.user, pk)
    try:
        round_close(actor=request.user, round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Round closed: no more answers, and the results are below.")
    return redirect("alignment:round", pk=round_.pk)


@require_POST
def round_extend_view(request, pk):
    """Give an open round more time; a closed round is final (``services.round_extend``)."""
    round_, _invitation = selectors.round_for(request.user, pk)
    if not can_close_round(request.user, round_.project, opened_by_id=round_.opened_by_id):
        raise PermissionDenied(
            "Only whoever opened the round, executives, administrators or the project's managers extend it."
        )
    form = RoundExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing changed: choose the new closing date.")
        return redirect("alignment:round", pk=round_.pk)
    try:
        round_extend(actor=request.user, round_=round_, closes_on=form.cleaned_data["closes_on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Round extended: answers are accepted until the end of {date_format(form.cleaned_data['closes_on'], 'j F Y')}.",
        )
    return redirect("alignment:round", pk=round_.pk)


@require_GET
def round_export(request, pk):
    round_, _invitation = selectors.round_for(request.user, pk)
    if round_.is_open:
        messages.error(request, "Results can be exported once the round closes.")
        return redirect("alignment:round", pk=round_.pk)
    results = selectors.round_results(round_, viewer=request.user)
    return tabular.csv_response(results_rows(results), f"alignment-round-{round_.pk}")
