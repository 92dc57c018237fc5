"""Project writes: create, edit, plan a step. Thin: authorize, parse, call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.stale_forms import reapplied
from projects import selectors, services
from projects.access import Action, get_project_or_404, get_step_or_404
from projects.forms import PlanForm, ProjectForm, StepForm, add_service_errors, suggested_due_dates
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
            form, status = reapplied(ProjectForm, request.POST, project, opened, stale, PROJECT_FIELDS), 409
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
            form, status = reapplied(StepForm, request.POST, step, opened, stale, STEP_PLAN_FIELDS), 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Step {step.number}, {step.name}, saved.")
            return redirect(project)
    context = {"form": form, "project": project, "step": step}
    return render(request, "projects/step_form.html", context, status=status)


def _step_versions(project: Project) -> dict[int, int]:
    """Each step's version (``selectors.step_version``), by step id, in one query."""
    rows = (
        LifecycleStep.history.filter(project_id=project.pk)
        .values("id")
        .annotate(version=Max("history_id"))
        .values_list("id", "version")
    )
    return dict(rows)


def _plan_form(project: Project, data=None, *, fill: bool = False) -> PlanForm:
    steps = list(project.steps.order_by("number"))
    suggestions = suggested_due_dates(project.target_launch, today=timezone.localdate())
    return PlanForm(data, steps=steps, versions=_step_versions(project), suggestions=suggestions, fill=fill)


@require_http_methods(["GET", "POST"])
def steps_plan(request, slug):
    """Plan all ten steps on one page: due dates suggested backwards from the
    target launch, each adjustable; only the dates changed are saved, all or nothing."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    if request.method == "GET":
        form = _plan_form(project, fill=request.GET.get("suggest") == "all")
        return render(request, "projects/plan.html", {"form": form, "project": project})
    form = _plan_form(project, request.POST)
    if form.is_valid():
        plans, versions = form.changes()
        try:
            changed = services.steps_plan(actor=request.user, project=project, plans=plans, expected_versions=versions)
        except ValidationError as error:
            form = _plan_reopened(project, request.POST, error)
        else:
            messages.success(request, _plan_saved(changed))
            return redirect(project)
    return render(request, "projects/plan.html", {"form": form, "project": project})


def _plan_reopened(project: Project, posted, error: ValidationError) -> PlanForm:
    """The plan after a refused save: every date the person changed kept, the
    others as they are now, each step at its current version (saving again
    applies their changes over whatever changed meanwhile, which the messages name)."""
    fresh = {s.number: s for s in project.steps.all()}
    data = posted.copy()
    for number, step in fresh.items():
        now = step.due_date.isoformat() if step.due_date else ""
        if data.get(f"due_{number}", "") == data.get(f"opened_{number}", ""):
            data[f"due_{number}"] = now
        data[f"opened_{number}"] = now
    versions = _step_versions(project)
    for number, step in fresh.items():
        data[f"version_{number}"] = str(versions.get(step.pk, 0))
    form = _plan_form(project, data)
    form.is_valid()
    add_service_errors(form, error)
    return form


def _plan_saved(changed: list[LifecycleStep]) -> str:
    if not changed:
        return "Nothing changed in the plan."
    numbers = ", ".join(str(step.number) for step in changed)
    return f"Plan saved: {len(changed)} due date{'s' if len(changed) != 1 else ''} set (step{'s' if len(changed) != 1 else ''} {numbers})."
