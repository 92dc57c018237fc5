"""Schemathesis over every operation of the live schema, with a read-write token, against a
live server holding a project, its steps, a RACI assignment, a scorecard candidate and an open
alignment round:
no server error, and every answer as the schema says (status, content type, body).

The budget is bounded: ``TANDEM_SCHEMATHESIS_EXAMPLES`` examples per operation (default 8).
Rules refusing well-formed input (400, 403, 404, 409) are expected; a 500 never is.
"""

import os
from datetime import timedelta

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alignment.defaults import ensure_default_questionnaire
from alignment.services import round_open
from api.tests.conftest import client_for
from api.throttling import PerTokenThrottle
from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from raci.models import Role
from scorecards.defaults import ensure_default_criteria
from scorecards.services import candidate_save, scorecard_for

EXAMPLES = int(os.environ.get("TANDEM_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_token(transactional_db):
    """A read-write token of a project's owner, with data for every operation to find."""
    owner = UserFactory(department=Department.MARKETING_OPS)
    it_lead = UserFactory(department=Department.IT)
    project = ProjectFactory.create(owner=owner, name="Demo", it_lead=it_lead)
    assign(project.steps.get(number=1), it_lead, Role.ACCOUNTABLE)
    ensure_default_criteria()
    candidate_save(actor=owner, scorecard=scorecard_for(project), name="Acme")
    ensure_default_questionnaire()
    closes_on = timezone.localdate() + timedelta(days=7)
    round_open(actor=owner, title="Check", closes_on=closes_on, invitees=[owner, it_lead], project=project)
    client = client_for(owner)
    return client._credentials["HTTP_AUTHORIZATION"]


def _explore(operation, base_url: str, token: str) -> None:
    @given(operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(base_url=base_url, headers={"Authorization": token}, checks=CHECKS)

    run()


def test_every_operation_keeps_to_the_schema(live_server, api_token, monkeypatch):
    # Throttling has its own test (test_tokens.py); here a 429 would only hide what a request finds.
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "100000/minute"})
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/", headers={"Authorization": api_token})
    failures, explored = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        explored += 1
        try:
            _explore(operation, live_server.url, api_token)
        except Exception as error:
            failures[operation.label] = str(error)[:2000]
    assert explored >= 19
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
