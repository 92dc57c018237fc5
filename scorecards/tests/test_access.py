"""URL × persona → status for every scorecard URL.

Outsiders get 404 everywhere (exports included); the read-only member (bob,
Consulted on step 1) reads and rates but gets 403 on every managing write;
the executive reads and decides but does not rate; the owner manages but only
step 5's Accountable person or an executive chooses the vendor.
"""

import pytest
from django.urls import reverse

from scorecards import services

GET, POST = "get", "post"

# (url name, method, needs a candidate, expected status per persona)
TABLE = [
    ("scorecard", GET, False, {"outsider": 404, "member": 200, "executive": 200, "owner": 200}),
    ("export", GET, False, {"outsider": 404, "member": 200, "executive": 200, "owner": 200}),
    ("candidate_add", POST, False, {"outsider": 404, "member": 403, "executive": 302, "owner": 302}),
    ("candidate_edit", GET, True, {"outsider": 404, "member": 403, "executive": 200, "owner": 200}),
    ("candidate_edit", POST, True, {"outsider": 404, "member": 403, "executive": 302, "owner": 302}),
    ("candidate_delete", GET, True, {"outsider": 404, "member": 403, "executive": 200, "owner": 200}),
    ("candidate_delete", POST, True, {"outsider": 404, "member": 403, "executive": 302, "owner": 302}),
    ("invite", GET, True, {"outsider": 404, "member": 403, "executive": 200, "owner": 200}),
    (
        "invite",
        POST,
        True,
        {"outsider": 404, "member": 403, "executive": 200, "owner": 200},
    ),  # no one picked: form again
    ("rate", GET, True, {"outsider": 404, "member": 200, "executive": 403, "owner": 200}),
    ("rate", POST, True, {"outsider": 404, "member": 302, "executive": 403, "owner": 302}),
    ("decide", GET, True, {"outsider": 404, "member": 403, "executive": 200, "owner": 403}),
    ("decide", POST, True, {"outsider": 404, "member": 403, "executive": 200, "owner": 403}),
    ("withdraw", POST, False, {"outsider": 404, "member": 403, "executive": 302, "owner": 403}),
]

CASES = [
    pytest.param(name, method, needs_candidate, persona, status, id=f"{method}-{name}-{persona}")
    for name, method, needs_candidate, expected in TABLE
    for persona, status in expected.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "needs_candidate", "persona", "status"), CASES)
def test_url_persona_status(
    request, default_criteria, client, project, owner, name, method, needs_candidate, persona, status
):
    sc = services.scorecard_for(project)
    candidate = services.candidate_save(actor=owner, scorecard=sc, name="Acme")
    kwargs = {"slug": project.slug}
    if needs_candidate:
        kwargs["candidate_id"] = candidate.pk
    if name == "export":
        kwargs["fmt"] = "csv"
    client.force_login(request.getfixturevalue(persona))
    url = reverse(f"scorecards:{name}", kwargs=kwargs)
    data = (
        {"name": "Acme two", "rationale": "x", "reason": "x", "version": candidate.version} if method == POST else None
    )
    response = getattr(client, method)(url, data)
    assert response.status_code == status


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(default_criteria, client, project):
    response = client.get(reverse("scorecards:scorecard", kwargs={"slug": project.slug}))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_unknown_export_format_and_candidate_are_404(default_criteria, client, project, owner):
    client.force_login(owner)
    assert client.get(reverse("scorecards:export", kwargs={"slug": project.slug, "fmt": "pdf"})).status_code == 404
    url = reverse("scorecards:rate", kwargs={"slug": project.slug, "candidate_id": 999999})
    assert client.get(url).status_code == 404
