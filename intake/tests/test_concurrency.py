"""Two approvers press "Approve" at the same moment (PostgreSQL): one project, one approval, no 500.

Each approver is a thread with its own connection and test client, posting the
real page; a barrier releases them together. SQLite takes writers one by one,
so this runs on PostgreSQL only (``tests/test_concurrency.py`` does the same).
"""

import pytest
from django.db import connection
from django.urls import reverse

from intake.models import IntakeRequest, RequestEvent
from intake.states import State
from intake.tests.conftest import review, submit
from projects.models import Project
from tests.test_concurrency import at_once, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; CI runs this on PostgreSQL")


def test_two_approvals_at_once_create_one_project(requester, reviewer, approver, executive, crm, people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    request.refresh_from_db()
    owner, marketing_sponsor, it_sponsor, it_lead = people
    data = {
        "owner": owner.pk,
        "marketing_sponsor": marketing_sponsor.pk,
        "it_sponsor": it_sponsor.pk,
        "it_lead": it_lead.pk,
        "decision_note": "Go.",
        "version": request.version,
    }
    url = reverse("intake:approve", kwargs={"pk": request.pk})
    clients = [signed_in(approver), signed_in(executive)]
    results = at_once([lambda c=c: c.post(url, data) for c in clients])
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert statuses == [200, 302], statuses  # one approved (redirect), one told it changed (form again)
    assert Project.objects.count() == 1
    assert IntakeRequest.objects.get().state == State.APPROVED
    assert RequestEvent.objects.filter(to_state=State.APPROVED).count() == 1
