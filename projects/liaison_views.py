"""Naming liaisons: the organization's (a page everyone reads, executives and
administrators change) and a project's (those who manage it). Thin: authorize, parse, call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from projects import access, liaison_services, liaisons
from projects.access import Action, get_project_or_404
from projects.forms import add_service_errors
from projects.liaison_forms import LiaisonsForm
from projects.models import Liaison


def _saved_message(changed: list[str]) -> str:
    return "Liaisons saved." if changed else "Nothing changed."


@require_http_methods(["GET", "POST"])
def organization_liaisons(request):
    """The organization's Marketing and IT liaisons: read by everyone, changed by
    executives and administrators (``access.can_name_organization_liaisons``)."""
    can_edit = access.can_name_organization_liaisons(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(liaison_services.ORGANIZATION_REFUSAL)
    current = liaisons.organization_liaisons()
    form = LiaisonsForm(request.POST if request.method == "POST" else None, current=current) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            changed = liaison_services.liaisons_save(actor=request.user, people=form.people())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved_message(changed))
            return redirect("projects:liaisons")
    context = {
        "form": form,
        "sides": liaisons.side_rows({side: (p, False) if p else None for side, p in current.items()}),
        "project": None,
        "history": _history(None),
    }
    return render(request, "projects/liaisons.html", context)


@require_http_methods(["GET", "POST"])
def project_liaisons(request, slug):
    """A project's own liaisons, standing in for the organization's: those who manage it."""
    project = get_project_or_404(request.user, slug, Action.MANAGE)
    found = liaisons.liaisons_for(project)
    own = {side: (pair[0] if pair and not pair[1] else None) for side, pair in found.items()}
    organization = liaisons.organization_liaisons()
    form = LiaisonsForm(request.POST if request.method == "POST" else None, current=own, fallback=organization)
    if request.method == "POST" and form.is_valid():
        try:
            changed = liaison_services.liaisons_save(actor=request.user, people=form.people(), project=project)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved_message(changed))
            return redirect(project)
    context = {"form": form, "sides": liaisons.side_rows(found), "project": project, "history": _history(project)}
    return render(request, "projects/liaisons.html", context)


def _history(project) -> list:
    """The last changes of these liaisons (who named whom, when), newest first."""
    records = Liaison.history.filter(project=project) if project else Liaison.history.filter(project__isnull=True)
    return list(records.select_related("user", "history_user").order_by("-history_date")[:10])
