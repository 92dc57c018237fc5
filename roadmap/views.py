"""Roadmap pages. Thin: read through the selectors for the viewer, check the rule early for a clean
403 (the services refuse on their own too), call a service, redirect. Bad filter values are reported
and ignored, a bad year is a 404: never a 500."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import tabular
from common.querystring import changed_query
from common.stale_forms import reapplied
from projects import access
from projects.forms import add_service_errors
from projects.services import StaleEdit
from roadmap import exports, selectors, services
from roadmap.filters import RoadmapFilter
from roadmap.forms import VISION_FIELDS, MarkForm, VisionForm
from roadmap.models import FIRST_YEAR, LAST_YEAR, Vision
from roadmap.quarters import Quarter

PAGE_SIZE = 50
YEAR = re.compile(r"[0-9]{4}")


def _filtered(request):
    """The filter set and the projects it selects; each invalid filter is reported and ignored."""
    filterset = RoadmapFilter(request.GET, queryset=selectors.roadmap_projects(request.user), viewer=request.user)
    projects = filterset.qs
    for name, errors in filterset.form.errors.items():
        label = filterset.form.fields[name].label if name in filterset.form.fields else name
        messages.warning(request, f"The filter “{label}” was ignored: {' '.join(errors)}")
    return filterset, projects


def _start(request) -> Quarter:
    """The window's first quarter (``?start=2026-Q3``); the current quarter when absent or invalid."""
    current = Quarter.of(timezone.localdate())
    code = request.GET.get("start", "")
    if not code:
        return current
    start = Quarter.parse(code)
    if start is None:
        messages.warning(request, f"“{code[:20]}” is not a quarter like {current.code}: showing from {current.label}.")
        return current
    return start


def _page(request, projects, count: int, param: str):
    paginator = Paginator(selectors.for_rows(projects), PAGE_SIZE)
    paginator.count = count  # counted already, with the buckets
    page = paginator.get_page(request.GET.get(param))
    page.object_list = selectors.items(request.user, page.object_list)
    return page


def _groups(items) -> list[tuple]:
    """The page's items under their quarters, in order."""
    groups: list[tuple] = []
    for item in items:
        if not groups or groups[-1][0] != item.quarter:
            groups.append((item.quarter, []))
        groups[-1][1].append(item)
    return groups


@require_GET
def index(request):
    filterset, projects = _filtered(request)
    start = _start(request)
    buckets = selectors.buckets(projects, start)
    in_window = sum(b.count for b in buckets if b.key not in ("before", "after", "unscheduled"))
    page = _page(request, selectors.in_window(projects, start), in_window, "page")
    unplanned = _page(request, selectors.unscheduled(projects), buckets[-1].count, "upage")
    year = timezone.localdate().year
    context = {
        "filterset": filterset,
        "filtered": bool(filterset.active),
        "start": start,
        "buckets": buckets,
        "groups": _groups(page.object_list),
        "page": page,
        "unplanned": unplanned,
        "query": changed_query(request.GET, page=None),
        "uquery": changed_query(request.GET, upage=None),
        "filter_query": changed_query(request.GET, page=None, upage=None, start=None),
        "export_query": changed_query(request.GET, page=None, upage=None, start=None),
        "year": year,
        "vision": selectors.vision_for(year),
        "may_write_vision": access.sees_everything(request.user),
        "in_review": selectors.requests_in_review(request.user),
        "mark_form": MarkForm(),
        "back": request.get_full_path(),
    }
    return render(request, "roadmap/index.html", context)


@require_GET
def export(request, fmt):
    if fmt not in tabular.FORMATS:
        raise Http404("Unknown export format.")
    _, projects = _filtered(request)
    rows = exports.rows(request.user, projects)
    return tabular.table_response(rows, "roadmap", fmt, title="Joint roadmap")


@require_GET
def launches(request):
    """The launch dates of the filtered roadmap as an iCalendar file (downloaded with the viewer's session)."""
    _, projects = _filtered(request)
    return exports.ics_response(request, projects)


def _year(raw: str | None) -> int:
    if not raw:
        return timezone.localdate().year
    if not YEAR.fullmatch(raw) or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        raise Http404("No such year.")
    return int(raw)


@require_http_methods(["GET", "POST"])
def vision(request):
    """Write the shared vision of ``?year=`` (default: this year): executives and administrators."""
    year = _year(request.GET.get("year"))
    if not access.sees_everything(request.user):
        raise PermissionDenied("Only executives and administrators write the shared vision.")
    current = Vision.objects.filter(year=year).first()
    instance = current or Vision(year=year)
    context = {"year": year, "vision": current, "years": (year - 1, year + 1)}
    if request.method == "GET":
        form = VisionForm(instance=instance, initial={"version": current.version if current else 0})
        return render(request, "roadmap/vision_form.html", {**context, "form": form})
    form, status = VisionForm(request.POST, instance=instance), 200
    if form.is_valid():
        try:
            services.vision_save(
                actor=request.user,
                year=year,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            fresh = Vision.objects.get(year=year)
            form, status = reapplied(VisionForm, request.POST, fresh, None, stale, VISION_FIELDS), 409
            context["vision"] = fresh
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The shared vision for {year} is saved.")
            return redirect(reverse("roadmap:index") if year == timezone.localdate().year else request.get_full_path())
    return render(request, "roadmap/vision_form.html", {**context, "form": form}, status=status)


def _back(request, raw: str) -> str:
    index = reverse("roadmap:index")
    safe = url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return raw if raw and safe and raw.startswith(index) else index


@require_POST
def mark(request, slug):
    """Mark a project a quick win or strategic (or back to the default): those who manage it."""
    project = access.get_project_or_404(request.user, slug, access.Action.MANAGE)
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose quick win, strategic or the default.")
        return redirect(_back(request, form.data.get("back", "")))
    kind = form.cleaned_data["kind"]
    services.mark_set(actor=request.user, project=project, kind=kind)
    label = dict(form.fields["kind"].choices)[kind].lower()
    messages.success(
        request, f"“{project.name}” is now marked {label}." if kind else f"“{project.name}” shows its default mark."
    )
    return redirect(_back(request, form.cleaned_data["back"]))
