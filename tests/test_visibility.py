"""Visibility is one rule written twice: as SQL (``Project.objects.visible_to``,
behind ``access.visible_projects``, for lists) and in Python (``access.can_view``
and ``access.is_member``, for one project). They must never disagree: for every
persona, including inactive and anonymous users, on projects where they hold
every kind of place (and none), both must give the same answer.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import UserFactory, assign
from governance.models import Department
from projects import access
from projects.models import Project
from raci.models import Role


@pytest.fixture
def people(db, owner, it_lead, member, outsider, executive, admin_user):
    extra = {
        "sponsor": UserFactory(username="sam", department=Department.MARKETING),
        "it_sponsor": UserFactory(username="tess", department=Department.IT),
        "responsible": UserFactory(username="rita", department=Department.IT),
        "accountable": UserFactory(username="vera", department=Department.MARKETING),
        "staff_only": UserFactory(username="staff", is_staff=True),
        "superuser_only": UserFactory(username="super", is_superuser=True),
        "inactive_member": UserFactory(username="gone"),
        "inactive_executive": UserFactory(username="retired", is_executive=True),
        "inactive_admin": UserFactory(username="oldroot", is_staff=True, is_superuser=True),
        "inactive_owner": UserFactory(username="leaver", department=Department.MARKETING_OPS),
    }
    return {
        "owner": owner,
        "it_lead": it_lead,
        "member": member,
        "outsider": outsider,
        "executive": executive,
        "admin_user": admin_user,
        **extra,
    }


@pytest.fixture
def projects(people, project_factory):
    p = people
    first = project_factory.create(owner=p["owner"], it_lead=p["it_lead"], name="First")
    assign(first.steps.get(number=1), p["member"], Role.CONSULTED)
    assign(first.steps.get(number=4), p["responsible"], Role.RESPONSIBLE)
    assign(first.steps.get(number=4), p["inactive_member"], Role.INFORMED)
    second = project_factory.create(
        owner=p["it_lead"], marketing_sponsor=p["sponsor"], it_sponsor=p["it_sponsor"], name="Second"
    )
    assign(second.steps.get(number=5), p["accountable"], Role.ACCOUNTABLE)
    assign(second.steps.get(number=5), p["member"], Role.INFORMED)  # one person, two projects, two roles
    third = project_factory.create(owner=p["inactive_owner"], name="Third")
    assign(third.steps.get(number=10), p["owner"], Role.INFORMED)
    lonely = project_factory.create(owner=p["sponsor"], name="Lonely")  # one member, no roles
    for name in ("inactive_member", "inactive_executive", "inactive_admin", "inactive_owner"):
        people[name].is_active = False
        people[name].save(update_fields=["is_active"])
    return [first, second, third, lonely]


def _viewers(people):
    return [*people.items(), ("anonymous", AnonymousUser())]


def test_sql_and_python_agree_on_who_sees_what(people, projects):
    for name, user in _viewers(people):
        in_sql = set(access.visible_projects(user).filter(pk__in=[p.pk for p in projects]))
        in_python = {p for p in projects if access.can_view(user, p)}
        assert in_sql == in_python, name


def test_membership_agrees_with_member_ids_and_the_queryset(people, projects):
    for name, user in _viewers(people):
        for project in projects:
            fresh = Project.objects.get(pk=project.pk)
            member = access.is_member(user, fresh)
            assert member == (user.is_active and user.pk in access.member_ids(fresh)), (name, project.name)
            if not access.sees_everything(user):
                assert member == Project.objects.visible_to(user).filter(pk=project.pk).exists(), (name, project.name)


def test_the_expected_people_see_each_project(people, projects):
    """The rule itself, spelled out, so the two agreeing on a wrong answer is caught too."""
    sees = {name: {p.name for p in projects if access.can_view(user, p)} for name, user in _viewers(people)}
    everything = {"First", "Second", "Third", "Lonely"}
    assert sees["executive"] == sees["admin_user"] == sees["staff_only"] == sees["superuser_only"] == everything
    assert sees["owner"] == {"First", "Third"}  # owns one, Informed on another
    assert sees["it_lead"] == {"First", "Second"}
    assert sees["member"] == {"First", "Second"}
    assert sees["responsible"] == {"First"}
    assert sees["sponsor"] == {"Second", "Lonely"}
    assert sees["it_sponsor"] == {"Second"}
    assert sees["accountable"] == {"Second"}
    nobodies = ("outsider", "anonymous", "inactive_member", "inactive_executive", "inactive_admin", "inactive_owner")
    for nobody in nobodies:
        assert sees[nobody] == set(), nobody


def test_get_project_or_404_follows_the_same_rule(people, projects):
    for name, user in _viewers(people):
        for project in projects:
            if access.can_view(user, project):
                assert access.get_project_or_404(user, project.slug) == project, (name, project.name)
            else:
                with pytest.raises(access.NotVisible):
                    access.get_project_or_404(user, project.slug)


# --- Alignment rounds: the same agreement, for the rounds each person may see --------------------


@pytest.fixture
def rounds(people, projects):
    from datetime import timedelta

    from django.utils import timezone

    from alignment.defaults import ensure_default_questionnaire
    from alignment.models import AlignmentRound, RoundInvitation

    ensure_default_questionnaire()
    closes_at = timezone.now() + timedelta(days=7)
    first, second, *_ = projects
    made = [
        AlignmentRound.objects.create(title="First's", project=first, opened_by=people["owner"], closes_at=closes_at),
        AlignmentRound.objects.create(
            title="Second's", project=second, opened_by=people["it_lead"], closes_at=closes_at
        ),
        AlignmentRound.objects.create(title="Org, opened", opened_by=people["executive"], closes_at=closes_at),
        AlignmentRound.objects.create(
            title="Org, by a leaver", opened_by=people["inactive_executive"], closes_at=closes_at
        ),
    ]
    for name in ("member", "outsider", "inactive_member"):
        RoundInvitation.objects.create(round=made[2], user=people[name])
    return made


def test_rounds_sql_and_python_agree(people, rounds):
    from alignment.models import RoundInvitation
    from alignment.selectors import round_for, rounds_visible_to

    for name, user in _viewers(people):
        in_sql = set(rounds_visible_to(user).filter(pk__in=[r.pk for r in rounds]))
        invited = (
            set()
            if not user.is_authenticated
            else set(RoundInvitation.objects.filter(user=user).values_list("round_id", flat=True))
        )
        in_python = {
            r
            for r in rounds
            if access.can_see_round(user, r.project, opened_by_id=r.opened_by_id, invited=r.pk in invited)
        }
        assert in_sql == in_python, name
        if not user.is_authenticated:
            continue
        for round_ in rounds:
            if round_ in in_python:
                assert round_for(user, round_.pk)[0] == round_, (name, round_.title)
            else:
                with pytest.raises(access.NotVisible):
                    round_for(user, round_.pk)
    outsider = {r.title for r in rounds_visible_to(people["outsider"])}
    assert outsider == {"Org, opened"}  # invited to it, member of no project
    assert not rounds_visible_to(people["inactive_member"]).exists()
    assert not rounds_visible_to(people["inactive_executive"]).exists()
