"""Project writes: create, edit, plan a step. Thin: authorize, parse, call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from projects import services
from projects.access import Action, get_project_or_404, get_step_or_404
from projects.forms import ProjectForm, StepForm, add_service_errors


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
    form = ProjectForm(request.POST if request.method == "POST" else None, instance=project)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.project_update(actor=request.user, project=project, **changed)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Project saved." if changed else "Nothing changed.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@require_http_methods(["GET", "POST"])
def step_edit(request, slug, number):
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    step = get_step_or_404(project, number)
    form = StepForm(request.POST if request.method == "POST" else None, instance=step)
    if request.method == "POST" and form.is_valid():
        services.step_update(
            actor=request.user, step=step, due_date=form.cleaned_data["due_date"], outcome=form.cleaned_data["outcome"]
        )
        messages.success(request, f"Step {step.number}, {step.name}, saved.")
        return redirect(project)
    return render(request, "projects/step_form.html", {"form": form, "project": project, "step": step})
