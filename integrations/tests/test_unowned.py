"""\"Step unowned for N days\": once per step and unowned spell."""

from datetime import timedelta

from django.utils import timezone

from conftest import assign
from integrations import services, tasks
from integrations.models import Delivery, Event, UnownedNotice
from projects import figures
from projects.models import Project
from raci.models import RaciAssignment, Role


def _age(project, days: int) -> None:
    Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - timedelta(days=days))
    figures.refresh([project.pk])


def test_long_unowned_steps_are_announced_once_per_spell(project, owner, receiver, settings):
    settings.TANDEM_WEBHOOKS_UNOWNED_DAYS = 7
    services.subscription_create(actor=owner, project=project, url=receiver.url, events=[Event.STEP_UNOWNED])
    assign(project.steps.get(number=1), owner, Role.ACCOUNTABLE)
    _age(project, 3)
    assert tasks.announce_unowned_steps() == 0  # three days: not yet
    _age(project, 10)
    # Step 1's Accountable person was set today (its spell never began); the nine others have none.
    assert tasks.announce_unowned_steps() == 9
    assert tasks.announce_unowned_steps() == 0  # never twice for the same spell
    body = Delivery.objects.filter(event=Event.STEP_UNOWNED).order_by("pk").first()
    assert '"days":7' in body.body and '"number":2' in body.body

    # Step 1 loses its Accountable person: a new spell, announced once it is old enough.
    RaciAssignment.objects.get(step__number=1, step__project=project, role=Role.ACCOUNTABLE).delete()
    assert tasks.announce_unowned_steps() == 0
    RaciAssignment.history.filter(step_id=project.steps.get(number=1).pk).update(
        history_date=timezone.now() - timedelta(days=8)
    )
    assert tasks.announce_unowned_steps() == 1
    assert UnownedNotice.objects.count() == 10


def test_done_and_inactive_projects_are_left_alone(project, owner, receiver):
    services.subscription_create(actor=owner, project=project, url=receiver.url, events=[Event.STEP_UNOWNED])
    _age(project, 30)
    Project.objects.filter(pk=project.pk).update(status="on_hold")
    assert tasks.announce_unowned_steps() == 0
