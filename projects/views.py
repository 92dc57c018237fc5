"""Project writes: create, edit, plan a step. Thin: authorize, parse, call."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from projects import selectors, services
from projects.access import Action, get_project_or_404, get_step_or_404
from projects.forms import ProjectForm, StepForm, add_service_errors
from projects.models import LifecycleStep, Project
from projects.services import PROJECT_FIELDS, STEP_PLAN_FIELDS, StaleEdit


@require_http_methods(["GET", "POST"])
def project_create(request):
    form = ProjectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Project “{project.name}” created with its ten lifecycle steps.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@require_http_methods(["GET", "POST"])
def project_edit(request, slug):
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    if request.method == "GET":
        # The version first, then the project: the page is never older than its version.
        version = selectors.project_version(project)
        project.refresh_from_db()
        form = ProjectForm(instance=project, initial={"version": version})
        return render(request, "projects/project_form.html", {"form": form, "project": project})
    form = ProjectForm(request.POST, instance=project)
    status = 200
    if form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        try:
            services.project_update(
                actor=request.user, project=project, expected_version=form.cleaned_data["version"], **changed
            )
        except StaleEdit as stale:
            opened = selectors.project_as_of(project, form.cleaned_data["version"] or 0)
            project = Project.objects.get(pk=project.pk)
            form, status = _reapplied(ProjectForm, request, project, opened, stale, PROJECT_FIELDS), 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Project saved." if changed else "Nothing changed.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project}, status=status)


@require_http_methods(["GET", "POST"])
def step_edit(request, slug, number):
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    step = get_step_or_404(project, number)
    if request.method == "GET":
        version = selectors.step_version(step)
        step.refresh_from_db()
        form = StepForm(instance=step, initial={"version": version})
        return render(request, "projects/step_form.html", {"form": form, "project": project, "step": step})
    form = StepForm(request.POST, instance=step)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.step_update(
                actor=request.user,
                step=step,
                due_date=data["due_date"],
                outcome=data["outcome"],
                expected_version=data["version"],
            )
        except StaleEdit as stale:
            opened = selectors.step_as_of(step, data["version"] or 0)
            step = LifecycleStep.objects.get(pk=step.pk)
            form, status = _reapplied(StepForm, request, step, opened, stale, STEP_PLAN_FIELDS), 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Step {step.number}, {step.name}, saved.")
            return redirect(project)
    context = {"form": form, "project": project, "step": step}
    return render(request, "projects/step_form.html", context, status=status)


def _reapplied(form_class, request, fresh: Model, opened: Model | None, stale: StaleEdit, fields) -> object:
    """The form after a stale save: the current values, with the user's own
    changes (what differs from the page as opened) on top, and the current
    version, so saving again applies their changes and never undoes the other
    save. The refusal, with what changed meanwhile, is at the top."""
    now = form_class(instance=fresh).initial
    before = form_class(instance=opened).initial if opened is not None else None
    data = request.POST.copy()
    for name in fields:
        field = form_class.base_fields[name]
        if before is not None and not field.has_changed(before.get(name), data.get(name)):
            data[name] = _as_posted(now.get(name))
    data["version"] = str(stale.version)
    form = form_class(data, instance=fresh)
    form.is_valid()
    form.add_error(None, stale)
    return form


def _as_posted(value) -> str:
    """A form's initial value as a browser would post it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)
