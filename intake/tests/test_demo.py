"""The demo's requests: every state, the review awaiting approval, the overlap, the approved project; idempotent."""

import pytest
from django.core.management import call_command

from intake.models import IntakeRequest, ITReview, RequestEvent, ReviewKind
from intake.selectors import approval_blockers, request_page
from intake.states import State
from raci.models import RaciAssignment, Role

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state_and_seeding_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    counts = (IntakeRequest.objects.count(), RequestEvent.objects.count(), ITReview.objects.count())
    assert set(IntakeRequest.objects.values_list("state", flat=True)) == set(State.values)

    waiting = IntakeRequest.objects.get(title="Customer journey orchestration")
    assert waiting.state == State.IN_REVIEW and waiting.touches_personal_data
    assert waiting.reviews.get(is_current=True).kind == ReviewKind.SECURITY_PRIVACY
    assert approval_blockers(waiting) == []  # ready for an executive
    page = request_page(waiting.requester, waiting)
    assert {o.tool.name for o in page.overlaps} >= {"HubSpot Marketing Hub", "Marketo Engage"}

    approved = IntakeRequest.objects.get(state=State.APPROVED)
    accountable = RaciAssignment.objects.filter(step__project=approved.project, role=Role.ACCOUNTABLE)
    assert sorted(accountable.values_list("step__number", flat=True)) == list(range(1, 11))

    call_command("seed_demo", verbosity=0)
    assert (IntakeRequest.objects.count(), RequestEvent.objects.count(), ITReview.objects.count()) == counts
