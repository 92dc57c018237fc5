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
from raci.selectors import Matrix, matrix_for, matrix_version
from raci.services import MatrixError, StaleMatrix, matrix_save, step_transition
from raci.transitions import Transition

ROLE_CHOICES = [("", "—"), *list(Role.choices)]
# Database ids are signed 64-bit integers: anything outside is not an id
# (SQLite raises OverflowError on it, which would be a 500).
MAX_ID = 2**63 - 1
EMPTY = "-"  # an empty cell in a row's "as opened" string


def _int_list(values: list[str]) -> list[int] | None:
    """The ids in ``values``, in order and without repeats; None when any is not an id."""
    try:
        ids = list(dict.fromkeys(int(v) for v in values))
    except (TypeError, ValueError):
        return None
    return ids if all(0 < i <= MAX_ID for i in ids) else None


def _version(value: str | None) -> int | bool | None:
    """The matrix version the page was opened at; None when the post carries
    none (pages always do; a save without one is not checked), False when it
    is not a version at all."""
    if value is None:
        return None
    try:
        version = int(value)
    except ValueError:
        return False
    return version if 0 <= version <= MAX_ID else False


def _as_opened(matrix: Matrix, person_id: int) -> str:
    """A row's roles as the page shows them, one character per step: posted back
    with the form, so a refused save can tell the user's changes from the rest."""
    return "".join(matrix.role(person_id, step.pk) or EMPTY for step in matrix.steps)


def _parse_opened(value: str, steps) -> dict[int, str] | None:
    if len(value) != len(steps) or any(c not in EMPTY + "".join(Role.values) for c in value):
        return None
    return {step.pk: ("" if c == EMPTY else c) for step, c in zip(steps, value, strict=True)}


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
        rows.append(
            {
                "person": person,
                "cells": cells,
                "opened": _as_opened(matrix, person.pk),
                "has_errors": any(c["errors"] for c in cells),
            }
        )
    return rows


def _accountable_by_step(matrix: Matrix, rows: list[dict]) -> list[dict]:
    summary = []
    for index, step in enumerate(matrix.steps):
        holders = [row["person"] for row in rows if row["cells"][index]["value"] == Role.ACCOUNTABLE]
        inactive = len(holders) == 1 and not holders[0].is_active
        summary.append({"step": step, "accountable": holders, "inactive": inactive})
    return summary


def _addable_people(matrix: Matrix):
    return pickable_people().exclude(pk__in=[p.pk for p in matrix.people])


def _render_matrix(request, project, matrix, rows, *, version, status=200, general_errors=(), changes=()):
    context = {
        "project": project,
        "matrix": matrix,
        "rows": rows,
        "version": version,
        "summary": _accountable_by_step(matrix, rows),
        "can_edit": can_manage(request.user, project),
        "addable": _addable_people(matrix),
        "role_choices": ROLE_CHOICES,
        "general_errors": general_errors,
        "changes": changes,
        "error_count": sum(len(c["errors"]) for r in rows for c in r["cells"]),
    }
    return render(request, "raci/matrix.html", context, status=status)


def _fresh(project, people: list[int]) -> tuple[int, Matrix]:
    # The version first, then the matrix: a save committed in between makes the
    # page look newer than its version (the next save is refused and shown the
    # change), never older (which would let it undo that save).
    version = matrix_version(project)
    return version, matrix_for(project, extra_people=people)


@require_http_methods(["GET", "POST"])
def matrix(request, slug):
    project = get_project_or_404(request.user, slug, Action.VIEW)
    if request.method == "GET":
        extra = _int_list(request.GET.getlist("add"))
        if extra is None:
            return HttpResponseBadRequest("Pick a person to add from the list.")
        extra = list(pickable_people().filter(pk__in=extra).values_list("pk", flat=True))
        version, m = _fresh(project, extra)
        return _render_matrix(request, project, m, _rows(m), version=version)

    if not can_manage(request.user, project):
        raise PermissionDenied("Only the project's owner, IT lead, sponsors and executives edit its RACI matrix.")
    people = _int_list(request.POST.getlist("people"))
    expected = _version(request.POST.get("version"))
    if people is None or expected is False:
        return HttpResponseBadRequest("The matrix was not understood; reload the page.")
    m = matrix_for(project, extra_people=people)
    shown = {p.pk for p in m.people}
    submitted = {
        user_id: {step.pk: request.POST.get(f"cell-{user_id}-{step.number}", "") for step in m.steps}
        for user_id in people
        if user_id in shown
    }
    try:
        result = matrix_save(actor=request.user, project=project, rows=submitted, expected_version=expected)
    except MatrixError as error:
        opened = {user_id: _parse_opened(request.POST.get(f"opened-{user_id}", ""), m.steps) for user_id in submitted}
        return _refused(request, project, people, submitted, opened, error)
    if result.total:
        messages.success(
            request,
            f"RACI matrix saved: {result.added} added, {result.changed} changed, {result.removed} removed.",
        )
    else:
        messages.info(request, "Nothing changed in the RACI matrix.")
    return redirect("raci:matrix", slug=project.slug)


def _refused(request, project, people, submitted, opened, error: MatrixError):
    """Re-render a refused save: the matrix as it is now with the user's own
    changes on top (a cell they did not touch shows its current role, so saving
    again never undoes someone else's save), and the version to save against."""
    version, fresh = _fresh(project, people)
    cell_errors = dict(error.cell_errors)
    kept: dict[int, dict[int, str]] = {}
    for user_id, cells in submitted.items():
        before = opened.get(user_id)
        kept[user_id] = {}
        for step in fresh.steps:
            now, mine = fresh.role(user_id, step.pk), cells.get(step.pk, "")
            if before is not None and mine == before[step.pk]:
                mine = now  # not the user's change: show what is there now
            elif before is not None and now != before[step.pk] and mine != now:
                cell_errors.setdefault((user_id, step.pk), []).append(
                    f"Changed meanwhile to {Role(now).label if now else 'no role'}; your choice is kept: check it."
                )
            kept[user_id][step.pk] = mine
    if isinstance(error, StaleMatrix):
        messages.error(request, "Nothing was saved: someone saved this matrix after you opened it.")
        rows = _rows(fresh, kept, cell_errors)
        return _render_matrix(
            request,
            project,
            fresh,
            rows,
            version=version,
            status=409,
            general_errors=error.general,
            changes=error.changes,
        )
    messages.error(request, "Nothing was saved: the matrix breaks the RACI rules. Fix the highlighted cells.")
    rows = _rows(fresh, kept, cell_errors)
    return _render_matrix(request, project, fresh, rows, version=version, general_errors=error.general)


@require_http_methods(["GET"])
def matrix_row(request, slug):
    """htmx: one new, empty row for the person picked in "Add a person"."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    person_ids = _int_list(request.GET.getlist("add"))
    current = _int_list(request.GET.getlist("people"))
    if person_ids is None or current is None:
        return HttpResponseBadRequest("Pick a person to add from the list.")
    person = pickable_people().filter(pk__in=person_ids).first()
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
