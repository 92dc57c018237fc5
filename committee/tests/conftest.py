"""The committee's people and a meeting, made through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from committee import services
from conftest import UserFactory
from governance.models import Department


@pytest.fixture
def cmo(db):
    """Claire, the CMO: an executive on the steering group (Marketing)."""
    return UserFactory(
        username="claire", first_name="Claire", last_name="Moreau", department=Department.MARKETING,
        is_executive=True, on_steering_group=True,
    )  # fmt: skip


@pytest.fixture
def it_member(db):
    """Ines, IT director: on the steering group (IT), not an executive."""
    return UserFactory(
        username="ines", first_name="Ines", last_name="Director", department=Department.IT, on_steering_group=True
    )


@pytest.fixture
def requester(db):
    return UserFactory(username="maya", first_name="Maya", last_name="Patel", department=Department.MARKETING_OPS)


@pytest.fixture
def reviewer(db):
    return UserFactory(username="dev", first_name="Dev", last_name="Raman", department=Department.IT)


def new_meeting(actor, *, days=7, **fields):
    values = {"title": "Steering committee", "starts_at": timezone.now() + timedelta(days=days)}
    values.update(fields)
    return services.meeting_save(actor=actor, **values)


@pytest.fixture
def meeting(cmo, it_member):
    return new_meeting(cmo, attendees=[it_member])
