"""A step's duties page (acknowledgement, consultations, who is informed) and its forms,
and the signed one-click link that accepts accountability. Thin: authorize, parse, call."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.models import User
from projects.access import (
    Action,
    can_acknowledge,
    can_answer_consultation,
    can_waive_consultation,
    get_project_or_404,
    get_step_or_404,
)
from raci import duties
from raci.duties_services import (
    MAX_TEXT,
    acknowledgement_accept,
    acknowledgement_decline,
    consultation_answer,
    consultation_waive,
)
from raci.models import Acknowledgement, AcknowledgementState, ConsultationAnswer


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Why do you decline?", max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ConsultationForm(forms.Form):
    answer = forms.ChoiceField(
        label="Your answer",
        choices=[(ConsultationAnswer.AGREE, "I agree"), (ConsultationAnswer.CONCERNS, "I have concerns")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment (required with concerns)",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == ConsultationAnswer.CONCERNS and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what your concerns are.")
        return data


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label="Why go ahead without this answer?", max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


def _awaiting(step) -> Acknowledgement | None:
    return Acknowledgement.objects.filter(step=step, state=AcknowledgementState.AWAITING).first()


def _page(request, project, step, status: int = 200, **forms_given):
    state = duties.step_duties(step)
    viewer = request.user
    awaiting = state.acknowledgement if state.acknowledgement and state.acknowledgement.state == "awaiting" else None
    consulted_ids = {person.pk for person, _ in state.consultations}
    context = {
        "project": project,
        "step": step,
        "duties": state,
        "awaiting": awaiting,
        "may_acknowledge": awaiting is not None and can_acknowledge(viewer, accountable_id=awaiting.user_id),
        "may_answer": step.status != "done" and can_answer_consultation(viewer, consulted_ids=consulted_ids),
        "may_waive": step.status != "done"
        and can_waive_consultation(viewer, accountable_id=state.accountable.pk if state.accountable else None),
        "decline_form": forms_given.get("decline_form") or DeclineForm(),
        "consult_form": forms_given.get("consult_form") or ConsultationForm(),
        "waive_form": forms_given.get("waive_form") or WaiveForm(),
        "waive_person": forms_given.get("waive_person"),
    }
    return render(request, "raci/step_duties.html", context, status=status)


def _back(project, step):
    return redirect("raci:step_duties", slug=project.slug, number=step.number)


@require_GET
def step_duties(request, slug, number):
    """The step's duties: its Accountable person's acknowledgement, its consultations, its history."""
    project = get_project_or_404(request.user, slug, Action.VIEW)
    step = get_step_or_404(project, number)
    return _page(request, project, step)


def _acknowledgement_or_back(request, project, step):
    awaiting = _awaiting(step)
    if awaiting is None:
        messages.info(request, "Nothing on this step awaits acknowledgement.")
        return None
    if not can_acknowledge(request.user, accountable_id=awaiting.user_id):
        raise PermissionDenied("Only the person made Accountable can accept or decline it.")
    return awaiting


@require_POST
def acknowledge(request, slug, number):
    """Accept being Accountable for the step (one click)."""
    project = get_project_or_404(request.user, slug, Action.VIEW)
    step = get_step_or_404(project, number)
    awaiting = _acknowledgement_or_back(request, project, step)
    if awaiting is not None:
        try:
            acknowledgement_accept(actor=request.user, acknowledgement=awaiting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"You are Accountable for step {step.number}, {step.name}.")
    return _back(project, step)


@require_POST
def decline(request, slug, number):
    """Decline being Accountable, with a reason: the step is left without one."""
    project = get_project_or_404(request.user, slug, Action.VIEW)
    step = get_step_or_404(project, number)
    awaiting = _acknowledgement_or_back(request, project, step)
    if awaiting is None:
        return _back(project, step)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _page(request, project, step, status=400, decline_form=form)
    try:
        acknowledgement_decline(actor=request.user, acknowledgement=awaiting, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        return _page(request, project, step, status=400, decline_form=form)
    messages.success(request, f"You declined step {step.number}; its managers are told in their next digest.")
    return _back(project, step)


@require_POST
def consult(request, slug, number):
    """Answer the step's consultation: agree, or concerns with a comment."""
    project = get_project_or_404(request.user, slug, Action.VIEW)
    step = get_step_or_404(project, number)
    if not can_answer_consultation(request.user, consulted_ids={u.pk for u in duties.consulted(step)}):
        raise PermissionDenied("Only the people Consulted on this step answer its consultation.")
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        return _page(request, project, step, status=400, consult_form=form)
    try:
        consultation_answer(actor=request.user, step=step, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        return _page(request, project, step, status=400, consult_form=form)
    messages.success(request, "Your answer is recorded.")
    return _back(project, step)


@require_POST
def waive(request, slug, number, user_id):
    """The step's Accountable person goes ahead without a Consulted person's answer."""
    project = get_project_or_404(request.user, slug, Action.VIEW)
    step = get_step_or_404(project, number)
    if not can_waive_consultation(request.user, accountable_id=duties.accountable_id(step)):
        raise PermissionDenied("Only the step's Accountable person waives a consultation.")
    person = get_object_or_404(User, pk=user_id)
    form = WaiveForm(request.POST)
    if not form.is_valid():
        return _page(request, project, step, status=400, waive_form=form, waive_person=person.pk)
    try:
        consultation_waive(actor=request.user, step=step, person=person, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        return _page(request, project, step, status=400, waive_form=form, waive_person=person.pk)
    messages.success(request, f"{person.display_name}'s answer is waived.")
    return _back(project, step)


@login_not_required
@require_http_methods(["GET", "POST"])
def acknowledge_link(request, token: str):
    """The e-mail's signed link: GET asks (writes nothing: mail scanners follow links),
    POST accepts as the person the link was sent to. A used, superseded, expired or
    someone else's link says so."""
    check = duties.read_link(token)
    if check.problem == "invalid":
        return render(request, "raci/acknowledge_link.html", {"problem": "invalid"}, status=404)
    ack = check.acknowledgement
    signed_in = request.user.is_authenticated
    problem = check.problem
    if not problem and signed_in and request.user.pk != ack.user_id:
        problem = "wrong_person"
    if not problem and ack.state != AcknowledgementState.AWAITING:
        problem = ack.state  # accepted, declined or superseded
    done = False
    if not problem and request.method == "POST":
        try:
            acknowledgement_accept(actor=check.person, acknowledgement=ack)
            done = True
        except (ValidationError, PermissionDenied):
            ack.refresh_from_db()
            problem = ack.state if ack.state != AcknowledgementState.AWAITING else "refused"
    context = {"problem": problem, "ack": ack, "done": done, "token": token}
    return render(request, "raci/acknowledge_link.html", context, status=403 if problem == "wrong_person" else 200)
