"""Two executives save the shared vision at the same moment (PostgreSQL): one save wins, the other
gets the 409 page with their words kept; never a 500, never a lost update.

Each executive is a thread with its own connection and test client, posting the real page; a
barrier releases them together (``tests/test_concurrency.py``). SQLite serializes writers, so this
runs on PostgreSQL only."""

import pytest
from django.db import connection
from django.urls import reverse

from roadmap.models import Vision
from roadmap.services import vision_save
from tests.test_concurrency import at_once, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
URL = reverse("roadmap:vision") + "?year=2027"


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; CI runs this on PostgreSQL")


def _race(executive, admin_user, version: int) -> list:
    clients = [signed_in(executive), signed_in(admin_user)]
    texts = ["The CMO's words.", "The CIO's words."]
    results = at_once(
        [lambda c=c, t=t: c.post(URL, {"text": t, "version": version}) for c, t in zip(clients, texts, strict=True)]
    )
    return sorted(getattr(r, "status_code", repr(r)) for r in results)


def test_two_first_visions_at_once(executive, admin_user):
    assert _race(executive, admin_user, 0) == [302, 409]
    assert Vision.objects.get(year=2027).version == 1


def test_two_edits_of_one_vision_at_once(executive, admin_user):
    vision_save(actor=executive, year=2027, text="First.", expected_version=0)
    assert _race(executive, admin_user, 1) == [302, 409]
    assert Vision.objects.get(year=2027).version == 2
