"""The committee's pages: thin, the rules in ``projects.access`` and ``committee.services``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committee import emails, selectors, services
from committee.forms import ActionForm, DecideForm, MeetingForm, MinutesForm
from committee.models import Action, Meeting
from projects import access
from projects.forms import add_service_errors
from projects.services import StaleEdit

PER_PAGE = 20


def _seen_meeting(request, pk: int) -> Meeting:
    return selectors.meeting_for(request.user, pk)


def _run_meeting(request, pk: int) -> Meeting:
    """The meeting, for a member (404 for whoever may not see the committee, 403 for a reader)."""
    meeting = _seen_meeting(request, pk)
    if not access.can_run_committee(request.user):
        raise PermissionDenied(services.NOT_A_MEMBER)
    return meeting


def _kept(form_class, post, stale: StaleEdit):
    """After a stale save: the person's input kept as typed, the current version to save
    against, and the refusal at the top (nothing was saved; saving again overwrites)."""
    data = post.copy()
    data["version"] = str(stale.version)
    form = form_class(data)
    form.is_valid()
    form.add_error(None, stale)
    return form


def _errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _meeting_action(request, pk: int, service, success: str):
    """A member's one-button action on a meeting: the service, then its message or its refusal."""
    meeting = _run_meeting(request, pk)
    try:
        service(actor=request.user, meeting=meeting)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, success)
    return redirect(meeting)


@require_GET
def members(request):
    context = {"members": selectors.members(), "can_see": access.can_see_committee(request.user)}
    return render(request, "committee/members.html", context)


@require_GET
def meeting_list(request):
    if not access.can_see_committee(request.user):
        raise access.NotVisible("No such page.")
    page = Paginator(selectors.meetings(request.user).select_related("minuted_by"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "next": selectors.next_meeting(request.user),
        "can_run": access.can_run_committee(request.user),
        "missing_sides": selectors.members().missing_sides,
    }
    return render(request, "committee/meeting_list.html", context)


def _save_meeting(request, form: MeetingForm, meeting: Meeting | None):
    data = form.cleaned_data
    return services.meeting_save(
        actor=request.user,
        meeting=meeting,
        title=data["title"],
        starts_at=data["starts_at"],
        duration_minutes=data["duration_minutes"],
        location=data["location"],
        call_link=data["call_link"],
        attendees=list(data["attendees"]),
        expected_version=data.get("version"),
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request):
    if not access.can_see_committee(request.user):
        raise access.NotVisible("No such page.")
    if not access.can_run_committee(request.user):
        raise PermissionDenied(services.NOT_A_MEMBER)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = _save_meeting(request, form, None)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Meeting created; its agenda is generated from the portfolio.")
            return redirect(meeting)
    return render(request, "committee/meeting_form.html", {"form": form, "meeting": None})


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _run_meeting(request, pk)
    if request.method == "GET":
        form = MeetingForm(initial=MeetingForm.initial_of(meeting))
        return render(request, "committee/meeting_form.html", {"form": form, "meeting": meeting})
    form, status = MeetingForm(request.POST), 200
    if form.is_valid():
        try:
            _save_meeting(request, form, meeting)
        except StaleEdit as stale:
            form, status = _kept(MeetingForm, request.POST, stale), 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Meeting saved.")
            return redirect(meeting)
    return render(request, "committee/meeting_form.html", {"form": form, "meeting": meeting}, status=status)


def _page_context(request, meeting: Meeting, bound: dict | None = None) -> dict:
    page = selectors.meeting_page(request.user, meeting)
    forms = {}
    if page.can_edit:
        people = list(access.pickable_people())
        forms = {item.pk: DecideForm(item=item, people=people) for item in page.items if not item.decision}
        forms.update(bound or {})
    visible = set(
        access.visible_projects(request.user)
        .filter(pk__in=[i.project_id for i in page.items if i.project_id])
        .values_list("pk", flat=True)
    )
    for item in page.items:
        item.form = forms.get(item.pk)
        item.linked_project = item.project if item.project_id in visible else None
    return {
        "page": page,
        "meeting": meeting,
        "action_form": (bound or {}).get("action") or (ActionForm(meeting=meeting) if page.can_edit else None),
    }


@require_GET
def meeting_detail(request, pk):
    meeting = _seen_meeting(request, pk)
    return render(request, "committee/meeting.html", _page_context(request, meeting))


@require_POST
def agenda_generate(request, pk):
    return _meeting_action(
        request, pk, services.agenda_generate, "The agenda is regenerated from the portfolio as it stands now."
    )


@require_POST
def agenda_send(request, pk):
    return _meeting_action(
        request, pk, services.agenda_send, "The agenda is on its way to the members and attendees, with an invitation."
    )


@require_POST
def item_decide(request, pk, item_pk):
    meeting = _run_meeting(request, pk)
    item = get_object_or_404(meeting.items.select_related("intake_request", "meeting"), pk=item_pk)
    form = DecideForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.item_decide(
                actor=request.user,
                item=item,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                approval=form.approval(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Decided: {item.title} ({form.cleaned_data['decision']}).")
            return redirect(f"{meeting.get_absolute_url()}#item-{item.pk}")
    context = _page_context(request, meeting, {item.pk: form})
    return render(request, "committee/meeting.html", context, status=400)


@require_http_methods(["GET", "POST"])
def minutes(request, pk):
    meeting = _seen_meeting(request, pk)
    if not access.can_run_committee(request.user):
        raise PermissionDenied("Only members of the steering committee write its minutes.")
    if meeting.is_minuted:
        messages.error(request, services.MINUTED)
        return redirect(meeting)
    if request.method == "GET":
        form = MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version})
        return render(request, "committee/minutes_form.html", {"form": form, "meeting": meeting})
    form, status = MinutesForm(request.POST), 200
    if form.is_valid():
        try:
            services.minutes_save(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            form, status = _kept(MinutesForm, request.POST, stale), 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Minutes saved.")
            return redirect(meeting)
    return render(request, "committee/minutes_form.html", {"form": form, "meeting": meeting}, status=status)


@require_POST
def meeting_minute(request, pk):
    return _meeting_action(
        request, pk, services.meeting_minute, "The meeting is minuted; the minutes are on their way to the members."
    )


@require_GET
def invitation(request, pk):
    meeting = _seen_meeting(request, pk)
    response = HttpResponse(emails.invitation(meeting, method="PUBLISH"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="committee-meeting-{meeting.pk}.ics"'
    return response


@require_POST
def action_add(request, pk):
    meeting = _run_meeting(request, pk)
    form = ActionForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_add(
                actor=request.user,
                meeting=meeting,
                owner=data["owner"],
                due=data["due"],
                description=data["description"],
                item=data["item"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action given to {data['owner'].display_name}.")
            return redirect(f"{meeting.get_absolute_url()}#actions")
    return render(request, "committee/meeting.html", _page_context(request, meeting, {"action": form}), status=400)


@require_POST
def action_done(request, pk):
    action = Action.objects.select_related("meeting").filter(pk=pk).first()
    if action is None:
        raise Http404("No such action.")
    done = request.POST.get("done", "1") != "0"
    try:
        services.action_done(actor=request.user, action=action, done=done)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "Action marked done." if done else "Action open again.")
    target = request.POST.get("next", "")
    if target == "meeting" and access.can_see_committee(request.user):
        return redirect(f"{action.meeting.get_absolute_url()}#actions")
    return redirect("my_work")
