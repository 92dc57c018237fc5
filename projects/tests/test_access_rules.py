"""The named rules of ``projects.access`` that no write service exercises on its own."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from conftest import UserFactory
from projects import access


@pytest.mark.django_db
def test_the_blind_rule(member, executive, admin_user):
    assert not access.can_see_scorecard_figures(member, has_submitted=False)
    assert access.can_see_scorecard_figures(member, has_submitted=True)
    assert access.can_see_scorecard_figures(executive, has_submitted=False)
    assert access.can_see_scorecard_figures(admin_user, has_submitted=False)
    assert not access.can_see_scorecard_figures(AnonymousUser(), has_submitted=True)
    gone = UserFactory(is_active=False, is_executive=True)
    assert not access.can_see_scorecard_figures(gone, has_submitted=True)


@pytest.mark.django_db
def test_inactive_and_anonymous_people_may_do_nothing(project, owner):
    step = project.steps.get(number=5)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    for nobody in (owner, AnonymousUser()):
        assert not access.can_view(nobody, project)
        assert not access.can_manage(nobody, project)
        assert not access.can_participate(nobody, project)
        assert not access.can_transition_step(nobody, step)
        assert not access.can_decide_vendor(nobody, project)
        assert not access.can_create_project(nobody)
        assert not access.can_open_round(nobody, None)
        assert not access.can_open_round(nobody, project)
        assert not access.can_close_round(nobody, None, opened_by_id=owner.pk)
        assert not access.can_answer_round(nobody, None, invited=True)
        assert not access.can_see_round(nobody, None, opened_by_id=owner.pk, invited=True)
        assert not access.can_release_reminder_run(nobody)


@pytest.mark.django_db
def test_rounds(project, owner, member, outsider, executive):
    assert access.can_open_round(executive, None) and not access.can_open_round(owner, None)
    assert access.can_open_round(owner, project) and not access.can_open_round(member, project)
    # whoever opened a round closes it, even without the right to open another
    assert access.can_close_round(member, project, opened_by_id=member.pk)
    assert not access.can_close_round(member, project, opened_by_id=owner.pk)
    assert access.can_answer_round(member, project, invited=True)
    assert not access.can_answer_round(member, project, invited=False)
    assert not access.can_answer_round(executive, project, invited=True)  # not a member
    assert access.can_answer_round(outsider, None, invited=True)
    assert access.can_see_round(outsider, None, opened_by_id=executive.pk, invited=True)
    assert not access.can_see_round(outsider, project, opened_by_id=executive.pk, invited=True)


@pytest.mark.django_db
def test_require_says_404_before_403(project, member, outsider):
    with pytest.raises(access.NotVisible):
        access.require(outsider, project, True, "x")
    with pytest.raises(PermissionDenied) as refusal:
        access.require(member, project, False, "Not for you.")
    assert not isinstance(refusal.value, access.NotVisible)
    access.require(member, project, True, "x")
    with pytest.raises(PermissionDenied):
        access.require(member, None, False, "x")
