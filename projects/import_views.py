"""Importing projects from CSV: upload → preview (every row with its errors) → confirm.
Thin: the rows are read by ``projects.importing`` and written by ``projects.import_services``;
the signed preview is ``common.csv_import``'s."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from common import csv_import, tabular
from projects import access, import_services, importing

IMPORT_SALT = "projects.import"
CREATED_KEY = "projects.imported"  # the projects just imported, listed once after the redirect
CREATED_KEY = "projects.imported"  # the projects just imported, listed once after the redirect


@require_http_methods(["GET", "POST"])
def project_import(request):
    """Nothing is written until the confirmation, and then only if every row is still valid.
    Who: anyone active (each project owned by themselves unless they are an executive or
    an administrator); the service checks every row again."""
    access.require(request.user, None, access.can_create_project(request.user), "Only active people create projects.")
    context = {
        "columns": importing.COLUMNS,
        "max_rows": importing.MAX_ROWS,
        "names_owners": access.sees_everything(request.user),
        "import_url": reverse("projects:import"),
        "template_url": reverse("projects:import_template"),
        "noun": "project",
        "done": "created",
    }
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request, context)
    form = csv_import.CsvUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    context["form"] = form
    if request.method == "GET" and CREATED_KEY in request.session:
        created = request.session.pop(CREATED_KEY)
        context["created"] = access.visible_projects(request.user).filter(pk__in=created).order_by("name")
    if request.method == "POST" and form.is_valid():
        try:
            rows = importing.read_csv(form.cleaned_data["file"].read())
            result = import_services.projects_import(actor=request.user, rows=rows, dry_run=True)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            payload = csv_import.sign_rows(rows, salt=IMPORT_SALT, user_pk=request.user.pk) if result.valid else ""
            context |= {"result": result, "payload": payload}
    return render(request, "projects/import.html", context)


def _confirm(request, context: dict):
    rows = csv_import.unsign_rows(request.POST["payload"], salt=IMPORT_SALT, user_pk=request.user.pk)
    if rows is None:
        messages.error(request, "This preview expired or was altered; nothing was imported. Upload the file again.")
        return redirect("projects:import")
    try:
        result = import_services.projects_import(actor=request.user, rows=rows, dry_run=False)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("projects:import")
    if not result.valid:  # something changed since the preview
        context |= {"form": csv_import.CsvUploadForm(), "result": result, "payload": "", "changed_since": True}
        return render(request, "projects/import.html", context)
    count = len(result.created)
    messages.success(
        request, f"Imported {count} project{'s' if count != 1 else ''}, each with its ten lifecycle steps."
    )
    request.session[CREATED_KEY] = [project.pk for project in result.created]
    return redirect("projects:import")


@require_GET
def import_template(request):
    """The CSV template: the header row of the import's columns."""
    return tabular.csv_response(importing.template_rows(), f"tandem-projects-template-{timezone.localdate():%Y-%m-%d}")
