"""Concurrent editors on PostgreSQL: no 500, no lost update, no broken invariant.

Each editor is a thread with its own database connection and its own test
client, posting the real pages at the same moment (a barrier releases them
together). Only PostgreSQL runs writers at once; SQLite takes them one by
one, so these are skipped there (CI runs them on PostgreSQL: ``.ci/run``).
"""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from alignment.tests.factories import questionnaire  # noqa: F401  (a fixture)
from conftest import UserFactory
from governance.models import Department
from projects.models import Project
from raci.models import RaciAssignment, Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; CI runs this on PostgreSQL")


def at_once(jobs: list) -> list:
    """Run ``jobs`` (callables) in threads released together; their results in
    order. A job's exception (a 500 raises in the test client) is its result."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # a 500 or a database error: reported, not lost
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def matrix_url(project) -> str:
    return reverse("raci:matrix", kwargs={"slug": project.slug})


def page_form(response) -> dict:
    """What the matrix page (or its re-rendered refusal) posts back unchanged,
    read from the HTML: with threads rendering at once, the test client's
    captured template contexts mix pages, the HTML does not."""
    page = response.content.decode()
    data: dict = {"people": []}
    for name, value in re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)">', page):
        if name == "people":
            data["people"].append(int(value))
        elif name != "csrfmiddlewaretoken":
            data[name] = value
    for name, options in re.findall(r'<select name="(cell-[\d-]+)".*?>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="(\w?)"[^>]*\sselected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def roles(project) -> dict:
    return {(a.user_id, a.step.number): a.role for a in RaciAssignment.objects.filter(step__project=project)}


def one_accountable_per_step(project) -> bool:
    counts = [s.assignments.filter(role=Role.ACCOUNTABLE).count() for s in project.steps.all()]
    return all(n <= 1 for n in counts)


def statuses(results) -> list:
    assert not [r for r in results if isinstance(r, Exception)], results
    return [r.status_code for r in results]


def test_two_editors_saving_the_same_matrix_at_once_one_saves_the_other_is_told(project, owner, it_lead, executive):
    pages = [signed_in(u) for u in (owner, executive)]
    forms = [page_form(c.get(matrix_url(project))) for c in pages]
    forms[0][f"cell-{owner.pk}-1"] = "A"
    forms[1][f"cell-{it_lead.pk}-2"] = "A"

    codes = statuses(
        at_once([lambda c=c, f=f: c.post(matrix_url(project), f) for c, f in zip(pages, forms, strict=True)])
    )

    assert sorted(codes) == [302, 409]
    saved = codes.index(302)
    expected = {(owner.pk, 1): "A"} if saved == 0 else {(it_lead.pk, 2): "A"}
    current = roles(project)
    assert expected.items() <= current.items()
    assert len([k for k in ((owner.pk, 1), (it_lead.pk, 2)) if k in current]) == 1


def test_two_editors_making_different_people_accountable_for_one_step_at_once_leave_one(
    project, owner, it_lead, executive
):
    pages = [signed_in(u) for u in (owner, executive)]
    forms = [page_form(c.get(matrix_url(project))) for c in pages]
    forms[0][f"cell-{owner.pk}-5"] = "A"
    forms[1][f"cell-{it_lead.pk}-5"] = "A"
    codes = statuses(
        at_once([lambda c=c, f=f: c.post(matrix_url(project), f) for c, f in zip(pages, forms, strict=True)])
    )
    assert sorted(codes) == [302, 409]
    assert one_accountable_per_step(project)
    assert project.steps.get(number=5).assignments.filter(role=Role.ACCOUNTABLE).count() == 1


def test_the_service_without_a_version_still_keeps_one_accountable_and_names_the_other(project, owner, it_lead):
    from raci.services import MatrixError, matrix_save

    step = project.steps.get(number=5)

    def make(person):
        def job():
            try:
                matrix_save(actor=owner, project=project, rows={person.pk: {step.pk: "A"}})
                return "saved"
            except MatrixError as refusal:
                return refusal.messages[0]

        return job

    results = at_once([make(owner), make(it_lead)])
    assert "saved" in results, results
    refusal = next(r for r in results if r != "saved")
    assert "can have only one Accountable person" in refusal
    assert owner.display_name in refusal and it_lead.display_name in refusal
    assert one_accountable_per_step(project)


def test_a_save_from_a_stale_page_is_refused_while_another_editor_saves(project, owner, it_lead, executive):
    stale_client = signed_in(executive)
    stale = page_form(stale_client.get(matrix_url(project)))
    fresh_client = signed_in(owner)
    fresh = page_form(fresh_client.get(matrix_url(project)))
    fresh[f"cell-{owner.pk}-1"] = "A"
    assert fresh_client.post(matrix_url(project), fresh).status_code == 302

    stale[f"cell-{it_lead.pk}-2"] = "R"
    again = page_form(fresh_client.get(matrix_url(project)))
    again[f"cell-{owner.pk}-3"] = "R"
    codes = statuses(
        at_once(
            [
                lambda: stale_client.post(matrix_url(project), stale),
                lambda: fresh_client.post(matrix_url(project), again),
            ]
        )
    )
    assert codes[0] == 409
    assert roles(project)[(owner.pk, 1)] == "A"  # never reverted by the stale page
    assert (it_lead.pk, 2) not in roles(project)


def test_ten_people_saving_different_cells_at_once_lose_nothing(project, owner):
    editors = [UserFactory(department=Department.IT, is_executive=True) for _ in range(10)]
    people = [UserFactory(department=Department.MARKETING) for _ in range(10)]
    clients = [signed_in(e) for e in editors]
    url = matrix_url(project)
    forms = [page_form(c.get(url, {"add": [p.pk]})) for c, p in zip(clients, people, strict=True)]
    for i, (form, person) in enumerate(zip(forms, people, strict=True)):
        form[f"cell-{person.pk}-{i + 1}"] = "C"  # each editor: one person, one step

    pending = list(range(10))
    rounds = 0
    while pending:
        rounds += 1
        assert rounds <= 10, "some editors could never save"
        results = at_once([lambda i=i: clients[i].post(url, forms[i]) for i in pending])
        codes = statuses(results)
        assert set(codes) <= {302, 409}
        still = []
        for i, response in zip(pending, results, strict=True):
            if response.status_code == 409:
                # The refusal keeps the editor's choice over the current matrix: save again from it.
                forms[i] = page_form(response)
                assert forms[i][f"cell-{people[i].pk}-{i + 1}"] == "C"
                still.append(i)
        pending = still
        # Whatever was saved so far is still there: nothing saved is ever lost.
        saved = [i for i in range(10) if i not in pending]
        assert all(roles(project).get((people[i].pk, i + 1)) == "C" for i in saved)

    assert all(roles(project)[(people[i].pk, i + 1)] == "C" for i in range(10))
    assert one_accountable_per_step(project)


def test_two_project_edits_at_once_one_saves_and_the_other_is_told(project, owner, executive):
    url = reverse("projects:edit", kwargs={"slug": project.slug})
    clients = [signed_in(owner), signed_in(executive)]
    forms = []
    for client in clients:
        form = client.get(url).context["form"]
        forms.append({n: ("" if form[n].value() is None else form[n].value()) for n in form.fields})
    forms[0]["name"] = "Renamed by the owner"
    forms[1]["target_launch"] = "2027-06-30"
    codes = statuses(at_once([lambda c=c, f=f: c.post(url, f) for c, f in zip(clients, forms, strict=True)]))
    assert sorted(codes) == [302, 409]
    project = Project.objects.get(pk=project.pk)
    if codes[0] == 302:
        assert project.name == "Renamed by the owner" and project.target_launch is None
    else:
        assert project.name == "Customer data platform" and str(project.target_launch) == "2027-06-30"


@pytest.mark.usefixtures("questionnaire")
def test_two_people_closing_one_round_at_once_close_it_once():
    """Two executives press "Close round" at the same moment: one closes it, the
    other is told it is already closed; no 500, the summary is stored once."""
    from alignment.models import AlignmentRound, RoundSummary
    from alignment.tests.factories import IT_ANSWERS, MARKETING_ANSWERS, answered_round

    cmo = UserFactory(department=Department.MARKETING, is_executive=True)
    cio = UserFactory(department=Department.IT, is_executive=True)
    round_, _, _ = answered_round(cmo, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    url = reverse("alignment:close", kwargs={"pk": round_.pk})
    clients = [signed_in(cmo), signed_in(cio)]

    responses = at_once([lambda c=client: c.post(url, follow=True) for client in clients])

    assert all(not isinstance(r, Exception) and r.status_code == 200 for r in responses), responses
    pages = [r.content.decode() for r in responses]
    assert sum("Round closed: no more answers" in page for page in pages) == 1
    assert sum("This round is already closed." in page for page in pages) == 1
    assert not AlignmentRound.objects.get(pk=round_.pk).is_open
    assert RoundSummary.objects.filter(round=round_).count() == 1
