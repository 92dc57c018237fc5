"""Every list endpoint reads in a fixed number of queries: the same at 3 rows as at 30."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment.defaults import ensure_default_questionnaire
from alignment.services import round_open
from api.tests.conftest import client_for
from conftest import ProjectFactory, UserFactory
from governance.models import Department
from intake.tests.factories import submitted
from inventory.tests.factories import make_tool

pytestmark = pytest.mark.django_db
SERIAL = count()

MAKERS = {
    "/api/v1/projects/": lambda n: [ProjectFactory.create() for _ in range(n)],
    "/api/v1/portfolio/": lambda n: [ProjectFactory.create() for _ in range(n)],
    "/api/v1/stack/tools/": lambda n: [make_tool(name=f"Tool {next(SERIAL)}") for _ in range(n)],
    "/api/v1/alignment/rounds/": lambda n: [_round() for _ in range(n)],
    "/api/v1/intake/requests/": lambda n: [submitted(UserFactory(department=Department.MARKETING)) for _ in range(n)],
}


def _round():
    ensure_default_questionnaire()
    opener = UserFactory(department=Department.IT, is_executive=True)
    invitees = [UserFactory(department=Department.MARKETING), UserFactory(department=Department.IT)]
    return round_open(actor=opener, title="Check", closes_on=date.today() + timedelta(days=7), invitees=invitees)


def _queries(api, path: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == rows
    return len(captured)


@pytest.mark.parametrize("path", sorted(MAKERS))
def test_list_queries_are_flat(path):
    api = client_for(UserFactory(department=Department.IT, is_executive=True))
    MAKERS[path](3)
    api.get(path)  # the token's first use writes last_used_at: not part of the count
    few = _queries(api, path, 3)
    MAKERS[path](27)
    many = _queries(api, path, 30)
    print(f"{path}: {few} queries at 3 rows, {many} at 30")  # shown with -s (docs/api.md)
    assert few == many, f"{path}: {few} queries at 3 rows, {many} at 30"
