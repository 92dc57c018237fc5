"""The framework's pages: Who owns what, the editor, applying it to a project, the sidebar card."""

import pytest
from django.urls import reverse

from conftest import UserFactory, assign
from governance.models import Department
from raci.framework_demo import default_entries
from raci.framework_forms import as_opened, cell_name, person_name
from raci.framework_services import framework_save
from raci.models import FrameworkEntry, FrameworkRevision, FrameworkRole, OrganizationPost, RaciAssignment, Role
from raci.tests.test_framework import accountable_steps, roles_of

MO, SEC = OrganizationPost.MARKETING_OPS, OrganizationPost.IT_SECURITY
FRAMEWORK_URL = reverse("raci:framework")
EDIT_URL = reverse("raci:framework_edit")


def apply_url(project) -> str:
    return reverse("raci:framework_apply", kwargs={"slug": project.slug})


def form_data(entries=None, *, version=1, people=None, opened=None) -> dict:
    """What the editor posts: every cell, the named people, the version and the page as opened."""
    entries = default_entries() if entries is None else entries
    data = {"version": version, "opened": opened or ""}
    for number in range(1, 11):
        for role in FrameworkRole.values:
            data[cell_name(number, role)] = entries.get((number, role), "")
    for post, user in (people or {}).items():
        data[person_name(post)] = user.pk if user else ""
    return data


# --- Who owns what ---------------------------------------------------------------------------


