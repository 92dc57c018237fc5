"""Receivers of the domain events (``projects.signals``): each writes the event to
the outbox in the sender's transaction (``outbox.record``) and does nothing else."""

from governance.models import User
from integrations import outbox, payloads
from projects import signals


def _user(user_id: int | None):
    return User.objects.filter(pk=user_id).first() if user_id is not None else None


def on_step_status(sender, step, old_status, new_status, reason="", actor=None, **kwargs) -> None:
    outbox.record(payloads.step_status(step, old_status=old_status, new_status=new_status, reason=reason, actor=actor))


def on_accountable(sender, step, old_user_id, new_user_id, actor=None, **kwargs) -> None:
    fact = payloads.accountable(step, old_user=_user(old_user_id), new_user=_user(new_user_id), actor=actor)
    outbox.record(fact)


def on_vendor(sender, project, decision, actor=None, **kwargs) -> None:
    outbox.record(payloads.vendor(project, decision, actor=actor))


def on_round(sender, round, project=None, actor=None, **kwargs) -> None:
    outbox.record(payloads.round_closed(round, project, actor=actor))


def on_intake(sender, request, state, project=None, actor=None, **kwargs) -> None:
    outbox.record(payloads.intake(request, state=state, project=project, actor=actor))


def connect() -> None:
    signals.step_status_changed.connect(on_step_status, dispatch_uid="integrations.step_status")
    signals.accountable_changed.connect(on_accountable, dispatch_uid="integrations.accountable")
    signals.vendor_decided.connect(on_vendor, dispatch_uid="integrations.vendor")
    signals.round_closed.connect(on_round, dispatch_uid="integrations.round")
    signals.intake_decided.connect(on_intake, dispatch_uid="integrations.intake")
