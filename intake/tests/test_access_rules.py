"""The intake rules of ``projects.access``: who sees, reviews and approves; the list's queryset agrees."""

import pytest

from conftest import UserFactory
from governance.models import Department
from intake.selectors import can_see, visible_requests
from intake.tests.conftest import approve, review, submit
from projects import access
from raci.models import RaciAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(requester, reviewer, approver, steering, marketer, it_people, admin_user, executive):
    gone = UserFactory(username="gone", department=Department.IT, is_executive=True, is_active=False)
    return [requester, reviewer, approver, steering, marketer, *it_people, admin_user, executive, gone]


def test_the_list_and_the_rule_agree_for_everyone(everyone, requester, reviewer, approver, crm, people, framework):
    plain = submit(requester, crm, title="Plain")
    approved = submit(requester, crm, title="Approved")
    review(reviewer, approved)
    project = approve(approver, approved, people)
    member = UserFactory(username="member", department=Department.MARKETING)
    RaciAssignment.objects.create(step=project.steps.get(number=3), user=member, role="C")
    for person in [*everyone, member]:
        listed = set(visible_requests(person).values_list("pk", flat=True))
        for request in (plain, approved):
            request.refresh_from_db()
            assert (request.pk in listed) == can_see(person, request), (person.username, request.title)
    # a member of the project an approval created sees its request, not the others
    assert set(visible_requests(member)) == {approved}


def test_who_reviews_and_who_approves(requester, reviewer, approver, steering, marketer, admin_user, executive):
    assert access.can_review_intake(reviewer) and access.can_review_intake(admin_user)
    assert access.can_review_intake(executive)  # the CIO is in IT
    assert not access.can_review_intake(approver) and not access.can_review_intake(marketer)
    assert access.can_approve_intake(approver) and access.can_approve_intake(steering)
    assert access.can_approve_intake(admin_user) and not access.can_approve_intake(reviewer)
    assert not access.can_approve_intake(approver, requester_id=approver.pk)  # never one's own
    assert not access.can_review_intake(reviewer, requester_id=reviewer.pk)
    steering.is_active = False
    assert not access.can_approve_intake(steering)
