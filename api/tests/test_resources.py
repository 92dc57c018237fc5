"""Every resource through the API, with the rules' errors in the one shape (docs/api.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import Scope
from api.tests.conftest import client_for
from conftest import assign
from projects.models import Project
from raci.models import RaciAssignment, Role
from scorecards.defaults import ensure_default_criteria
from scorecards.services import candidate_save, ratings_save, scorecard_for

pytestmark = pytest.mark.django_db


def url(project, rest: str = "") -> str:
    return f"/api/v1/projects/{project.slug}/{rest}"


# --- Projects ---------------------------------------------------------------------------


def test_projects_list_only_what_the_caller_sees_with_filters(project, owner, outsider, project_factory):
    other = project_factory.create(name="Other", status="on_hold")
    api = client_for(owner)
    body = api.get("/api/v1/projects/").json()
    assert [p["slug"] for p in body["results"]] == [project.slug] and body["count"] == 1
    assert client_for(outsider).get("/api/v1/projects/").json()["count"] == 0
    executive_view = client_for(other.owner).get("/api/v1/projects/", {"status": "on_hold", "mine": "true"}).json()
    assert [p["slug"] for p in executive_view["results"]] == [other.slug]


def test_projects_list_refuses_a_bad_filter(owner, project):
    response = client_for(owner).get("/api/v1/projects/", {"status": "nope"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_project_create_through_the_service(owner, it_lead, member):
    api = client_for(owner)
    response = api.post(
        "/api/v1/projects/", {"name": "New CRM", "problem": "Leads are lost.", "it_lead": it_lead.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    project = Project.objects.get(slug=response.json()["slug"])
    assert project.steps.count() == 10 and project.owner == owner and project.it_lead == it_lead
    refused = api.post("/api/v1/projects/", {"name": "X", "problem": "Y", "it_lead": member.pk}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"errors": {"it_lead": ["The IT lead must be in IT."]}}
    missing = api.post("/api/v1/projects/", {"problem": "Y"}, format="json")
    assert missing.status_code == 400 and "name" in missing.json()["errors"]


def test_project_update_with_version_check(project, owner, it_lead, member, outsider):
    api = client_for(owner)
    version = api.get(url(project)).json()["version"]
    changed = api.patch(url(project), {"version": version, "name": "Renamed"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Renamed"
    stale = client_for(it_lead).patch(url(project), {"version": version, "status": "on_hold"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["version"] == changed.json()["version"]
    assert "Someone saved this project" in stale.json()["errors"]["__all__"][0]
    forbidden = client_for(member).patch(url(project), {"version": version, "name": "Mine"}, format="json")
    assert forbidden.status_code == 403
    assert client_for(outsider).patch(url(project), {"version": 1}, format="json").status_code == 404
    assert client_for(outsider).get(url(project)).status_code == 404
    assert api.patch(url(project), {"name": "No version"}, format="json").status_code == 400


# --- Steps --------------------------------------------------------------------------------


def test_steps_read_plan_and_transition(project, owner, it_lead, member):
    api = client_for(owner)
    steps = api.get(url(project, "steps/")).json()
    assert [s["number"] for s in steps] == list(range(1, 11))
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    planned = api.post(url(project, "steps/plan/"), {"steps": [{"number": 2, "due_date": due}]}, format="json")
    assert planned.status_code == 200 and planned.json()[1]["due_date"] == due
    typo = api.post(url(project, "steps/plan/"), {"steps": [{"number": 3, "due_date": "2205-01-01"}]}, format="json")
    assert typo.status_code == 400 and "A typo?" in typo.json()["errors"]["due_3"][0]
    gate = api.post(url(project, "steps/1/start/"), {}, format="json")
    assert gate.status_code == 400
    assert gate.json()["errors"]["__all__"]  # the gate's own words: no Accountable person
    assign(project.steps.get(number=1), it_lead, Role.ACCOUNTABLE)
    started = api.post(url(project, "steps/1/start/"), {}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    again = api.post(url(project, "steps/1/start/"), {}, format="json")
    assert again.status_code == 400 and "cannot be started" in again.json()["errors"]["__all__"][0]
    assert api.post(url(project, "steps/1/fly/"), {}, format="json").status_code == 400
    assert client_for(member).post(url(project, "steps/1/finish/"), {}, format="json").status_code == 403
    assert api.get(url(project, "steps/11/")).status_code == 404


def test_plan_refuses_a_stale_step(project, owner):
    api = client_for(owner)
    version = api.get(url(project, "steps/4/")).json()["version"]
    api.post(url(project, "steps/plan/"), {"steps": [{"number": 4, "due_date": "2027-01-01"}]}, format="json")
    stale = api.post(
        url(project, "steps/plan/"),
        {"steps": [{"number": 4, "due_date": "2027-02-01", "version": version}]},
        format="json",
    )
    assert stale.status_code == 400 and "someone changed its due date" in stale.json()["errors"]["due_4"][0]


# --- The RACI matrix ---------------------------------------------------------------------


def test_matrix_replace_whole_and_one_step(project, owner, it_lead, member):
    api = client_for(owner)
    matrix = api.get(url(project, "matrix/")).json()
    assert {"step": 1, "person": member.pk, "role": "C"} in matrix["cells"]
    rows = {str(it_lead.pk): {"1": "A", "2": "R"}}
    saved = api.put(url(project, "matrix/"), {"version": matrix["version"], "rows": rows}, format="json")
    assert saved.status_code == 200, saved.json()
    cells = {(c["step"], c["person"], c["role"]) for c in saved.json()["cells"]}
    assert cells == {(1, it_lead.pk, "A"), (2, it_lead.pk, "R")}  # the member, left out, lost their role
    stale = api.put(url(project, "matrix/"), {"version": matrix["version"], "rows": rows}, format="json")
    assert stale.status_code == 409 and stale.json()["version"] == saved.json()["version"]
    one = api.put(
        url(project, "matrix/steps/3/"),
        {"version": saved.json()["version"], "assignments": {str(member.pk): "C"}},
        format="json",
    )
    assert one.status_code == 200
    assert RaciAssignment.objects.filter(step__project=project).count() == 3


def test_matrix_cell_errors_per_step_and_person(project, owner, it_lead, outsider):
    api = client_for(owner)
    version = api.get(url(project, "matrix/")).json()["version"]
    two_accountable = {str(it_lead.pk): {"2": "A"}, str(outsider.pk): {"2": "A"}}
    refused = api.put(url(project, "matrix/"), {"version": version, "rows": two_accountable}, format="json")
    assert refused.status_code == 400
    cells = refused.json()["errors"]["matrix"]["2"]
    assert set(cells) <= {str(it_lead.pk), str(outsider.pk)} and cells
    bad_key = api.put(url(project, "matrix/"), {"version": version, "rows": {"bob": {"1": "A"}}}, format="json")
    assert bad_key.status_code == 400 and "person" in bad_key.json()["errors"]
    bad_role = api.put(url(project, "matrix/"), {"version": version, "rows": {"1": {"1": "Z"}}}, format="json")
    assert bad_role.status_code == 400 and "rows" in bad_role.json()["errors"]


def test_matrix_refuses_member_and_outsider(project, member, outsider):
    body = {"version": 0, "rows": {}}
    assert client_for(member).put(url(project, "matrix/"), body, format="json").status_code == 403
    assert client_for(outsider).put(url(project, "matrix/"), body, format="json").status_code == 404
    assert client_for(outsider).get(url(project, "matrix/")).status_code == 404


# --- Scorecards ----------------------------------------------------------------------------


@pytest.fixture
def candidate(project, owner):
    ensure_default_criteria()
    return candidate_save(actor=owner, scorecard=scorecard_for(project), name="Acme")


def test_scorecard_results_are_blind_until_you_rate(project, candidate, member, it_lead, executive):
    criteria = list(candidate.scorecard.criteria.all())
    ratings_save(actor=it_lead, candidate=candidate, scores={c.pk: 4 for c in criteria}, comments={}, submit=True)
    api = client_for(member)
    result = api.get(url(project, "scorecard/")).json()["results"][0]
    assert result == {**result, "visible": False, "overall": None, "rank": None}
    scores = [{"criterion": c.pk, "score": 3} for c in criteria]
    sheet = api.put(url(project, f"scorecard/candidates/{candidate.pk}/ratings/"), {"ratings": scores, "submit": True})
    assert sheet.status_code == 200, sheet.json()
    assert sheet.json()["submitted_at"] is not None
    after = api.get(url(project, "scorecard/")).json()["results"][0]
    assert after["visible"] is True and after["overall"] is not None
    assert client_for(executive).get(url(project, "scorecard/")).json()["results"][0]["visible"] is True


def test_ratings_errors_per_criterion_and_who_rates(project, candidate, member, executive, outsider):
    criterion = candidate.scorecard.criteria.first()
    path = url(project, f"scorecard/candidates/{candidate.pk}/ratings/")
    incomplete = client_for(member).put(path, {"ratings": [{"criterion": criterion.pk, "score": 3}], "submit": True})
    assert incomplete.status_code == 400
    assert all(key.startswith("score_") for key in incomplete.json()["errors"])
    draft = client_for(member).put(path, {"ratings": [{"criterion": criterion.pk, "score": 3}], "submit": False})
    assert draft.status_code == 200 and draft.json()["ratings"][0]["score"] == 3
    assert client_for(executive).put(path, {"ratings": [], "submit": False}).status_code == 403
    assert client_for(outsider).get(path).status_code == 404
    assert client_for(member).get(url(project, "scorecard/candidates/999999/ratings/")).status_code == 404


def test_candidate_add(project, owner, member):
    ensure_default_criteria()
    path = url(project, "scorecard/candidates/")
    added = client_for(owner).post(path, {"name": "Globex"}, format="json")
    assert added.status_code == 201 and added.json()["name"] == "Globex"
    twice = client_for(owner).post(path, {"name": "Globex"}, format="json")
    assert twice.status_code == 400 and twice.json()["errors"]
    assert client_for(member).post(path, {"name": "Initech"}, format="json").status_code == 403


# --- Read-only resources -----------------------------------------------------------------


def test_reads(project, owner, outsider):
    api = client_for(owner, Scope.READ)
    assert api.get(url(project, "reminders/")).json() == []
    assert client_for(outsider).get(url(project, "reminders/")).status_code == 404
    rows = api.get("/api/v1/portfolio/").json()
    assert [r["slug"] for r in rows["results"]] == [project.slug]
    assert api.get("/api/v1/stack/tools/").status_code == 200
    assert api.get("/api/v1/intake/requests/").json()["count"] == 0
    assert api.get("/api/v1/projects/", {"page": 99}).status_code == 404


def test_schema_and_docs(client, owner):
    api = client_for(owner, Scope.READ)
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and "/api/v1/projects/{slug}/matrix/" in schema.json()["paths"]
    client.force_login(owner)
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui-bundle.js" in page and "<script>" not in page
