"""Stack inventory pages. Thin: authorize through projects.access, parse, call a service or selector, render.

Everyone signed in sees the stack; only inventory managers
(``projects.access.can_manage_inventory``) see the buttons that change it, and
anyone else gets 403 on those pages (the services refuse on their own too).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from common import csv_import, tabular
from common.stale_forms import reapplied
from inventory import importing, selectors, services
from inventory.forms import ImportUploadForm, ToolForm
from inventory.models import Tool
from projects.access import can_manage_inventory, visible_projects
from projects.forms import add_service_errors
from projects.services import StaleEdit

IMPORT_SALT = "inventory.import"
IMPORT_MAX_AGE = csv_import.PREVIEW_MAX_AGE  # a preview may be confirmed for an hour


def _require_manager(request) -> None:
    if not can_manage_inventory(request.user):
        raise PermissionDenied(services.REFUSAL)


@require_GET
def tool_list(request):
    listing = selectors.tool_list(request.user, request.GET)
    manager = can_manage_inventory(request.user)
    context = {
        "listing": listing,
        "page": listing.page,
        "can_manage": manager,
        "awaiting": selectors.projects_awaiting_tool(request.user) if manager else [],
        "window": selectors.RENEWAL_WINDOW_DAYS,
    }
    template = (
        "inventory/_table.html" if request.htmx and request.htmx.target == "tool-table" else "inventory/list.html"
    )
    return render(request, template, context)


def _initial_from_project(request) -> dict:
    """A new tool for a finished project's chosen vendor (the "Add to the stack" link)."""
    slug = request.GET.get("project", "")
    project = visible_projects(request.user).filter(slug=slug).first() if slug else None
    decision = selectors.standing_decision(project) if project else None
    if decision is None:
        return {}
    candidate = decision.candidate
    return {
        "name": candidate.name,
        "vendor": "Built in-house" if candidate.build_in_house else candidate.name,
        "project": project.pk,
        "owner_side": project.budget_owner_side,
        "business_owner": project.marketing_sponsor_id or project.owner_id,
        "it_owner": project.it_lead_id or project.it_sponsor_id,
    }


@require_http_methods(["GET", "POST"])
def tool_new(request):
    _require_manager(request)
    if request.method == "GET":
        form = ToolForm(user=request.user, initial=_initial_from_project(request))
        return render(request, "inventory/tool_form.html", {"form": form, "tool": None})
    form = ToolForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            tool = services.tool_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{tool.name} added to the stack.")
            return redirect(tool)
    return render(request, "inventory/tool_form.html", {"form": form, "tool": None})


@require_GET
def tool_detail(request, pk):
    tool = selectors.tool_of(request.user, pk)
    context = {
        "tool": tool,
        "history_page": Paginator(selectors.tool_history(tool), selectors.PAGE_SIZE).get_page(
            request.GET.get("history")
        ),
        "can_manage": can_manage_inventory(request.user),
        "project_visible": tool.project is not None
        and visible_projects(request.user).filter(pk=tool.project_id).exists(),
        "overlaps": [o for o in selectors.overlaps(category=tool.category) if o.tool.pk != tool.pk],
    }
    return render(request, "inventory/tool_detail.html", context)


@require_http_methods(["GET", "POST"])
def tool_edit(request, pk):
    _require_manager(request)
    tool = selectors.tool_of(request.user, pk)
    if request.method == "GET":
        version = selectors.tool_version(tool)  # the version first: the page is never older than it
        tool.refresh_from_db()
        form = ToolForm(instance=tool, user=request.user, initial={"version": version})
        return render(request, "inventory/tool_form.html", {"form": form, "tool": tool})
    form = ToolForm(request.POST, instance=Tool.objects.get(pk=tool.pk), user=request.user)
    status = 200
    if form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        try:
            services.tool_update(
                actor=request.user, tool=tool, expected_version=form.cleaned_data["version"], **changed
            )
        except StaleEdit as stale:
            form, status = _reapplied(request, tool, stale), 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{tool.name} saved." if changed else "Nothing changed.")
            return redirect(tool)
    return render(request, "inventory/tool_form.html", {"form": form, "tool": tool}, status=status)


def _reapplied(request, tool: Tool, stale: StaleEdit) -> ToolForm:
    """After a stale save: the current values with the person's own changes on
    top and the current version (``common.stale_forms``)."""
    opened = selectors.tool_as_of(tool, int(request.POST.get("version") or 0))
    fresh = Tool.objects.get(pk=tool.pk)
    return reapplied(ToolForm, request.POST, fresh, opened, stale, services.TOOL_FIELDS, user=request.user)


@require_http_methods(["GET", "POST"])
def tool_retire(request, pk):
    _require_manager(request)
    tool = selectors.tool_of(request.user, pk)
    if request.method == "POST":
        try:
            services.tool_retire(actor=request.user, tool=tool)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{tool.name} is retired. It stays in the history of the stack.")
        return redirect(tool)
    return render(request, "inventory/tool_retire.html", {"tool": tool})


# --- Import --------------------------------------------------------------------------------------------------


def _signed(request, rows: list[dict]) -> str:
    """The file's rows, signed for this person, carried by the preview to the confirmation."""
    return csv_import.sign_rows(rows, salt=IMPORT_SALT, user_pk=request.user.pk)


def _unsigned(request, payload: str) -> list[dict] | None:
    return csv_import.unsign_rows(payload, salt=IMPORT_SALT, user_pk=request.user.pk, max_age=IMPORT_MAX_AGE)


@require_http_methods(["GET", "POST"])
def tool_import(request):
    """Upload → preview (every row with its errors, or "will be added") → confirm.
    Nothing is written until the confirmation, and then only if every row is valid."""
    _require_manager(request)
    context = {
        "columns": importing.COLUMNS,
        "categories": selectors.active_categories(),
        "import_url": reverse("inventory:tool_import"),
        "template_url": reverse("inventory:import_template"),
        "noun": "tool",
        "done": "added",
    }
    if request.method == "POST" and "payload" in request.POST:
        return _import_confirm(request, context)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            rows = importing.read_csv(form.cleaned_data["file"].read())
            result = services.tools_import(actor=request.user, rows=rows, dry_run=True)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            context |= {"result": result, "payload": _signed(request, rows) if result.valid else ""}
    return render(request, "inventory/import.html", context)


def _import_confirm(request, context: dict):
    rows = _unsigned(request, request.POST["payload"])
    if rows is None:
        messages.error(request, "This preview expired or was altered; nothing was imported. Upload the file again.")
        return redirect("inventory:tool_import")
    try:
        result = services.tools_import(actor=request.user, rows=rows, dry_run=False)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("inventory:tool_import")
    if not result.valid:  # something changed in the stack since the preview
        context |= {"form": ImportUploadForm(), "result": result, "payload": "", "changed_since": True}
        return render(request, "inventory/import.html", context)
    count = len(result.created)
    messages.success(request, f"Imported {count} tool{'s' if count != 1 else ''} into the stack.")
    return redirect("inventory:tool_list")


@require_GET
def import_template(request):
    """The CSV template: the header row of the import's columns."""
    return tabular.csv_response(importing.template_rows(), f"tandem-stack-template-{timezone.localdate():%Y-%m-%d}")
