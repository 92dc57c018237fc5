"""Fixtures of the responsibility framework's tests: the organization's named
people and the default framework saved by an executive."""

import pytest

from conftest import UserFactory
from governance.models import Department
from raci.framework_demo import default_entries
from raci.framework_services import framework_save
from raci.models import OrganizationPost


@pytest.fixture
def mops(db):
    return UserFactory(username="maya", first_name="Maya", last_name="Patel", department=Department.MARKETING_OPS)


@pytest.fixture
def security(db):
    return UserFactory(username="dev", first_name="Dev", last_name="Raman", department=Department.IT)


@pytest.fixture
def default_framework(executive, mops, security):
    people = {OrganizationPost.MARKETING_OPS: mops, OrganizationPost.IT_SECURITY: security}
    return framework_save(actor=executive, entries=default_entries(), people=people, expected_version=0)
