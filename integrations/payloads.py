"""What an event says: the small serializers of webhook bodies and chat lines.

Only ids, names, states, dates and links back to Tandem (absolute, from
``TANDEM_SITE_URL``): no scores (the blind rule), no alignment answers (the
anonymity rule), no free text beyond a block reason, a decision's rationale and
an intake decision note, which whoever may manage the project already sees.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from integrations.models import Event


@dataclass
class Fact:
    """One event, ready to be written to the outbox of every subscriber."""

    event: str
    project: object | None  # projects.models.Project, or None (an organization round, a rejected request)
    obj: dict
    actor: dict | None
    title: str  # a chat message's line
    link: str
    text: str = ""
    at: datetime = field(default_factory=timezone.now)

    def body(self, delivery_id: str) -> dict:
        return {
            "id": delivery_id,
            "event": self.event,
            "timestamp": self.at.isoformat(),
            "actor": self.actor,
            "project": project_json(self.project) if self.project is not None else None,
            "object": self.obj,
        }


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def project_json(project) -> dict:
    return {
        "id": project.pk,
        "slug": project.slug,
        "name": project.name,
        "status": project.status,
        "url": absolute(project.get_absolute_url()),
    }


def step_json(step) -> dict:
    return {
        "id": step.pk,
        "number": step.number,
        "key": step.key,
        "name": step.name,
        "status": step.status,
        "due_date": step.due_date.isoformat() if step.due_date else None,
        "url": absolute(step.project.get_absolute_url()) + f"#step-{step.number}",
    }


def step_status(step, *, old_status: str, new_status: str, reason: str, actor) -> Fact:
    obj = {**step_json(step), "old_status": old_status, "new_status": new_status, "reason": reason}
    label = step.get_status_display().lower()
    return Fact(
        Event.STEP_STATUS_CHANGED,
        step.project,
        obj,
        person(actor),
        f"{step.project.name}: step {step.number}, {step.name}, is now {label}",
        obj["url"],
        text=f"Blocked: {reason}" if reason else "",
    )


def accountable(step, *, old_user, new_user, actor) -> Fact:
    obj = {**step_json(step), "old_accountable": person(old_user), "new_accountable": person(new_user)}
    if new_user is not None:
        title = f"{step.project.name}: {new_user.display_name} is now Accountable for step {step.number}, {step.name}"
    else:
        title = f"{step.project.name}: step {step.number}, {step.name}, has no Accountable person any more"
    return Fact(Event.ACCOUNTABLE_CHANGED, step.project, obj, person(actor), title, obj["url"])


def unowned(step, *, since: datetime, days: int) -> Fact:
    obj = {**step_json(step), "unowned_since": since.isoformat(), "days": days}
    title = f"{step.project.name}: step {step.number}, {step.name}, has had no Accountable person for {days} days"
    return Fact(Event.STEP_UNOWNED, step.project, obj, None, title, obj["url"])


def vendor(project, decision, *, actor) -> Fact:
    url = absolute(reverse("scorecards:scorecard", kwargs={"slug": project.slug}))
    obj = {
        "id": decision.pk,
        "candidate": {"id": decision.candidate_id, "name": decision.candidate.name},
        "rationale": decision.rationale,
        "decided_by": person(decision.decided_by),
        "decided_at": decision.decided_at.isoformat() if decision.decided_at else None,
        "standing": decision.stood_at is not None,
        "url": url,
    }
    title = f"{project.name}: {decision.candidate.name} chosen as the vendor"
    return Fact(Event.VENDOR_DECIDED, project, obj, person(actor), title, url, text=decision.rationale[:300])


def round_closed(round_, project, *, actor) -> Fact:
    url = absolute(reverse("alignment:round", kwargs={"pk": round_.pk}))
    obj = {"id": round_.pk, "title": round_.title, "closes_at": round_.closes_at.isoformat(), "url": url}
    where = project.name if project is not None else "Organization"
    return Fact(Event.ROUND_CLOSED, project, obj, person(actor), f"{where}: alignment round {round_.title} closed", url)


def intake(request, *, state: str, project, actor) -> Fact:
    url = absolute(request.get_absolute_url())
    obj = {
        "id": request.pk,
        "title": request.title,
        "state": str(state),
        "requester": person(request.requester),
        "decision_note": request.decision_note,
        "url": url,
        "project_url": absolute(project.get_absolute_url()) if project is not None else None,
    }
    title = f"Intake request {request.title}: {request.get_state_display().lower()}"
    return Fact(Event.INTAKE_DECIDED, project, obj, person(actor), title, url, text=request.decision_note[:300])
