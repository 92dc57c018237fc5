"""Who sees which round, and the admin's view (who responded, never what)."""

import pytest
from django.urls import NoReverseMatch, reverse

from alignment.models import Dimension
from alignment.tests.factories import (
    IT_ANSWERS,
    MARKETING_ANSWERS,
    answer,
    answered_round,
    close,
    questionnaire,
)
from conftest import UserFactory
from governance.models import Department

pytestmark = pytest.mark.usefixtures("questionnaire")
__all__ = ["questionnaire"]

ROUND_URLS = ("alignment:round", "alignment:export")


@pytest.fixture
def project_round(owner, project, member):
    round_, _m, _it = answered_round(owner, MARKETING_ANSWERS, IT_ANSWERS, project=project, invitees=[member])
    return round_


@pytest.fixture
def org_round(executive):
    round_, marketing, _it = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS)
    round_.invitee = marketing[0]
    return round_


@pytest.mark.parametrize("name", ROUND_URLS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("member", 200), ("owner", 200), ("it_lead", 200), ("executive", 200), ("admin_user", 200)],
)
def test_project_round_is_visible_to_whoever_may_view_the_project(
    request, client, project_round, persona, status, name
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[project_round.pk])).status_code == status


def test_outsider_gets_404_on_every_project_round_url(client, outsider, project_round):
    client.force_login(outsider)
    for name in ("alignment:round", "alignment:export", "alignment:answer"):
        assert client.get(reverse(name, args=[project_round.pk])).status_code == 404
    assert client.post(reverse("alignment:close", args=[project_round.pk])).status_code == 404
    assert project_round.title not in client.get(reverse("alignment:index")).content.decode()


@pytest.mark.parametrize("name", ROUND_URLS)
def test_organization_round_is_visible_to_executives_admins_opener_and_invitees(
    client, org_round, owner, admin_user, executive, name
):
    url = reverse(name, args=[org_round.pk])
    for user, status in ((owner, 404), (admin_user, 200), (executive, 200), (org_round.invitee, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_unknown_round_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("alignment:round", args=[999999])).status_code == 404


def test_index_lists_only_rounds_the_user_may_see(client, org_round, project_round, owner, executive):
    client.force_login(owner)
    page = client.get(reverse("alignment:index")).content.decode()
    assert reverse("alignment:round", args=[project_round.pk]) in page
    assert reverse("alignment:round", args=[org_round.pk]) not in page
    assert "Open a round for the organization" not in page
    client.force_login(executive)
    page = client.get(reverse("alignment:index")).content.decode()
    assert reverse("alignment:round", args=[org_round.pk]) in page and "Open a round for the organization" in page


def test_project_tab_lists_the_project_rounds(client, member, project, project_round):
    client.force_login(member)
    page = client.get(reverse("alignment:project_rounds", kwargs={"slug": project.slug})).content.decode()
    assert project_round.title in page and "7 of 8" in page
    assert "Open a round" not in page  # a read-only member does not open rounds
    assert (
        'href="/alignment/projects/customer-data-platform/"' in client.get(project.get_absolute_url()).content.decode()
    )


def test_a_non_member_cannot_answer_a_project_round_even_if_once_invited(client, project_round, member, project):
    project.steps.get(number=1).assignments.filter(user=member).delete()  # no longer a member
    client.force_login(member)
    assert client.get(reverse("alignment:answer", args=[project_round.pk])).status_code == 404


def test_admin_shows_who_responded_never_what(client, admin_user, executive):
    round_, marketing, _it = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    answer(round_, marketing[0], MARKETING_ANSWERS[0], {"vision": "SECRET-COMMENT"})
    close(round_)
    client.force_login(admin_user)
    pages = [
        client.get(reverse("admin:alignment_alignmentround_change", args=[round_.pk])).content.decode(),
        client.get(reverse("admin:alignment_roundinvitation_changelist")).content.decode(),
        client.get(
            reverse("admin:alignment_roundinvitation_change", args=[marketing[0].alignment_invitations.get().pk])
        ).content.decode(),
    ]
    for page in pages:
        assert marketing[0].display_name in page  # who responded ...
        assert "SECRET-COMMENT" not in page  # ... never what: no comment, level or side column or field
        assert not any(
            f"{kind}-{name}" in page for kind in ("column", "field") for name in ("level", "side", "comment")
        )
    assert "column-answered_at" in pages[1] and "field-answered_at" in pages[2]  # the pattern above would match
    with pytest.raises(NoReverseMatch):
        reverse("admin:alignment_roundanswer_changelist")  # answers have no admin at all
    assert client.get(reverse("admin:alignment_alignmentround_add")).status_code == 403


def test_admin_edits_the_questionnaire(client, admin_user):
    dimension = Dimension.objects.get(key="testing")
    client.force_login(admin_user)
    assert client.get(reverse("admin:alignment_dimension_changelist")).status_code == 200
    page = client.get(reverse("admin:alignment_dimension_change", args=[dimension.pk])).content.decode()
    assert "IT tests stability and security first" in page
    assert page.count('name="levels-') >= 5 * 3  # five level rows, each with its fields


def test_home_query_count_stays_within_bound_with_waiting_rounds(client, django_assert_max_num_queries, executive):
    it_person = UserFactory(department=Department.IT)
    for _ in range(3):
        answered_round(executive, [[3] * 8] * 3, [[3] * 8] * 3, invitees=[it_person], closed=False)
    client.force_login(it_person)
    # My work: session, user, one query per list, and one or two per registered section (intake,
    # liaisons, RACI duties, vendor signatures, committee actions); flat in the number of rounds
    with django_assert_max_num_queries(14):
        page = client.get(reverse("home")).content.decode()
    assert "Alignment rounds waiting for your answers" in page and page.count("/answer/") == 3
