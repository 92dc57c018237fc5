"""The RACI matrix editor and step transitions. Thin: authorize, parse, call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from governance.models import User
from projects.access import (
    Action,
    can_manage,
    can_transition_step,
    get_project_or_404,
    get_step_or_404,
    pickable_people,
)
from projects.lifecycle import STEP_COUNT
from projects.models import StepStatus
from projects.placed_messages import at, place_messages
from raci import selectors
from raci.models import Role
from raci.selectors import Matrix, matrix_for, matrix_version
from raci.services import GateRefused, MatrixError, StaleMatrix, matrix_save, step_transition
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


def matrix_at_step(project, number: int) -> str:
    """The matrix with step ``number`` in focus: who is Accountable for it, in one choice."""
    return reverse("raci:matrix", kwargs={"slug": project.slug}) + f"?step={number}#step-{number}"


def _focus_step(request, matrix: Matrix) -> int | None:
    value = request.GET.get("step", "")
    number = int(value) if value.isascii() and value.isdigit() and len(value) <= 2 else 0
    return number if 1 <= number <= len(matrix.steps) else None


def _focus(project, matrix: Matrix, number: int | None, placed) -> dict | None:
    """The focused step's panel: its Accountable person now and who may become it,
    the suggested person first (``selectors.suggested_accountable``)."""
    if number is None:
        return None
    step = matrix.steps[number - 1]
    holder_id = next((p.pk for p in matrix.people if matrix.role(p.pk, step.pk) == Role.ACCOUNTABLE), None)
    side = selectors.accountable_side(step, project)
    suggested, why = selectors.suggested_accountable(project, side)
    people = [p for p in matrix.people if p.is_active]
    people.sort(key=lambda p: suggested is None or p.pk != suggested.pk)
    choices = [
        {
            "person": p,
            "role_label": Role(matrix.role(p.pk, step.pk)).label if matrix.role(p.pk, step.pk) else "",
            "suggested": suggested is not None and p.pk == suggested.pk,
        }
        for p in people
    ]
    return {
        "step": step,
        "holder": next((p for p in matrix.people if p.pk == holder_id), None),
        "choices": choices,
        "why": why,
        "others": pickable_people().exclude(pk__in=[p.pk for p in people]),
        "messages": placed.at(f"step-{number}"),
    }


def _render_matrix(request, project, matrix, rows, *, version, status=200, general_errors=(), changes=()):
    focus_number = _focus_step(request, matrix)
    placed = place_messages(request, [f"step-{focus_number}"] if focus_number else [])
    context = {
        **placed.context(),
        "focus": _focus(project, matrix, focus_number, placed),
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
    """Start, finish, block or reopen a step; the message, and for a refusal the
    way to fix it, shows in the step's card on the project page."""
    project = get_project_or_404(request.user, slug, Action.VIEW)
    step = get_step_or_404(project, number)
    if transition not in Transition.ALL:
        return HttpResponseBadRequest("Unknown step action.")
    if not can_transition_step(request.user, step):
        raise PermissionDenied("You can see this step but not change its status.")
    anchor = at(f"step-{step.number}")
    try:
        step = step_transition(
            actor=request.user, step=step, transition=transition, reason=request.POST.get("reason", "")
        )
    except GateRefused as error:
        messages.error(request, _gate_refusal_message(request.user, project, error.refusal), extra_tags=anchor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages), extra_tags=anchor)
    else:
        messages.success(request, _transition_message(project, step), extra_tags=anchor)
    return redirect(reverse("project_detail", kwargs={"slug": project.slug}) + f"#step-{step.number}")


def _gate_refusal_message(user: User, project, refusal: selectors.GateRefusal) -> str:
    """The gate's refusal with the way to fix it: the matrix at that step for those
    who may change it, else whom to ask."""
    if can_manage(user, project):
        return format_html(
            '{} <a href="{}" class="alert-link">Assign {} for step {}</a>',
            refusal.reason,
            matrix_at_step(project, refusal.step_number),
            refusal.role_needed,
            refusal.step_number,
        )
    managers = ", ".join(p.display_name for p in project.key_people if p.is_active)
    return f"{refusal.reason} Ask the project's owner, IT lead or a sponsor ({managers}) to assign {refusal.need}."


def _transition_message(project, step) -> str:
    """What happened, and what comes next once a step is done."""
    done = f"Step {step.number}, {step.name}: {step.get_status_display().lower()}."
    if step.status != StepStatus.DONE or step.number == STEP_COUNT:
        return done
    following = project.steps.filter(number=step.number + 1).first()
    return f"{done} Next: step {following.number}, {following.name}." if following else done


