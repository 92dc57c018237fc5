"""The first run shows the product alive: beat queues a reminder sweep as it starts (so ``make run`` has
reminders in ``var/mail/`` and on the dashboard within seconds, not an interval later), the periodic
schedule is kept, the README says how to use another port; and under DEBUG a page that is not found
is the product's own 404, Django's technical one only when asked for."""

from pathlib import Path

import pytest
from celery import signals
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import ProjectFactory
from governance.celery import SWEEP_TASK, app
from projects.models import StepStatus
from raci.models import Reminder, ReminderRun

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def eager_celery():
    """Tasks run in this process, as a worker would run them."""
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = False, False


@pytest.fixture
def unowned_step_in_progress(db, owner, it_lead):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Customer data platform")
    project.steps.filter(number=1).update(status=StepStatus.IN_PROGRESS)
    return project


def test_beat_starting_sends_the_first_sweep_at_once(eager_celery, unowned_step_in_progress, owner, it_lead):
    signals.beat_init.send(sender=None)
    run = ReminderRun.objects.get()
    assert run.trigger == "schedule" and run.recipients == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([owner.email, it_lead.email])
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
    # A second start (beat restarted) sends nothing twice.
    signals.beat_init.send(sender=None)
    assert len(mail.outbox) == 2


def test_the_start_up_sweep_can_be_turned_off(eager_celery, unowned_step_in_progress, settings):
    settings.TANDEM_REMINDER_SWEEP_ON_START = False
    signals.beat_init.send(sender=None)
    assert not ReminderRun.objects.exists() and mail.outbox == []


def test_the_periodic_schedule_is_kept_and_the_start_up_sweep_is_the_same_task():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-unowned-steps"]
    assert entry["task"] == SWEEP_TASK
    assert entry["schedule"] == settings.TANDEM_REMINDER_SWEEP_SECONDS <= 3600
    assert settings.TANDEM_REMINDER_SWEEP_ON_START is True


def test_make_run_starts_web_worker_and_beat_on_the_chosen_port():
    procfile = (ROOT / "Procfile").read_text()
    assert "celery -A governance beat" in procfile and "celery -A governance worker" in procfile
    assert "${PORT:-8000}" in procfile
    makefile = (ROOT / "Makefile").read_text()
    assert "PORT ?= 8000" in makefile and "TANDEM_SITE_URL ?= http://127.0.0.1:$(PORT)" in makefile
    assert "make run PORT=8080" in (ROOT / "README.md").read_text()


# --- Debug pages --------------------------------------------------------------------------------


@pytest.fixture
def debug_client(settings, db, owner):
    """A client of a site running with DEBUG on, as under ``make run`` (a new client loads the
    middleware with the settings of its first request)."""
    settings.DEBUG = True
    client = Client()
    client.force_login(owner)
    return client


def test_under_debug_a_missing_page_is_the_products_404(debug_client):
    response = debug_client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing here, or nothing you have access to." in page and "Back to your projects" in page
    assert "URLconf" not in page and "project_list" not in page


def test_under_debug_a_view_raising_404_shows_the_products_page_too(debug_client):
    response = debug_client.get(reverse("project_detail", args=["no-such-project"]))
    assert response.status_code == 404 and "There is nothing here" in response.content.decode()
    assert "Raised by" not in response.content.decode()


def test_under_debug_a_path_without_its_slash_is_still_redirected(debug_client):
    response = debug_client.get("/projects")
    assert response.status_code == 301 and response["Location"] == "/projects/"


def test_the_technical_404_is_there_when_asked_for(settings, db):
    settings.DEBUG = True
    settings.TANDEM_DEBUG_TECHNICAL_404 = True
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


def test_without_debug_the_page_is_the_products_as_before(client, owner):
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "There is nothing here" in response.content.decode()
