"""The duties of the RACI letters through the API: read a step's duties, accept or decline being
Accountable, answer a consultation, waive one; who may, and the rules."""

import pytest

from api.models import Scope
from api.tests.conftest import client_for
from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from raci.models import Acknowledgement, Consultation, RaciAssignment, Role
from raci.services import matrix_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Step 3: the IT lead made Accountable by the owner (awaiting); step 1: the owner Accountable,
    the analyst Consulted."""
    it_lead = UserFactory(department=Department.IT)
    project = ProjectFactory.create(it_lead=it_lead)
    analyst = UserFactory(department=Department.MARKETING)
    step3, step1 = project.steps.get(number=3), project.steps.get(number=1)
    matrix_save(actor=project.owner, project=project, rows={it_lead.pk: {step3.pk: Role.ACCOUNTABLE}})
    assign(step1, project.owner, Role.ACCOUNTABLE)
    assign(step1, analyst, Role.CONSULTED)
    base = f"/api/v1/projects/{project.slug}/steps/"
    return project, it_lead, analyst, base


def test_read_duties_and_outsider_404(setup):
    project, it_lead, analyst, base = setup
    body = client_for(project.owner).get(f"{base}3/duties/").json()
    assert body["accountable"]["id"] == it_lead.pk and body["acknowledgement"]["state"] == "awaiting"
    step1 = client_for(project.owner).get(f"{base}1/duties/").json()
    assert step1["consultations"][0]["person"]["id"] == analyst.pk and step1["consultations"][0]["answer"] is None
    assert client_for(UserFactory(department=Department.MARKETING)).get(f"{base}3/duties/").status_code == 404


def test_accept_only_by_the_person_asked(setup):
    project, it_lead, _analyst, base = setup
    assert client_for(project.owner).post(f"{base}3/duties/accept/").status_code == 403
    assert client_for(it_lead, Scope.READ).post(f"{base}3/duties/accept/").status_code == 403
    accepted = client_for(it_lead).post(f"{base}3/duties/accept/")
    assert accepted.status_code == 200 and accepted.json()["acknowledgement"]["state"] == "accepted"
    again = client_for(it_lead).post(f"{base}3/duties/accept/")
    assert again.status_code == 400


def test_decline_needs_a_reason(setup):
    _project, it_lead, _analyst, base = setup
    api = client_for(it_lead)
    empty = api.post(f"{base}3/duties/decline/", {"reason": " "}, format="json")
    assert empty.status_code == 400
    declined = api.post(f"{base}3/duties/decline/", {"reason": "On leave."}, format="json")
    assert declined.status_code == 200 and declined.json()["accountable"] is None
    assert not RaciAssignment.objects.filter(user=it_lead, role=Role.ACCOUNTABLE).exists()
    assert Acknowledgement.objects.get(user=it_lead).reason == "On leave."


def test_consultation_answer_by_the_consulted_only(setup):
    project, _it_lead, analyst, base = setup
    url = f"{base}1/duties/consultation/"
    assert client_for(project.owner).put(url, {"answer": "agree"}, format="json").status_code == 403
    concerns = client_for(analyst).put(url, {"answer": "concerns", "comment": ""}, format="json")
    assert concerns.status_code == 400
    agreed = client_for(analyst).put(url, {"answer": "agree"}, format="json")
    assert agreed.status_code == 200 and agreed.json()["consultations"][0]["answer"] == "agree"


def test_waive_by_the_accountable_person(setup):
    project, it_lead, analyst, base = setup
    url = f"{base}1/duties/waive/{analyst.pk}/"
    assert client_for(analyst).post(url, {"reason": "x"}, format="json").status_code == 403
    not_consulted = client_for(project.owner).post(
        f"{base}1/duties/waive/{it_lead.pk}/", {"reason": "x"}, format="json"
    )
    assert not_consulted.status_code == 400
    waived = client_for(project.owner).post(url, {"reason": "Deadline."}, format="json")
    assert waived.status_code == 200 and waived.json()["consultations"][0]["answer"] == "waived"
    assert Consultation.objects.get(user=analyst).answered_by == project.owner
