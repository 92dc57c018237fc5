"""Intake pages. Thin: find the request through the selectors (404 when the viewer
may not see it), check the rule early for a clean 403, parse, call a service, redirect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intake import selectors, services
from intake.forms import ApproveForm, ListFilterForm, PreviewForm, RequestForm, ReviewForm, TransitionForm, WaiveForm
from intake.models import ReviewKind
from intake.states import State
from inventory.selectors import overlaps as inventory_overlaps
from projects import access
from projects.forms import add_service_errors

PAGE_SIZE = 25


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def request_list(request):
    form = ListFilterForm(request.GET)
    filters = form.filters()
    shown, counts = selectors.request_list(request.user, **filters)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    state_query = request.GET.copy()
    for key in ("page", "state"):
        state_query.pop(key, None)
    context = {
        "form": form,
        "page": page,
        "counts": [(State(s), n) for s, n in counts.items()],
        "total": sum(counts.values()),
        "query": query.urlencode(),
        "state_query": state_query.urlencode(),
        "filtered": any(value not in ("", None, False) for value in filters.values()),
        "state": filters["state"],
        "may_decide": access.can_review_intake(request.user) or access.can_approve_intake(request.user),
    }
    return render(request, "intake/list.html", context)


@require_http_methods(["GET", "POST"])
def request_new(request):
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            intake_request = services.request_submit(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request is submitted: IT reviews it next. You can follow it here.")
            return redirect(intake_request)
    return render(request, "intake/request_form.html", {"form": form, "overlaps": _form_overlaps(form)})


def _form_overlaps(form: RequestForm) -> list:
    """The overlaps of what the form holds (bound or initial), for its first render."""
    if form.is_bound:
        category = form.cleaned_data.get("category") if hasattr(form, "cleaned_data") else None
        replaces = form.cleaned_data.get("replaces", []) if hasattr(form, "cleaned_data") else []
    else:
        category = form.initial.get("category")
        replaces = form.initial.get("replaces", [])
    if category is None and not replaces:
        return []
    return inventory_overlaps(category=category, replaces=list(replaces))


@require_GET
def overlaps(request):
    """The htmx fragment of the request form: what the chosen category and tools overlap with."""
    form = RequestForm(request.GET)
    form.is_valid()
    category = form.cleaned_data.get("category") if "category" not in form.errors else None
    replaces = form.cleaned_data.get("replaces", []) if "replaces" not in form.errors else []
    found = inventory_overlaps(category=category, replaces=list(replaces)) if category or replaces else []
    return render(request, "intake/_overlaps.html", {"overlaps": found, "asked": bool(category or replaces)})


@require_GET
def request_detail(request, pk):
    intake_request = selectors.request_for(request.user, pk)
    page = selectors.request_page(request.user, intake_request)
    context = {
        "r": intake_request,
        "page": page,
        "transition_form": TransitionForm(),
        "originals": (
            selectors.duplicate_choices(request.user, intake_request)[: selectors.DUPLICATE_CHOICES]
            if _may_duplicate(page)
            else None
        ),
        "review_kinds": ReviewKind,
    }
    return render(request, "intake/detail.html", context)


def _may_duplicate(page: selectors.RequestPage) -> bool:
    return any(move.to_state == State.DUPLICATE for move in page.moves)


@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    intake_request = selectors.request_for(request.user, pk)
    if not access.can_change_intake_request(request.user, requester_id=intake_request.requester_id):
        raise PermissionDenied("Only the person who asked changes a request.")
    if intake_request.state not in (State.SUBMITTED, State.NEEDS_INFORMATION):
        messages.error(
            request, f"This request is {intake_request.get_state_display().lower()}: it can no longer be changed."
        )
        return redirect(intake_request)
    if request.method == "POST":
        form = RequestForm(request.POST, instance=intake_request)
    else:
        form = RequestForm(instance=intake_request)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            services.request_update(
                actor=request.user, request=intake_request, expected_version=version, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            resubmitted = intake_request.state == State.NEEDS_INFORMATION
            messages.success(request, "Saved, and sent back for review." if resubmitted else "Your request is saved.")
            return redirect(intake_request)
    context = {"form": form, "r": intake_request, "overlaps": _form_overlaps(form)}
    return render(request, "intake/request_form.html", context)


@require_http_methods(["GET", "POST"])
def review(request, pk, kind):
    if kind not in ReviewKind.values:
        raise Http404("No such kind of review.")
    intake_request = selectors.request_for(request.user, pk)
    if not access.can_review_intake(request.user, requester_id=intake_request.requester_id):
        raise PermissionDenied("Only people in IT record the IT review, and never of a request they made.")
    form = ReviewForm(
        request.POST or None, checks=selectors.checks_for(kind), initial={"version": intake_request.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                actor=request.user,
                request=intake_request,
                kind=kind,
                answers=form.answers(),
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                conditions=form.cleaned_data["conditions"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{ReviewKind(kind).label} recorded.")
            return redirect(intake_request)
    context = {
        "r": intake_request,
        "form": form,
        "kind": ReviewKind(kind),
        "overlaps": selectors.request_page(request.user, intake_request).overlaps,
        "current": selectors.current_reviews(intake_request).get(kind),
    }
    return render(request, "intake/review_form.html", context)


@require_http_methods(["GET", "POST"])
def approve(request, pk):
    intake_request = selectors.request_for(request.user, pk)
    if not access.can_approve_intake(request.user, requester_id=intake_request.requester_id):
        raise PermissionDenied(
            "Only executives, the steering group and administrators approve, never their own request."
        )
    if request.method == "POST":
        form = ApproveForm(request.POST)
        if form.is_valid():
            project = _approve(request, intake_request, form)
            if project is not None:
                messages.success(request, f"Approved: the project “{project.name}” is created with its RACI matrix.")
                return redirect(project)
        people = PreviewForm(request.POST).people()
    else:
        # A preview (htmx, or the "Preview" button without script) sends the form by GET: keep what it held.
        preview_form = PreviewForm(request.GET) if request.GET else None
        people = preview_form.people() if preview_form else _proposed(intake_request)
        given = preview_form.given() if preview_form else {}
        form = ApproveForm(initial={**_proposed(intake_request), **given, "version": intake_request.version})
    context = {
        "r": intake_request,
        "form": form,
        "preview": selectors.approval_preview(people),
        "blockers": selectors.approval_blockers(intake_request) if intake_request.state == State.IN_REVIEW else [],
        "closed": intake_request.state != State.IN_REVIEW,
    }
    template = "intake/_approval_preview.html" if request.htmx and request.method == "GET" else "intake/approve.html"
    return render(request, template, context)


def _approve(request, intake_request, form: ApproveForm):
    data = form.cleaned_data
    try:
        return services.request_approve(
            actor=request.user,
            request=intake_request,
            decision_note=data["decision_note"],
            owner=data["owner"],
            marketing_sponsor=data["marketing_sponsor"],
            it_sponsor=data["it_sponsor"],
            it_lead=data["it_lead"],
            target_launch=data.get("target_launch"),
            expected_version=data.get("version"),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _proposed(intake_request) -> dict:
    """Who the approval form proposes before anyone is chosen: the requester owns it."""
    return {"owner": intake_request.requester if intake_request.requester.is_active else None}


@require_POST
def transition(request, pk):
    intake_request = selectors.request_for(request.user, pk)
    originals = selectors.duplicate_choices(request.user, intake_request)
    form = TransitionForm(request.POST, originals=originals)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(intake_request)
    data = form.cleaned_data
    try:
        services.request_transition(
            actor=request.user,
            request=intake_request,
            to_state=data["to_state"],
            reason=data["reason"],
            duplicate_of=data.get("duplicate_of"),
            expected_version=data.get("version"),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"The request is now: {State(data['to_state']).label.lower()}.")
    return redirect(intake_request)


@require_POST
def waive(request, pk):
    intake_request = selectors.request_for(request.user, pk)
    if not access.can_approve_intake(request.user, requester_id=intake_request.requester_id):
        raise PermissionDenied("Only executives, the steering group and administrators waive a review.")
    form = WaiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the integration and overlap review is not needed.")
        return redirect(intake_request)
    try:
        services.review_waive(
            actor=request.user,
            request=intake_request,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "The integration and overlap review is waived; the reason is on the record.")
    return redirect(intake_request)
