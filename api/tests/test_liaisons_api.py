"""Liaisons through the API: the organization's and a project's (with the fallback), named or
cleared through ``projects.liaison_services``; who may."""

import pytest

from api.models import Scope
from api.tests.conftest import client_for
from conftest import ProjectFactory, UserFactory
from governance.models import Department
from projects.liaison_services import liaison_set

pytestmark = pytest.mark.django_db
ORGANIZATION = "/api/v1/liaisons/"


@pytest.fixture
def executive():
    return UserFactory(department=Department.IT, is_executive=True)


def test_organization_liaisons_read_by_all_named_by_executives(executive):
    marketer = UserFactory(department=Department.MARKETING)
    reader = client_for(UserFactory(department=Department.MARKETING))
    assert reader.get(ORGANIZATION).json() == [
        {"side": "marketing", "person": None, "is_fallback": False},
        {"side": "it", "person": None, "is_fallback": False},
    ]
    assert reader.put(ORGANIZATION, {"marketing": marketer.pk}, format="json").status_code == 403
    assert (
        client_for(executive, Scope.READ).put(ORGANIZATION, {"marketing": marketer.pk}, format="json").status_code
        == 403
    )
    named = client_for(executive).put(ORGANIZATION, {"marketing": marketer.pk}, format="json")
    assert named.status_code == 200 and named.json()[0]["person"]["id"] == marketer.pk
    wrong_side = client_for(executive).put(ORGANIZATION, {"it": marketer.pk}, format="json")
    assert wrong_side.status_code == 400 and "it" in wrong_side.json()["errors"]
    assert reader.get(ORGANIZATION).json()[1]["person"] is None


def test_project_liaisons_fall_back_and_are_named_by_managers(executive):
    project = ProjectFactory.create()
    it_person = UserFactory(department=Department.IT)
    liaison_set(actor=executive, side="it", user=it_person)
    url = f"/api/v1/projects/{project.slug}/liaisons/"
    owner = client_for(project.owner)
    it_row = owner.get(url).json()[1]
    assert it_row["person"]["id"] == it_person.pk and it_row["is_fallback"] is True
    own = UserFactory(department=Department.IT)
    assert owner.put(url, {"it": own.pk}, format="json").json()[1] == {
        "side": "it",
        "person": {"id": own.pk, "name": own.display_name},
        "is_fallback": False,
    }
    outsider = client_for(UserFactory(department=Department.MARKETING))
    assert outsider.get(url).status_code == 404
    assert outsider.put(url, {"it": None}, format="json").status_code == 404