@require_POST
def assign_accountable(request, slug, number):
    """The matrix's focused step: make the chosen person its Accountable person
    (whoever held A there gives it up), through ``matrix_save`` at the version
    the page was opened at."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    step = get_step_or_404(project, number)
    back = redirect(matrix_at_step(project, step.number))
    anchor = at(f"step-{step.number}")
    chosen = request.POST.get("other") if request.POST.get("person") == "other" else request.POST.get("person")
    ids = _int_list([chosen or ""])
    expected = _version(request.POST.get("version"))
    person = pickable_people().filter(pk=ids[0]).first() if ids else None
    if person is None or expected is False:
        messages.error(
            request, f"Nothing was saved: choose who is Accountable for step {step.number}.", extra_tags=anchor
        )
        return back
    rows = {person.pk: {step.pk: Role.ACCOUNTABLE}}
    for holder_id in (
        step.assignments.filter(role=Role.ACCOUNTABLE).exclude(user=person).values_list("user_id", flat=True)
    ):
        rows[holder_id] = {step.pk: ""}
    try:
        result = matrix_save(actor=request.user, project=project, rows=rows, expected_version=expected)
    except StaleMatrix as error:
        changed = "; ".join(error.changes)
        messages.error(
            request,
            f"Nothing was saved: someone changed this matrix after you opened it ({changed}). "
            "Below is the matrix as it is now: choose again.",
            extra_tags=anchor,
        )
    except MatrixError as error:
        messages.error(request, "Nothing was saved: " + " ".join(error.messages), extra_tags=anchor)
    else:
        text = f"{person.display_name} is now Accountable for step {step.number}, {step.name}."
        if not result.total:
            text = f"{person.display_name} was already Accountable for step {step.number}, {step.name}."
        project_step = reverse("project_detail", kwargs={"slug": project.slug}) + f"#step-{step.number}"
        messages.success(
            request, format_html('{} <a href="{}" class="alert-link">Back to the step</a>', text, project_step),
            extra_tags=anchor,
        )  # fmt: skip
    return back


# --- Bulk changes: a preview (GET), then the previewed cells saved through matrix_save (POST) ---


def _parse_changes(values: list[str], steps: dict) -> dict[int, dict[int, str]] | None:
    """The previewed cells a bulk form posts ("user id:step number:role"), as
    ``matrix_save`` rows; None when any is not understood."""
    rows: dict[int, dict[int, str]] = {}
    for value in values:
        parts = value.split(":")
        if len(parts) != 3:
            return None
        user_ids = _int_list([parts[0]])
        number = int(parts[1]) if parts[1].isascii() and parts[1].isdigit() and len(parts[1]) <= 2 else 0
        if user_ids is None or number not in steps or (parts[2] and parts[2] not in Role.values):
            return None
        rows.setdefault(user_ids[0], {})[steps[number].pk] = parts[2]
    return rows


def _bulk_apply(request, project, replan, context: dict):
    """Save exactly the cells the preview showed, at the version it was read at:
    a matrix changed since is refused and the preview shown again, as it is now."""
    steps = {s.number: s for s in project.steps.all()}
    rows = _parse_changes(request.POST.getlist("change"), steps)
    if rows is None:
        return HttpResponseBadRequest("The preview was not understood; open it again.")
    if not rows:
        messages.info(request, "Nothing was applied: the preview had no change.")
        return redirect("raci:matrix", slug=project.slug)
    expected = _version(request.POST.get("version"))
    if expected is None or expected is False:
        return HttpResponseBadRequest("The preview was not understood; open it again.")
    try:
        result = matrix_save(actor=request.user, project=project, rows=rows, expected_version=expected)
    except StaleMatrix as error:
        context |= {"changed_meanwhile": error.changes}
        return _render_bulk(request, project, replan(), context, status=409)
    except MatrixError as error:
        context |= {"errors": error.messages}
        return _render_bulk(request, project, replan(), context)
    count = len({step_id for cells in rows.values() for step_id in cells})
    messages.success(
        request,
        f"Applied to {count} step{'s' if count != 1 else ''}: {result.added} added, "
        f"{result.changed} changed, {result.removed} removed.",
    )
    return redirect("raci:matrix", slug=project.slug)


def _render_bulk(request, project, plan, context: dict, status: int = 200):
    context = {"project": project, "plan": plan, **context}
    return render(request, "raci/bulk.html", context, status=status)


@require_http_methods(["GET", "POST"])
def bulk_accountable(request, slug):
    """Make the suggested side's person Accountable for every step without one."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    context = {"kind": "accountable"}
    if request.method == "POST":
        return _bulk_apply(request, project, lambda: selectors.suggested_accountable_plan(project), context)
    return _render_bulk(request, project, selectors.suggested_accountable_plan(project), context)


def _person_and_role(data) -> tuple[User | None, str]:
    ids = _int_list([data.get("person", "")]) if data.get("person") else None
    person = pickable_people().filter(pk=ids[0]).first() if ids else None
    role = data.get("role", "")
    return person, role if role in Role.values else ""


@require_http_methods(["GET", "POST"])
def bulk_it_steps(request, slug):
    """Give one person one role on every IT-led step: choose them (GET), preview, apply."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    data = request.POST if request.method == "POST" else request.GET
    person, role = _person_and_role(data)
    context = {
        "kind": "it_steps",
        "people": pickable_people(),
        "roles": Role.choices,
        "person": person,
        "role": role,
        "it_steps": [s for s in project.steps.order_by("number") if selectors.is_it_step(s)],
    }
    plan = None
    if person is not None and role:
        plan = selectors.it_steps_plan(project, person, role)
    if request.method == "POST":  # the plan was read before the save: as the matrix is, if it is refused
        return _bulk_apply(request, project, lambda: plan, context)
    if data and plan is None:
        context["errors"] = ["Choose a person and a role to preview."]
    return _render_bulk(request, project, plan, context)