def test_everyone_signed_in_reads_who_owns_what(client, default_framework, member):
    client.force_login(member)
    response = client.get(FRAMEWORK_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Who owns what" in page
    assert "Marketing Ops (Maya Patel) is accountable; project owner responsible" in page
    assert "IT security (Dev Raman)" in page
    assert response.context["steps"][0].letters[0] == ("owner", "A")
    assert "Edit the framework" not in page
    assert f'href="{FRAMEWORK_URL}">Who owns what</a>' in page  # the navigation link


def test_executives_see_the_edit_button(client, default_framework, executive):
    client.force_login(executive)
    assert "Edit the framework" in client.get(FRAMEWORK_URL).content.decode()


def test_before_any_framework_the_page_says_so(client, member):
    client.force_login(member)
    assert "The framework has not been set yet." in client.get(FRAMEWORK_URL).content.decode()


# --- The editor ------------------------------------------------------------------------------


def test_the_editor_is_for_executives_and_administrators(client, owner, admin_user):
    client.force_login(owner)
    assert client.get(EDIT_URL).status_code == 403
    assert client.post(EDIT_URL, form_data(version=0)).status_code == 403
    client.force_login(admin_user)
    assert client.get(EDIT_URL).status_code == 200


def test_an_executive_changes_a_cell(client, default_framework, executive, mops, security):
    client.force_login(executive)
    page = client.get(EDIT_URL)
    assert page.context["form"]["version"].value() == 1
    entries = default_entries()
    entries[(7, "owner")] = "R"
    response = client.post(EDIT_URL, form_data(entries, people={MO: mops, SEC: security}), follow=True)
    assert response.redirect_chain[-1][0] == FRAMEWORK_URL
    assert "Framework saved (version 2): 1 change." in response.content.decode()
    assert FrameworkEntry.objects.get(step_number=7, role="owner").letter == "R"
    history = client.get(EDIT_URL).content.decode()
    assert "Step 7, Project management: Project owner C → R" in history


def test_errors_are_shown_per_step_and_per_cell_and_nothing_is_saved(client, default_framework, executive):
    client.force_login(executive)
    entries = default_entries()
    entries[(3, "owner")] = ""  # step 3 left without an A
    entries[(5, "it_lead")] = "A"  # step 5 with two
    response = client.post(EDIT_URL, form_data(entries))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Step 3, Define the requirements, has no Accountable role: mark exactly one role A." in page
    assert "Project owner and IT lead are both marked A" in page
    assert response.context["cell_error_count"] == 2
    assert 'aria-invalid="true"' in page
    # The user's choices are kept.
    assert response.context["form"][cell_name(5, "it_lead")].value() == "A"
    assert FrameworkRevision.objects.count() == 1
    assert FrameworkEntry.objects.get(step_number=3, role="owner").letter == "A"


def test_an_invalid_letter_is_a_cell_error(client, default_framework, executive):
    client.force_login(executive)
    data = form_data()
    data[cell_name(2, "owner")] = "Z"
    response = client.post(EDIT_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors[cell_name(2, "owner")]


def test_a_named_person_who_left_must_be_replaced(client, default_framework, executive, mops, member):
    framework_save(actor=executive, entries=default_entries(), people={MO: member}, expected_version=1)
    member.is_active = False
    member.save()
    client.force_login(executive)
    response = client.get(EDIT_URL)
    assert response.context["form"][person_name(MO)].value() == member.pk  # still shown, to be replaced
    response = client.post(EDIT_URL, form_data(version=2, people={MO: member}))
    assert response.status_code == 200
    assert "Bob Member is no longer active" in response.content.decode()


def test_a_stale_edit_shows_what_changed_and_keeps_the_users_own_changes(
    client, default_framework, executive, admin_user, mops, security
):
    opened = as_opened(default_entries()) + f"|{mops.pk},{security.pk}"
    theirs = default_entries()
    theirs[(7, "owner")] = "R"
    framework_save(actor=admin_user, entries=theirs, people={}, expected_version=1)

    mine = default_entries()
    mine[(8, "owner")] = "I"
    client.force_login(executive)
    response = client.post(EDIT_URL, form_data(mine, people={MO: mops, SEC: security}, opened=opened))
    page = response.content.decode()
    assert response.status_code == 409
    assert "someone saved the framework after you opened it" in page
    assert "Project owner C → R" in page  # their change, listed
    form = response.context["form"]
    assert form["version"].value() == 2
    assert form[cell_name(7, "owner")].value() == "R"  # theirs, shown (not undone)
    assert form[cell_name(8, "owner")].value() == "I"  # mine, kept
    assert FrameworkEntry.objects.get(step_number=8, role="owner").letter == "C"  # nothing of mine saved


@pytest.mark.parametrize("count", [3, 30])
def test_framework_pages_read_a_fixed_number_of_queries(
    client, default_framework, executive, mops, security, count, django_assert_num_queries
):
    for number in range(2, count + 2):
        FrameworkRevision.objects.create(number=number, saved_by=executive, changes=["A change"])
    client.force_login(executive)
    with django_assert_num_queries(6):  # session, user, framework, named people, last revision, liaisons
        client.get(FRAMEWORK_URL)
    with django_assert_num_queries(9):  # + version, the people to pick (x2), history count and page
        client.get(EDIT_URL)


# --- Applying it to a project ------------------------------------------------------------------


def test_the_preview_says_what_will_be_added_kept_and_replaced(client, default_framework, project, owner, member):
    RaciAssignment.objects.filter(user=member, role=Role.CONSULTED).delete()
    assign(project.steps.get(number=1), member, Role.ACCOUNTABLE)
    client.force_login(owner)
    response = client.get(apply_url(project))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Will be added" in page
    assert "Bob Member stays Accountable; the framework says Alice Owner (project owner) is Accountable." in page
    assert "Replace hand-set roles where the framework differs" in page
    assert "Step 2 would have no Accountable: no marketing sponsor named for the project." in page
    assert not RaciAssignment.objects.filter(user=owner).exists()  # a preview writes nothing


def test_applying_adds_and_redirects_to_the_matrix(client, default_framework, project, owner):
    client.force_login(owner)
    version = client.get(apply_url(project)).context["preview"].version
    response = client.post(apply_url(project), {"version": version}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("raci:matrix", kwargs={"slug": project.slug})
    page = response.content.decode()
    assert "Framework applied:" in page
    assert "Still without an Accountable person: step 2." in page  # no marketing sponsor named
    assert accountable_steps(project) == set(range(1, 11)) - {2}


def test_applying_with_replace(client, default_framework, project, owner, member):
    RaciAssignment.objects.filter(user=member, role=Role.CONSULTED).delete()
    assign(project.steps.get(number=1), member, Role.ACCOUNTABLE)
    client.force_login(owner)
    client.post(apply_url(project), {"replace": "on"})
    assert roles_of(project)[(1, "alice")] == "A"
    assert (1, "bob") not in roles_of(project)


def test_a_stale_preview_is_refused(client, default_framework, project, owner):
    client.force_login(owner)
    response = client.post(apply_url(project), {"version": 0})  # the member's C was added since version 0
    assert response.status_code == 409
    assert "Nothing was applied" in response.content.decode()
    assert not RaciAssignment.objects.filter(user=owner).exists()


def test_a_garbled_version_is_a_bad_request(client, default_framework, project, owner):
    client.force_login(owner)
    assert client.post(apply_url(project), {"version": "x"}).status_code == 400


def test_read_only_members_and_outsiders_cannot_apply(client, default_framework, project, member, outsider):
    client.force_login(member)
    assert client.get(apply_url(project)).status_code == 403
    assert client.post(apply_url(project)).status_code == 403
    client.force_login(outsider)
    assert client.get(apply_url(project)).status_code == 404
    assert client.post(apply_url(project)).status_code == 404
    assert roles_of(project) == {(1, "bob"): "C"}


@pytest.mark.parametrize("count", [3, 30])
def test_the_preview_reads_a_fixed_number_of_queries(
    client, default_framework, project, owner, count, django_assert_num_queries
):
    steps = list(project.steps.order_by("number"))
    for i in range(count):
        assign(steps[i % 10], UserFactory(), Role.CONSULTED)
    client.force_login(owner)
    with django_assert_num_queries(8):  # session, user, project, + the preview's five
        client.get(apply_url(project))


# --- The project page's card ---------------------------------------------------------------------


def test_the_project_page_shows_departures_then_a_match(client, default_framework, project_factory, owner, it_lead):
    marketing, it = UserFactory(), UserFactory(department=Department.IT)
    project = project_factory.create(owner=owner, it_lead=it_lead, marketing_sponsor=marketing, it_sponsor=it)
    client.force_login(owner)
    detail = reverse("project_detail", kwargs={"slug": project.slug})
    page = client.get(detail).content.decode()
    assert "Responsibility framework" in page
    assert "has no role; the framework says" in page
    assert "more</li>" in page  # at most five lines, and how many more
    assert "Preview applying the framework" in page
    client.post(apply_url(project))
    page = client.get(detail).content.decode()
    assert "Matches the" in page


def test_the_card_has_no_apply_link_for_a_read_only_member(client, default_framework, project, member):
    client.force_login(member)
    page = client.get(reverse("project_detail", kwargs={"slug": project.slug})).content.decode()
    assert "Responsibility framework" in page
    assert "Preview applying the framework" not in page


def test_a_garbled_editor_post_is_shown_not_saved(client, default_framework, executive):
    client.force_login(executive)
    response = client.post(EDIT_URL, {**form_data(), "version": "not a version"})
    assert response.status_code == 200
    assert "The page was not understood; reload it" in response.content.decode()
    assert FrameworkRevision.objects.count() == 1
