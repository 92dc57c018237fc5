"""The RACI matrix editor and step transitions. Thin: authorize, parse, call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from projects.access import (
    Action,
    can_manage,
    can_transition_step,
    get_project_or_404,
    get_step_or_404,
    pickable_people,
)
from raci.models import Role
from raci.selectors import Matrix, matrix_for
from raci.services import MatrixError, matrix_save, step_transition
from raci.transitions import Transition

ROLE_CHOICES = [("", "—"), *list(Role.choices)]


def _int_list(values: list[str]) -> list[int] | None:
    try:
        return list(dict.fromkeys(int(v) for v in values))
    except (TypeError, ValueError):
        return None


def _rows(matrix: Matrix, submitted: dict | None = None, cell_errors: dict | None = None) -> list[dict]:
    """Rows for the template: one per person, one cell per step, with the
    user's submitted choice (kept after a refusal) and the cell's errors."""
    cell_errors = cell_errors or {}
    rows = []
    for person in matrix.people:
        cells = []
        for step in matrix.steps:
            if submitted is not None and person.pk in submitted:
                value = submitted[person.pk].get(step.pk, "")
            else:
                value = matrix.role(person.pk, step.pk)
            cells.append(
                {
                    "step": step,
                    "name": f"cell-{person.pk}-{step.number}",
                    "value": value,
                    "errors": cell_errors.get((person.pk, step.pk), []),
                }
            )
        rows.append({"person": person, "cells": cells, "has_errors": any(c["errors"] for c in cells)})
    return rows


def _accountable_by_step(matrix: Matrix, rows: list[dict]) -> list[dict]:
    summary = []
    for index, step in enumerate(matrix.steps):
        holders = [row["person"] for row in rows if row["cells"][index]["value"] == Role.ACCOUNTABLE]
        summary.append({"step": step, "accountable": holders})
    return summary


def _addable_people(matrix: Matrix):
    return pickable_people().exclude(pk__in=[p.pk for p in matrix.people])


def _render_matrix(request, project, matrix, rows, *, status=200, general_errors=()):
    context = {
        "project": project,
        "matrix": matrix,
        "rows": rows,
        "summary": _accountable_by_step(matrix, rows),
        "can_edit": can_manage(request.user, project),
        "addable": _addable_people(matrix),
        "role_choices": ROLE_CHOICES,
        "general_errors": general_errors,
        "error_count": sum(len(c["errors"]) for r in rows for c in r["cells"]),
    }
    return render(request, "raci/matrix.html", context, status=status)


@require_http_methods(["GET", "POST"])
def matrix(request, slug):
    project = get_project_or_404(request.user, slug, Action.VIEW)
    if request.method == "GET":
        extra = _int_list(request.GET.getlist("add")) or []
        extra = list(pickable_people().filter(pk__in=extra).values_list("pk", flat=True))
        m = matrix_for(project, extra_people=extra)
        return _render_matrix(request, project, m, _rows(m))

    if not can_manage(request.user, project):
        raise PermissionDenied("Only the project's owner, IT lead, sponsors and executives edit its RACI matrix.")
    people = _int_list(request.POST.getlist("people"))
    if people is None:
        return HttpResponseBadRequest("The matrix was not understood; reload the page.")
    m = matrix_for(project, extra_people=people)
    shown = {p.pk for p in m.people}
    submitted = {
        user_id: {step.pk: request.POST.get(f"cell-{user_id}-{step.number}", "") for step in m.steps}
        for user_id in people
        if user_id in shown
    }
    try:
        result = matrix_save(actor=request.user, project=project, rows=submitted)
    except MatrixError as error:
        messages.error(request, "Nothing was saved: the matrix breaks the RACI rules. Fix the highlighted cells.")
        return _render_matrix(request, project, m, _rows(m, submitted, error.cell_errors), general_errors=error.general)
    if result.total:
        messages.success(
            request,
            f"RACI matrix saved: {result.added} added, {result.changed} changed, {result.removed} removed.",
        )
    else:
        messages.info(request, "Nothing changed in the RACI matrix.")
    return redirect("raci:matrix", slug=project.slug)


@require_http_methods(["GET"])
def matrix_row(request, slug):
    """htmx: one new, empty row for the person picked in "Add a person"."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    person_ids = _int_list(request.GET.getlist("add"))
    current = _int_list(request.GET.getlist("people")) or []
    person = pickable_people().filter(pk__in=person_ids or []).first()
    if person is None:
        return HttpResponseBadRequest("Pick a person to add.")
    steps = list(project.steps.order_by("number"))
    m = Matrix(steps=steps, people=[person], roles={})
    context = {
        "project": project,
        "row": _rows(m)[0],
        "role_choices": ROLE_CHOICES,
        "addable": pickable_people().exclude(pk__in=[*current, person.pk]),
        "oob": True,
    }
    return render(request, "raci/_matrix_row_added.html", context)


@require_POST
def step_transition_view(request, slug, number, transition):
    project = get_project_or_404(request.user, slug, Action.VIEW)
    step = get_step_or_404(project, number)
    if transition not in Transition.ALL:
        return HttpResponseBadRequest("Unknown step action.")
    if not can_transition_step(request.user, step):
        raise PermissionDenied("You can see this step but not change its status.")
    try:
        step = step_transition(
            actor=request.user, step=step, transition=transition, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Step {step.number}, {step.name}: {step.get_status_display().lower()}.")
    return redirect(reverse("project_detail", kwargs={"slug": project.slug}) + f"#step-{step.number}")
