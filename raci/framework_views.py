"""The responsibility framework's pages: "Who owns what", its editor, and
applying it to a project. Thin: authorize, parse, call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from projects.access import Action, can_edit_framework, get_project_or_404
from raci import framework
from raci.framework_forms import FrameworkForm, cell_name, person_name
from raci.framework_services import FrameworkError, StaleFramework, framework_apply, framework_save
from raci.models import FrameworkRevision, FrameworkRole
from raci.services import MatrixError, StaleMatrix

EDIT_REFUSAL = "Only executives and administrators edit the responsibility framework."
HISTORY_PAGE_SIZE = 25
MAX_VERSION = 2**63 - 1


def _columns(organization: dict) -> list[dict]:
    """The framework's columns: each role, with the organization's named person where there is one."""
    return [
        {"role": value, "label": label, "person": organization.get(value)} for value, label in FrameworkRole.choices
    ]


@require_GET
def framework_page(request):
    """Who owns what: the framework for everyone signed in."""
    letters = framework.framework_letters()
    organization = framework.organization_people()
    context = {
        "steps": framework.framework_steps(letters, organization),
        "columns": _columns(organization),
        "organization": organization,
        "has_framework": bool(letters),
        "can_edit": can_edit_framework(request.user),
        "last": FrameworkRevision.objects.select_related("saved_by").order_by("-number").first(),
    }
    return render(request, "raci/framework.html", context)


def _current() -> tuple[int, framework.Letters, dict]:
    # The version first: a save committed in between makes the page look newer
    # than its version (the next save is refused), never older.
    return framework.framework_version(), framework.framework_letters(), framework.organization_people()


def _render_edit(request, form: FrameworkForm, organization: dict, *, status: int = 200, changes=()):
    rows = [
        {
            "step": step,
            "cells": [form[cell_name(step.number, role)] for role in FrameworkRole.values],
            "errors": form.step_errors.get(step.number, []),
        }
        for step in framework.framework_steps({}, organization)
    ]
    history = FrameworkRevision.objects.select_related("saved_by").order_by("-number")
    context = {
        "form": form,
        "rows": rows,
        "columns": _columns(organization),
        "people_fields": [form[person_name(post)] for post in framework.ORGANIZATION_ROLES],
        "history": Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("page")),
        "changes": changes,
        "cell_error_count": sum(len(form[name].errors) for name in form.fields if name.startswith("cell-")),
    }
    return render(request, "raci/framework_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def framework_edit(request):
    """The framework as a matrix form, for executives and administrators."""
    if not can_edit_framework(request.user):
        raise PermissionDenied(EDIT_REFUSAL)
    version, letters, organization = _current()
    if request.method == "GET":
        form = FrameworkForm(letters=letters, organization=organization, version=version)
        return _render_edit(request, form, organization)
    form = FrameworkForm(request.POST, letters=letters, organization=organization, version=version)
    if not form.is_valid():
        messages.error(request, "Nothing was saved: check the highlighted fields.")
        return _render_edit(request, form, organization)
    try:
        revision = framework_save(
            actor=request.user,
            entries=form.entries(),
            people=form.people(),
            expected_version=form.cleaned_data["version"],
        )
    except StaleFramework as error:
        return _stale(request, form, error)
    except FrameworkError as error:
        form.show_refusal(error)
        messages.error(request, "Nothing was saved: the framework breaks its rules. Fix the highlighted steps.")
        return _render_edit(request, form, organization)
    if revision is None:
        messages.info(request, "Nothing changed in the framework.")
    else:
        count = len(revision.changes)
        messages.success(request, f"Framework saved (version {revision.number}): {count} change{'s' * (count != 1)}.")
    return redirect("raci:framework")


def _stale(request, submitted: FrameworkForm, error: StaleFramework):
    """Re-show the framework as it is now with this user's own changes on top,
    to save against the new version (a cell they did not touch shows what the
    other save left there, so saving again never undoes it)."""
    version, letters, organization = _current()
    form = FrameworkForm(letters=letters, organization=organization, version=version)
    cells, people = submitted.mine()
    for (number, role), value in cells.items():
        form.fields[cell_name(number, role)].initial = value
    for post, value in people.items():
        form.fields[person_name(post)].initial = value or None
    messages.error(request, "Nothing was saved: someone saved the framework after you opened it.")
    return _render_edit(request, form, organization, status=409, changes=error.changes)


def _version(value: str | None) -> int | bool | None:
    """The matrix version the preview was shown at: None when the post carries
    none, False when it is not a version."""
    if value is None:
        return None
    try:
        version = int(value)
    except ValueError:
        return False
    return version if 0 <= version <= MAX_VERSION else False


def _render_apply(request, project, *, status: int = 200, changes=(), errors=()):
    preview = framework.preview_apply(project)
    context = {
        "project": project,
        "preview": preview,
        "unowned_default": preview.unowned_after[False],
        "unowned_replace": preview.unowned_after[True],
        "changes": changes,
        "errors": errors,
    }
    return render(request, "raci/framework_apply.html", context, status=status)


@require_http_methods(["GET", "POST"])
def framework_apply_view(request, slug):
    """GET: the preview of applying the framework to the project; POST: apply it."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    if request.method == "GET":
        return _render_apply(request, project)
    expected = _version(request.POST.get("version"))
    if expected is False:
        return HttpResponseBadRequest("The preview was not understood; reload the page.")
    replace = request.POST.get("replace") == "on"
    try:
        result = framework_apply(actor=request.user, project=project, replace=replace, expected_version=expected)
    except StaleMatrix as error:
        messages.error(request, "Nothing was applied: someone changed the RACI matrix after you opened the preview.")
        return _render_apply(request, project, status=409, changes=error.changes)
    except MatrixError as error:
        messages.error(request, "Nothing was applied: the result would break the RACI rules.")
        return _render_apply(request, project, errors=error.messages)
    if result.matrix.total:
        messages.success(request, _applied_message(result, replace=replace))
    else:
        messages.info(request, "Nothing to apply: the matrix already has every role the framework gives.")
    if result.unowned_after:
        steps = ", ".join(str(n) for n in result.unowned_after)
        messages.warning(
            request, f"Still without an Accountable person: step{'s' * (len(result.unowned_after) > 1)} {steps}."
        )
    return redirect("raci:matrix", slug=project.slug)


def _applied_message(result, *, replace: bool) -> str:
    parts = [f"{len(result.added)} role{'s' * (len(result.added) != 1)} added"]
    if replace:
        parts.append(f"{len(result.replaced)} hand-set role{'s' * (len(result.replaced) != 1)} replaced")
    elif result.kept:
        parts.append(f"{len(result.kept)} hand-set role{'s' * (len(result.kept) != 1)} kept")
    return "Framework applied: " + ", ".join(parts) + "."
