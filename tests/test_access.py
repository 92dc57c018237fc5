"""Every project URL × every persona → the status each must get.

Outsiders get 404 (the project does not exist for them); read-only members get
403 on anything that changes it. ``test_every_project_url_has_a_row`` fails
when a URL under a project is added without a row here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = ("outsider", "member", "owner", "it_lead", "executive", "admin_user")


def everyone(status, **overrides):
    return {p: overrides.get(p, status) for p in PERSONAS}


def managers(status, *, member=403):
    return everyone(status, outsider=404, member=member)


# url name, method, extra query/data, expected status per persona
TABLE = [
    ("project_detail", "get", {}, everyone(200, outsider=404)),
    ("projects:edit", "get", {}, managers(200)),
    ("projects:edit", "post", {}, managers(200)),  # empty form: re-shown with errors
    ("projects:step_edit", "get", {}, managers(200)),
    ("projects:step_edit", "post", {}, managers(302)),
    ("raci:matrix", "get", {}, everyone(200, outsider=404)),
    ("raci:matrix", "post", {}, managers(302)),
    ("raci:matrix_row", "get", {"add": "owner"}, managers(200)),
    ("raci:step_transition", "post", {}, managers(302)),
    ("scorecards:scorecard", "get", {}, everyone(200, outsider=404)),
    ("scorecards:candidate_add", "post", {}, managers(302)),
    ("scorecards:candidate_edit", "get", {}, managers(200)),
    ("scorecards:candidate_delete", "get", {}, managers(200)),
    ("scorecards:rate", "get", {}, everyone(200, outsider=404, executive=403, admin_user=403)),
    ("scorecards:invite", "get", {}, managers(200)),
    # choosing the vendor: step 5's Accountable (nobody here) or an executive
    ("scorecards:decide", "get", {}, everyone(403, outsider=404, executive=200)),
    ("scorecards:withdraw", "post", {}, everyone(403, outsider=404, executive=302)),
    ("scorecards:export", "get", {}, everyone(200, outsider=404)),
    ("alignment:project_rounds", "get", {}, everyone(200, outsider=404)),
    ("alignment:project_round_new", "get", {}, managers(200)),
    ("alignment:project_round_new", "post", {}, managers(200)),  # empty form: re-shown with errors
]


def _candidate(project):
    from scorecards.services import candidate_save, scorecard_for

    return {"candidate_id": candidate_save(actor=project.owner, scorecard=scorecard_for(project), name="Acme").pk}


EXTRA_KWARGS = {
    "projects:step_edit": {"number": 2},
    "raci:step_transition": {"number": 1, "transition": "start"},
    "scorecards:candidate_edit": _candidate,
    "scorecards:candidate_delete": _candidate,
    "scorecards:rate": _candidate,
    "scorecards:invite": _candidate,
    "scorecards:decide": _candidate,
    "scorecards:export": {"fmt": "csv"},
}


def _kwargs(name, project):
    extra = EXTRA_KWARGS.get(name, {})
    return extra(project) if callable(extra) else extra


def _project_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and "<slug:slug>" in str(pattern.pattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_project_url_has_a_row():
    missing = _project_url_names() - {name for name, *_ in TABLE}
    assert not missing, f"Add rows to tests/test_access.py for: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "extra", "expected"), TABLE, ids=[f"{r[1]} {r[0]}" for r in TABLE])
def test_project_url_answers_each_persona(request, client, project, persona, name, method, extra, expected):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse(name, kwargs={"slug": project.slug, **_kwargs(name, project)})
    data = {key: request.getfixturevalue(value).pk for key, value in extra.items()}
    response = getattr(client, method)(url, data)
    assert response.status_code == expected[persona], f"{method.upper()} {url} as {persona}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "extra", "expected"), TABLE, ids=[f"{r[1]} {r[0]}" for r in TABLE])
def test_unknown_project_is_404_even_for_an_administrator(client, admin_user, project, name, method, extra, expected):
    client.force_login(admin_user)
    url = reverse(name, kwargs={**_kwargs(name, project), "slug": "no-such-project"})
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, project):
    response = client.get(project.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_outsider_does_not_see_the_project_in_lists(client, project, outsider):
    client.force_login(outsider)
    assert project.name not in client.get(reverse("project_list")).content.decode()
    assert project.name not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_403_page_says_why(client, project, member):
    client.force_login(member)
    response = client.get(reverse("projects:edit", kwargs={"slug": project.slug}))
    assert response.status_code == 403
    assert "You can see this project but not change it." in response.content.decode()
