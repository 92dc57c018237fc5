"""Alignment rounds through the API: open, answer, and results only once closed, anonymity kept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alignment.defaults import ensure_default_questionnaire
from alignment.models import AlignmentRound
from api.tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(project, owner, member, it_lead):
    ensure_default_questionnaire()
    closes_on = (timezone.localdate() + timedelta(days=7)).isoformat()
    body = {"title": "Check", "closes_on": closes_on, "invitees": [member.pk, it_lead.pk], "project": project.slug}
    response = client_for(owner).post("/api/v1/alignment/rounds/", body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_open_answer_and_read_a_round(opened, member, owner, outsider, executive):
    path = f"/api/v1/alignment/rounds/{opened['id']}/"
    assert opened["is_open"] and opened["figures"] is None and opened["dimensions"]
    answers = [{"dimension": d["id"], "level": 3} for d in opened["dimensions"]]
    answered = client_for(member).put(path + "answers/", {"answers": answers})
    assert answered.status_code == 200 and answered.json()["answered"] is True
    partial = client_for(member).put(path + "answers/", {"answers": answers[:1]})
    assert partial.status_code == 400 and partial.json()["errors"]["__all__"] == [
        "Answer every dimension of the round, once each."
    ]
    assert client_for(owner).put(path + "answers/", {"answers": answers}).status_code == 403  # not invited
    assert client_for(executive).put(path + "answers/", {"answers": answers}).status_code == 403
    assert client_for(outsider).get(path).status_code == 404
    AlignmentRound.objects.filter(pk=opened["id"]).update(closes_at=timezone.now() - timedelta(seconds=1))
    closed = client_for(owner).get(path).json()
    assert closed["is_open"] is False
    assert closed["figures"]["overall_n"] == 1
    assert closed["figures"]["overall"] is None  # one answer: below the anonymity threshold
    late = client_for(member).put(path + "answers/", {"answers": answers})
    assert late.status_code == 400 and "closed" in late.json()["errors"]["__all__"][0]


def test_open_refuses_by_the_rules(project, owner, member, outsider):
    ensure_default_questionnaire()
    closes_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = {"title": "Check", "closes_on": closes_on, "invitees": [member.pk]}
    assert client_for(member).post("/api/v1/alignment/rounds/", body).status_code == 403  # organization round
    refused = client_for(owner).post("/api/v1/alignment/rounds/", {**body, "project": project.slug})
    assert refused.status_code == 400
    assert "The closing date cannot be in the past." in refused.json()["errors"]["__all__"]
    hidden = client_for(outsider).post("/api/v1/alignment/rounds/", {**body, "project": project.slug})
    assert hidden.status_code == 404


def test_rounds_list_only_visible_ones(opened, member, outsider):
    assert client_for(member).get("/api/v1/alignment/rounds/").json()["count"] == 1
    assert client_for(outsider).get("/api/v1/alignment/rounds/").json()["count"] == 0
