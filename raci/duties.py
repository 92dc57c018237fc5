"""The duties of the RACI letters, the read side and the receivers (docs/raci-duties.md).

* **Accountable acknowledges**: whoever is newly made Accountable on a step is
  asked to accept (an ``Acknowledgement`` awaiting); until then the step shows
  "awaiting acknowledgement". Someone who makes themselves Accountable has accepted.
* **Consulted are asked**: every Consulted person of a step answers (agree, or
  concerns with a comment) or the step's Accountable person waives their answer
  with a reason; a ``Consultation`` row is the answer, no row means "not answered",
  and the gate (``raci.selectors.gate_refusal``) refuses to finish the step until
  every active Consulted person has one.
* **Informed are told**: a step finished or blocked, or its Accountable person
  changed, leaves one ``InformItem`` per Informed person, sent in their next digest
  (``raci.reminder_sweep``).

The receivers run inside the event's transaction (``projects.signals``) and only
write rows. Writes a person makes are in ``raci.duties_services``.
"""

from dataclasses import dataclass

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from governance.models import User
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from raci.models import (
    Acknowledgement,
    AcknowledgementState,
    Consultation,
    ConsultationAnswer,
    InformItem,
    InformKind,
    RaciAssignment,
    Role,
)

# Steps on which a consultation is waiting: started and not done.
CONSULTING_STATUSES = (StepStatus.IN_PROGRESS, StepStatus.BLOCKED)
LINK_SALT = "tandem.raci.acknowledge-accountable"
LINK_MAX_AGE_DAYS = 14


# --- Who holds which letter on a step ---------------------------------------------------------


def accountable_id(step: LifecycleStep) -> int | None:
    return RaciAssignment.objects.filter(step=step, role=Role.ACCOUNTABLE).values_list("user_id", flat=True).first()


def consulted(step: LifecycleStep) -> list[User]:
    """The step's Consulted people, by name (one query)."""
    return [a.user for a in RaciAssignment.objects.filter(step=step, role=Role.CONSULTED).select_related("user")]


