import pytest
from django.urls import reverse

from conftest import UserFactory, assign
from governance.models import Department
from raci.models import RaciAssignment, Role
from raci.services import matrix_save


def matrix_url(project):
    return reverse("raci:matrix", kwargs={"slug": project.slug})


def cell(user, number):
    return f"cell-{user.pk}-{number}"


@pytest.mark.django_db
def test_saving_the_matrix_assigns_roles_and_says_so(client, project, owner, it_lead, member):
    client.force_login(it_lead)
    data = {"people": [owner.pk, it_lead.pk, member.pk], cell(it_lead, 5): "A", cell(owner, 5): "R"}
    data[cell(member, 1)] = "C"
    response = client.post(matrix_url(project), data, follow=True)
    assert "RACI matrix saved: 2 added, 0 changed, 0 removed." in response.content.decode()
    assert project.steps.get(number=5).assignments.get(role=Role.ACCOUNTABLE).user == it_lead


@pytest.mark.django_db
def test_refused_matrix_saves_nothing_and_keeps_the_users_choices(client, project, owner, it_lead, member):
    client.force_login(owner)
    before = set(RaciAssignment.objects.values_list("user_id", "step_id", "role"))
    data = {
        "people": [owner.pk, it_lead.pk, member.pk],
        cell(owner, 5): "A",
        cell(it_lead, 5): "A",  # a second A on step 5: refused
        cell(owner, 2): "R",  # a valid change, kept on the page but not saved
        cell(member, 1): "C",
    }
    response = client.post(matrix_url(project), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert set(RaciAssignment.objects.values_list("user_id", "step_id", "role")) == before
    rows = {(r["person"].pk, c["step"].number): c for r in response.context["rows"] for c in r["cells"]}
    assert rows[(owner.pk, 2)]["value"] == "R"
    assert rows[(owner.pk, 5)]["errors"] and rows[(it_lead.pk, 5)]["errors"]
    assert not rows[(owner.pk, 2)]["errors"]
    assert 'aria-invalid="true"' in page
    assert page.count("is-invalid") == 2


@pytest.mark.django_db
def test_read_only_member_sees_a_disabled_matrix(client, project, member):
    client.force_login(member)
    page = client.get(matrix_url(project)).content.decode()
    assert "Save matrix" not in page
    assert "disabled" in page


@pytest.mark.django_db
def test_adding_a_person_returns_their_empty_row_and_a_new_picker(client, project, owner, it_lead, member):
    newcomer = UserFactory(first_name="Nora", last_name="Quinn", department=Department.IT)
    client.force_login(owner)
    url = reverse("raci:matrix_row", kwargs={"slug": project.slug})
    response = client.get(
        url, {"add": newcomer.pk, "people": [owner.pk, it_lead.pk, member.pk]}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="people" value="{newcomer.pk}"' in page
    assert page.count("<select") == 11  # ten cells and the refreshed picker
    assert 'hx-swap-oob="true"' in page
    picker = page[page.index('id="add-person"') :]
    assert "Nora Quinn" not in picker


@pytest.mark.django_db
def test_adding_a_person_without_javascript_shows_them_in_the_matrix(client, project, owner):
    newcomer = UserFactory(first_name="Nora", last_name="Quinn")
    client.force_login(owner)
    response = client.get(matrix_url(project), {"add": newcomer.pk})
    assert newcomer in [row["person"] for row in response.context["rows"]]


@pytest.mark.django_db
def test_nonsense_people_ids_are_a_clear_400_not_a_500(client, project, owner):
    client.force_login(owner)
    response = client.post(matrix_url(project), {"people": ["x"]})
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_unknown_role_in_a_cell_is_refused_with_a_message(client, project, owner):
    client.force_login(owner)
    response = client.post(matrix_url(project), {"people": [owner.pk], cell(owner, 3): "Z"})
    assert "is not a RACI role" in response.content.decode()
    assert not RaciAssignment.objects.filter(user=owner).exists()


def _populate(project, people_count):
    steps = list(project.steps.order_by("number"))
    for i in range(people_count):
        person = UserFactory(department=Department.IT if i % 2 else Department.MARKETING)
        assign(steps[i % 10], person, Role.CONSULTED)


@pytest.mark.django_db
@pytest.mark.parametrize("people_count", [3, 30])
def test_matrix_page_queries_do_not_grow_with_people(
    client, project, owner, people_count, django_assert_max_num_queries
):
    _populate(project, people_count)
    client.force_login(owner)
    # One more than before: the matrix version the page is opened at.
    with django_assert_max_num_queries(8):
        response = client.get(matrix_url(project))
    assert len(response.context["rows"]) >= people_count


@pytest.mark.django_db
@pytest.mark.parametrize("people_count", [3, 30])
def test_matrix_save_queries_do_not_grow_with_people_beyond_the_changed_cells(
    client, project, owner, people_count, django_assert_max_num_queries
):
    _populate(project, people_count)
    client.force_login(owner)
    # The form posts every cell; only one of them changes.
    data = {"people": list(RaciAssignment.objects.values_list("user_id", flat=True).distinct()) + [owner.pk]}
    for user_id, number, role in RaciAssignment.objects.values_list("user_id", "step__number", "role"):
        data[f"cell-{user_id}-{number}"] = role
    data[cell(owner, 4)] = "A"
    # 16, + 3 the new Accountable's acknowledgement and the Informed (raci.duties), + 4 integrations' receivers
    with django_assert_max_num_queries(23):
        response = client.post(matrix_url(project), data)
    assert response.status_code == 302
    assert RaciAssignment.objects.filter(step__project=project).count() == people_count + 2


@pytest.mark.django_db
def test_step_transition_refused_by_the_rules_shows_the_reason(client, project, owner):
    client.force_login(owner)
    url = reverse("raci:step_transition", kwargs={"slug": project.slug, "number": 2, "transition": "start"})
    response = client.post(url, follow=True)
    assert "cannot start without an Accountable person" in response.content.decode()
    assert project.steps.get(number=2).status == "not_started"


@pytest.mark.django_db
def test_responsible_person_may_finish_their_step(client, project, owner, user_factory):
    doer = user_factory(department=Department.IT)
    step = project.steps.get(number=6)
    assign(step, owner, Role.ACCOUNTABLE)
    assign(step, doer, Role.RESPONSIBLE)
    client.force_login(doer)
    for transition in ("start", "finish"):
        url = reverse("raci:step_transition", kwargs={"slug": project.slug, "number": 6, "transition": transition})
        assert client.post(url).status_code == 302
    assert project.steps.get(number=6).status == "done"


@pytest.mark.django_db
def test_unknown_transition_is_a_400(client, project, owner):
    client.force_login(owner)
    url = reverse("raci:step_transition", kwargs={"slug": project.slug, "number": 2, "transition": "explode"})
    assert client.post(url).status_code == 400


# --- The matrix at one step: who is Accountable, in one choice and one save ----------------------


def at_step(project, number):
    return f"{matrix_url(project)}?step={number}#step-{number}"


def assign_url(project, number):
    return reverse("raci:assign_accountable", kwargs={"slug": project.slug, "number": number})


@pytest.mark.django_db
def test_the_matrix_at_a_step_offers_its_people_with_the_suggested_one_first(client, project, owner, it_lead):
    client.force_login(owner)
    response = client.get(matrix_url(project), {"step": 6})
    focus = response.context["focus"]
    assert focus["step"].number == 6 and focus["holder"] is None
    assert focus["choices"][0]["person"] == it_lead and focus["choices"][0]["suggested"]  # an IT step
    page = response.content.decode()
    assert 'id="step-6"' in page and "Nobody is Accountable for this step yet." in page
    assert "Suggested: the project's IT lead" in page
    marketing = client.get(matrix_url(project), {"step": 1}).context["focus"]
    assert marketing["choices"][0]["person"] == owner and marketing["why"] == "owner"


@pytest.mark.django_db
def test_making_someone_accountable_from_the_focused_step(client, project, owner, it_lead):
    client.force_login(owner)
    version = client.get(matrix_url(project), {"step": 6}).context["version"]
    response = client.post(assign_url(project, 6), {"person": it_lead.pk, "version": version}, follow=True)
    assert response.redirect_chain[-1][0] == at_step(project, 6)
    assert project.steps.get(number=6).assignments.get(role=Role.ACCOUNTABLE).user == it_lead
    focus = response.context["focus"]
    assert focus["holder"] == it_lead
    assert focus["messages"][0].message.startswith(
        "Ivan Lead is now Accountable for step 6, Build and integrate the solution."
    )
    assert response.context["page_messages"] == []  # shown at the step, not at the top


@pytest.mark.django_db
def test_choosing_someone_else_moves_the_accountable_role(client, project, owner, it_lead, member):
    step = project.steps.get(number=2)
    assign(step, it_lead, Role.ACCOUNTABLE)
    client.force_login(owner)
    version = client.get(matrix_url(project), {"step": 2}).context["version"]
    client.post(assign_url(project, 2), {"person": "other", "other": member.pk, "version": version})
    assert list(step.assignments.values_list("user__username", "role")) == [("bob", "A")]


@pytest.mark.django_db
def test_a_stale_focused_step_saves_nothing_and_says_what_changed(client, project, owner, it_lead, member):
    client.force_login(owner)
    version = client.get(matrix_url(project), {"step": 6}).context["version"]
    matrix_save(actor=it_lead, project=project, rows={member.pk: {project.steps.get(number=6).pk: "A"}})
    response = client.post(assign_url(project, 6), {"person": owner.pk, "version": version}, follow=True)
    message = response.context["focus"]["messages"][0]
    assert message.level_tag == "error" and "someone changed this matrix after you opened it" in message.message
    assert "Bob Member — → Accountable" in message.message
    assert project.steps.get(number=6).assignments.get(role=Role.ACCOUNTABLE).user == member


@pytest.mark.django_db
def test_choosing_nobody_is_refused_at_the_step(client, project, owner):
    client.force_login(owner)
    response = client.post(assign_url(project, 3), {"version": 0}, follow=True)
    assert "choose who is Accountable for step 3" in response.context["focus"]["messages"][0].message
    assert not RaciAssignment.objects.filter(step__number=3, step__project=project).exists()


@pytest.mark.django_db
def test_a_read_only_member_sees_the_step_but_no_form(client, project, member):
    client.force_login(member)
    page = client.get(matrix_url(project), {"step": 4}).content.decode()
    assert "who is Accountable?" in page and 'data-testid="focus-form"' not in page


# --- Bulk RACI: a preview, then exactly the previewed cells through matrix_save -------------------


def bulk_url(project, kind):
    return reverse(f"raci:bulk_{kind}", kwargs={"slug": project.slug})


def _apply(client, project, kind, plan, **extra):
    data = {"version": plan.version, "change": [c.posted for c in plan.changes], **extra}
    return client.post(bulk_url(project, kind), data, follow=True)


@pytest.mark.django_db
def test_bulk_accountable_previews_then_applies_the_suggested_side(client, user_factory, owner, it_lead):
    from conftest import ProjectFactory

    sponsor = user_factory(first_name="Sam", last_name="Sponsor", department=Department.MARKETING)
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, marketing_sponsor=sponsor, name="Bulk")
    assign(project.steps.get(number=1), sponsor, Role.ACCOUNTABLE)
    client.force_login(owner)
    response = client.get(bulk_url(project, "accountable"))
    plan = response.context["plan"]
    cells = {(c.step.number, c.person.username, c.after) for c in plan.changes}
    # Marketing steps (2, 3, 9) to the owner (Marketing Ops); IT-led steps (4, 6, 7, 8, 10) to the IT lead;
    # step 5, the joint choice, to the budget owner's side (Marketing by default): the owner again.
    expected = {(n, "alice", "A") for n in (2, 3, 5, 9)} | {(n, "ivan", "A") for n in (4, 6, 7, 8, 10)}
    assert cells == expected
    page = response.content.decode()
    assert "Preview: 9 changes on 9 steps" in page and RaciAssignment.objects.filter(role="A").count() == 1

    response = _apply(client, project, "accountable", plan)
    assert "Applied to 9 steps: 9 added, 0 changed, 0 removed." in response.content.decode()
    owners = dict(project.steps.filter(assignments__role="A").values_list("number", "assignments__user__username"))
    assert owners == {1: sponsor.username, **{n: u for n, u, _ in expected}}


@pytest.mark.django_db
def test_bulk_accountable_clears_an_inactive_a_and_skips_what_it_cannot_suggest(client, user_factory, owner):
    from conftest import ProjectFactory

    project = ProjectFactory.create(owner=owner, name="No IT")  # no IT lead, no IT sponsor
    leaver = user_factory(department=Department.MARKETING)
    assign(project.steps.get(number=2), leaver, Role.ACCOUNTABLE)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    client.force_login(owner)
    plan = client.get(bulk_url(project, "accountable")).context["plan"]
    step2 = [(c.person, c.before, c.after) for c in plan.changes if c.step.number == 2]
    assert step2 == [(owner, "", "A"), (leaver, "A", "")]
    skipped = {s.step.number: s.reason for s in plan.skipped}
    assert set(skipped) == {4, 6, 7, 8, 10}
    assert "no active IT lead or IT sponsor" in skipped[6]
    _apply(client, project, "accountable", plan)
    assert project.steps.get(number=2).assignments.get(role="A").user == owner


@pytest.mark.django_db
def test_a_stale_bulk_preview_applies_nothing_and_shows_the_preview_again(client, project, owner, it_lead, member):
    client.force_login(owner)
    plan = client.get(bulk_url(project, "accountable")).context["plan"]
    matrix_save(actor=it_lead, project=project, rows={member.pk: {project.steps.get(number=6).pk: "A"}})
    response = _apply(client, project, "accountable", plan)
    assert response.status_code == 409
    assert "Nothing was applied: the matrix changed since you opened the preview." in response.content.decode()
    assert RaciAssignment.objects.filter(role="A").count() == 1
    fresh = response.context["plan"]
    assert 6 not in {c.step.number for c in fresh.changes} and len(fresh.changes) == 9


@pytest.mark.django_db
def test_a_role_on_all_it_steps_skips_the_conflicts_and_says_so(client, project, owner, it_lead, member):
    doer = UserFactory(first_name="Dee", last_name="Vops", department=Department.IT)
    assign(project.steps.get(number=7), member, Role.ACCOUNTABLE)
    assign(project.steps.get(number=8), doer, Role.CONSULTED)
    client.force_login(owner)
    response = client.get(bulk_url(project, "it_steps"), {"person": doer.pk, "role": "A"})
    plan = response.context["plan"]
    assert [(c.step.number, c.before, c.after) for c in plan.changes] == [
        (4, "", "A"),
        (6, "", "A"),
        (8, "C", "A"),
        (10, "", "A"),
    ]
    assert [(s.step.number, s.reason) for s in plan.skipped] == [
        (7, "Conflict: Bob Member is Accountable (one per step). Change it in the matrix.")
    ]
    assert "Conflict: Bob Member is Accountable" in response.content.decode()
    _apply(client, project, "it_steps", plan, person=doer.pk, role="A")
    mine = set(RaciAssignment.objects.filter(user=doer).values_list("step__number", "role"))
    assert mine == {(4, "A"), (6, "A"), (8, "A"), (10, "A")}
    assert project.steps.get(number=7).assignments.get(role="A").user == member


@pytest.mark.django_db
def test_a_role_on_all_it_steps_needs_a_person_and_a_role(client, project, owner):
    client.force_login(owner)
    assert client.get(bulk_url(project, "it_steps")).context["plan"] is None
    response = client.get(bulk_url(project, "it_steps"), {"person": owner.pk, "role": "Z"})
    assert "Choose a person and a role to preview." in response.content.decode()


@pytest.mark.django_db
def test_a_forged_bulk_change_is_a_400(client, project, owner):
    client.force_login(owner)
    response = client.post(bulk_url(project, "accountable"), {"version": 0, "change": ["1:99:A"]})
    assert response.status_code == 400


@pytest.mark.django_db
def test_bulk_pages_are_for_those_who_manage(client, project, member):
    client.force_login(member)
    assert client.get(bulk_url(project, "accountable")).status_code == 403
    assert client.get(bulk_url(project, "it_steps")).status_code == 403
