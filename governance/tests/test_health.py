"""``/health/``: 200 when the database and the broker answer, 503 naming what is
down otherwise, and an outage logged once, not once per probe."""

import logging
import time

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from governance import health


@pytest.fixture(autouse=True)
def fresh_state():
    health._down.clear()
    yield
    health._down.clear()


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails as it does while PostgreSQL is stopped."""

    def refuse():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(connection, "cursor", refuse)


@pytest.mark.django_db
def test_health_is_200_and_names_each_part_when_all_is_up(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_database_outage_answers_503_in_json_naming_the_database(client, database_down):
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json() == {"status": "unavailable", "database": "down", "broker": "ok"}


@pytest.mark.django_db
def test_a_broker_outage_answers_503_naming_the_broker_within_a_few_seconds(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    started = time.monotonic()
    response = client.get(reverse("health"))
    assert time.monotonic() - started < health.BROKER_TIMEOUT_SECONDS + 3
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down"}


@pytest.mark.django_db
def test_an_outage_is_logged_once_without_a_traceback_and_its_end_once(client, database_down, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(5):
        assert client.get(reverse("health")).status_code == 503
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "database is down" in errors[0].getMessage() and errors[0].exc_info is None
    monkeypatch.undo()  # the database is back
    health._down.add("database")  # undo() also dropped the fixture's state: keep what the probes found
    caplog.clear()
    for _ in range(3):
        assert client.get(reverse("health")).status_code == 200
    assert [r.getMessage() for r in caplog.records if r.name == "governance.health"] == ["Health: the database is back"]