def informed_ids(step: LifecycleStep) -> list[int]:
    """The active Informed people of ``step``."""
    return list(
        RaciAssignment.objects.filter(step=step, role=Role.INFORMED, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


# --- The signed link of an acknowledgement --------------------------------------------------------


def link_token(acknowledgement: Acknowledgement) -> str:
    """A token bound to this acknowledgement and its person (``django.core.signing``, own salt)."""
    return signing.dumps({"a": acknowledgement.pk, "u": acknowledgement.user_id}, salt=LINK_SALT)


@dataclass(frozen=True)
class LinkCheck:
    acknowledgement: Acknowledgement | None
    person: User | None
    problem: str = ""  # "", "invalid", "expired", "wrong_person"


def read_link(token: str) -> LinkCheck:
    """What a link's token names, or why it cannot be used (never raises); a link
    works for ``LINK_MAX_AGE_DAYS``."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE_DAYS * 86400)
    except signing.SignatureExpired:
        return LinkCheck(None, None, "expired")
    except signing.BadSignature:
        return LinkCheck(None, None, "invalid")
    if not isinstance(data, dict) or not isinstance(data.get("a"), int) or not isinstance(data.get("u"), int):
        return LinkCheck(None, None, "invalid")
    acknowledgement = Acknowledgement.objects.select_related("step__project", "user").filter(pk=data["a"]).first()
    if acknowledgement is None:
        return LinkCheck(None, None, "invalid")
    if acknowledgement.user_id != data["u"]:
        return LinkCheck(acknowledgement, None, "wrong_person")
    return LinkCheck(acknowledgement, acknowledgement.user)


# --- Reads for pages, My work and the digest -------------------------------------------------------


def awaiting_acknowledgement() -> Exists:
    """For a step (in a query over steps): its Accountable person has not acknowledged yet."""
    return Exists(Acknowledgement.objects.filter(step=OuterRef("pk"), state=AcknowledgementState.AWAITING))


def acknowledgements_waiting(user: User) -> list[Acknowledgement]:
    """What ``user`` is asked to accept, oldest first, with step and project (one query)."""
    return list(
        Acknowledgement.objects.filter(user=user, state=AcknowledgementState.AWAITING)
        .filter(step__project__status=ProjectStatus.ACTIVE)
        .select_related("step__project")
        .order_by("created_at", "pk")
    )


def _open_consultations() -> QuerySet[RaciAssignment]:
    answered = Consultation.objects.filter(step=OuterRef("step"), user=OuterRef("user"))
    return RaciAssignment.objects.filter(
        ~Exists(answered),
        role=Role.CONSULTED,
        user__is_active=True,
        step__status__in=CONSULTING_STATUSES,
        step__project__status=ProjectStatus.ACTIVE,
    )


def consultations_waiting(user: User) -> list[LifecycleStep]:
    """The started steps on which ``user`` is Consulted and has not answered (one query)."""
    rows = _open_consultations().filter(user=user).select_related("step__project")
    return [a.step for a in rows.order_by("step__project__name", "step__project_id", "step__number")]


def my_work_section(viewer: User) -> dict | None:
    """My work: accountability to acknowledge and consultations to answer (two queries)."""
    acknowledgements = acknowledgements_waiting(viewer)
    consultations = consultations_waiting(viewer)
    if not acknowledgements and not consultations:
        return None
    return {
        "acknowledgements": acknowledgements,
        "consultations": consultations,
        "count": len(acknowledgements) + len(consultations),
    }


def digest_acknowledgements(person: User) -> dict | None:
    """Digest section: the steps to accept, each with its signed one-click link."""
    from django.conf import settings
    from django.urls import reverse

    waiting = acknowledgements_waiting(person)
    if not waiting:
        return None
    rows = [
        {
            "step": ack.step,
            "project": ack.step.project,
            "accept_url": settings.SITE_URL + reverse("raci:acknowledge_link", kwargs={"token": link_token(ack)}),
            "step_url": settings.SITE_URL + duties_url(ack.step),
        }
        for ack in waiting
    ]
    return {"rows": rows, "days": LINK_MAX_AGE_DAYS}


def digest_consultations(person: User) -> dict | None:
    """Digest section: the steps waiting for this person's answer."""
    from django.conf import settings

    steps = consultations_waiting(person)
    if not steps:
        return None
    return {"rows": [{"step": s, "project": s.project, "url": settings.SITE_URL + duties_url(s)} for s in steps]}


def acknowledgement_recipients() -> list[int]:
    return list(
        Acknowledgement.objects.filter(state=AcknowledgementState.AWAITING, step__project__status=ProjectStatus.ACTIVE)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )


def consultation_recipients() -> list[int]:
    return list(_open_consultations().order_by().values_list("user_id", flat=True).distinct())


def duties_url(step: LifecycleStep) -> str:
    from django.urls import reverse

    return reverse("raci:step_duties", kwargs={"slug": step.project.slug, "number": step.number})


@dataclass
class StepDuties:
    """One step's duties as its page shows them."""

    step: LifecycleStep
    accountable: User | None
    acknowledgement: Acknowledgement | None  # the latest for the current Accountable person
    consultations: list[tuple[User, Consultation | None]]
    informed: list[User]
    history: list


def step_duties(step: LifecycleStep) -> StepDuties:
    """Everything the step's duties page shows (a fixed handful of queries)."""
    assignments = list(RaciAssignment.objects.filter(step=step).select_related("user").order_by("user__first_name"))
    holder = next((a.user for a in assignments if a.role == Role.ACCOUNTABLE), None)
    acknowledgement = None
    if holder is not None:
        acknowledgement = Acknowledgement.objects.filter(step=step, user=holder).order_by("-created_at", "-pk").first()
    answers = {c.user_id: c for c in Consultation.objects.filter(step=step).select_related("answered_by")}
    consultations = [(a.user, answers.get(a.user_id)) for a in assignments if a.role == Role.CONSULTED]
    informed = [a.user for a in assignments if a.role == Role.INFORMED]
    return StepDuties(step, holder, acknowledgement, consultations, informed, duties_history(step))


@dataclass(frozen=True)
class DutyEvent:
    when: object
    who: User | None
    text: str


def duties_history(step: LifecycleStep) -> list[DutyEvent]:
    """The step's acknowledgements and consultations as they changed, newest first (two queries)."""
    events = []
    for record in Acknowledgement.history.filter(step=step).select_related("user", "history_user"):
        state = AcknowledgementState(record.state).label.lower()
        reason = f": “{record.reason}”" if record.reason else ""
        events.append(
            DutyEvent(record.history_date, record.history_user, f"{record.user.display_name} — {state}{reason}")
        )
    for record in Consultation.history.filter(step=step).select_related("user", "history_user"):
        if record.history_type == "-":
            continue
        comment = f": “{record.comment}”" if record.comment else ""
        answer = ConsultationAnswer(record.answer).label.lower()
        events.append(
            DutyEvent(record.history_date, record.history_user, f"{record.user.display_name} — {answer}{comment}")
        )
    return sorted(events, key=lambda e: e.when, reverse=True)


def sidebar_card(viewer: User, project: Project) -> dict | None:
    """The project page's card: steps awaiting acknowledgement or consultations (two queries)."""
    awaiting = list(
        Acknowledgement.objects.filter(step__project=project, state=AcknowledgementState.AWAITING)
        .select_related("step", "user")
        .order_by("step__number")
    )
    waiting = list(
        _open_consultations().filter(step__project=project).select_related("step", "user").order_by("step__number")
    )
    if not awaiting and not waiting:
        return None
    for row in awaiting:
        row.step.project = project
    for row in waiting:
        row.step.project = project
    return {"awaiting": awaiting, "consultations": waiting, "viewer_id": viewer.pk}


def awaiting_counts(project_ids: list[int]) -> dict[int, int]:
    """Steps awaiting acknowledgement per project (one query)."""
    from django.db.models import Count

    rows = (
        Acknowledgement.objects.filter(state=AcknowledgementState.AWAITING, step__project_id__in=project_ids)
        .values("step__project_id")
        .annotate(n=Count("pk"))
    )
    return {row["step__project_id"]: row["n"] for row in rows}


def awaiting_projects() -> Q:
    """For a project (in a query over projects): a step awaits acknowledgement."""
    return Q(Exists(Acknowledgement.objects.filter(step__project=OuterRef("pk"), state=AcknowledgementState.AWAITING)))


# --- The receivers (projects.signals): inside the event's transaction, rows only ----------------


def _step_label(step: LifecycleStep) -> str:
    return f"{step.project.name}, step {step.number} ({step.name})"


def _person(user_id: int | None) -> str:
    if user_id is None:
        return "nobody"
    user = User.objects.filter(pk=user_id).first()
    return user.display_name if user else "someone"


def inform(step: LifecycleStep, recipient_ids, kind: str, text: str) -> int:
    """Leave ``text`` for each of ``recipient_ids`` in their next digest."""
    now = timezone.now()
    items = [InformItem(step=step, recipient_id=pk, kind=kind, text=text[:500], created_at=now) for pk in recipient_ids]
    InformItem.objects.bulk_create(items)
    return len(items)


def on_accountable_changed(sender, *, step, old_user_id, new_user_id, actor, **kwargs) -> None:
    """Supersede what was awaiting, ask the new Accountable person, tell the Informed."""
    # Only someone who was Accountable can have been awaiting (no query for a step that had nobody).
    previous = Acknowledgement.objects.filter(step=step, state=AcknowledgementState.AWAITING) if old_user_id else []
    for waiting in previous:
        waiting.state = AcknowledgementState.SUPERSEDED
        waiting.answered_at = timezone.now()
        waiting._history_user = actor
        waiting.save(update_fields=["state", "answered_at"])
    if new_user_id is not None:
        self_made = actor is not None and actor.pk == new_user_id
        acknowledgement = Acknowledgement(
            step=step,
            user_id=new_user_id,
            state=AcknowledgementState.ACCEPTED if self_made else AcknowledgementState.AWAITING,
            answered_at=timezone.now() if self_made else None,
        )
        acknowledgement._history_user = actor
        acknowledgement.save()
    told = informed_ids(step)
    if told:
        text = f"{_step_label(step)}: Accountable is now {_person(new_user_id)} (was {_person(old_user_id)})."
        inform(step, told, InformKind.ACCOUNTABLE, text)


def on_step_status_changed(sender, *, step, new_status, reason="", **kwargs) -> None:
    """A step finished or blocked: tell its Informed people in their next digest."""
    if new_status not in (StepStatus.DONE, StepStatus.BLOCKED):
        return
    told = informed_ids(step)
    if not told:
        return
    if new_status == StepStatus.DONE:
        inform(step, told, InformKind.FINISHED, f"{_step_label(step)} is done.")
    else:
        why = f": {reason}" if reason else ""
        inform(step, told, InformKind.BLOCKED, f"{_step_label(step)} is blocked{why}.")


def tile(viewer: User) -> dict:
    """The dashboard tile: steps of the viewer's active projects awaiting acknowledgement (one query)."""
    from projects.access import visible_projects

    active = visible_projects(viewer).filter(status=ProjectStatus.ACTIVE).order_by().values("pk")
    count = Acknowledgement.objects.filter(state=AcknowledgementState.AWAITING, step__project__in=active).count()
    return {"count": count}
