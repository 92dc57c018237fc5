"""Candidate edits from a stale form (issue 12): refused, with who changed what,
the person's input kept, and a second save applying it over the new version."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scorecards import services
from scorecards.models import Candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(default_criteria, project, owner):
    scorecard = services.scorecard_for(project)
    return services.candidate_save(actor=owner, scorecard=scorecard, name="Acme", website="https://acme.example")


def edit_url(project, candidate):
    return reverse("scorecards:candidate_edit", kwargs={"slug": project.slug, "candidate_id": candidate.pk})


def opened_form(client, project, candidate) -> dict:
    """The hidden fields of the edit form as the page gave them."""
    form = client.get(edit_url(project, candidate)).context["form"]
    return {"version": form["version"].value(), "seen": form["seen"].value()}


def test_an_edit_from_a_form_opened_before_someone_elses_save_is_refused_and_says_what_changed(
    client, project, owner, executive, acme
):
    client.force_login(owner)
    hidden = opened_form(client, project, acme)
    # Meanwhile the CIO renames it.
    services.candidate_save(
        actor=executive, scorecard=acme.scorecard, candidate=acme, name="Acme Inc",
        website="https://acme.example", expected_version=acme.version,
    )  # fmt: skip
    mine = {"name": "Acme Cloud", "website": "https://acme.example", "notes": "Ask about EU hosting"}
    response = client.post(edit_url(project, acme), mine | hidden)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cara Cio changed Acme Inc since you opened this form; nothing was saved." in page
    assert "Name: “Acme” → “Acme Inc”" in page
    assert 'value="Acme Cloud"' in page and "Ask about EU hosting" in page  # the person's input is kept
    assert Candidate.objects.get(pk=acme.pk).name == "Acme Inc"
    # Saving again (the form now knows the new version) applies the person's change.
    form = response.context["form"]
    again = mine | {"version": form["version"].value(), "seen": form["seen"].value()}
    assert client.post(edit_url(project, acme), again).status_code == 302
    saved = Candidate.objects.get(pk=acme.pk)
    assert (saved.name, saved.notes, saved.updated_by, saved.version) == (
        "Acme Cloud",
        "Ask about EU hosting",
        owner,
        3,
    )


def test_two_saves_from_one_opened_form_the_second_is_refused(project, owner, executive, acme):
    opened = acme.version
    services.candidate_save(
        actor=owner, scorecard=acme.scorecard, candidate=acme, name="Acme A", expected_version=opened
    )
    with pytest.raises(services.StaleEdit, match="Alice Owner changed Acme A"):
        services.candidate_save(
            actor=executive, scorecard=acme.scorecard, candidate=acme, name="Acme B", expected_version=opened
        )
    assert Candidate.objects.get(pk=acme.pk).name == "Acme A"


def test_an_edit_without_its_version_is_refused_and_writes_nothing(client, project, owner, acme):
    client.force_login(owner)
    for version in ("", "abc", str(2**64), "-3", "0"):
        response = client.post(edit_url(project, acme), {"name": "Renamed", "version": version})
        assert response.status_code == 200
        assert "This form is out of date or incomplete" in response.content.decode()
    assert Candidate.objects.get(pk=acme.pk).name == "Acme"


def test_an_altered_seen_copy_still_refuses_and_names_who(client, project, owner, executive, acme):
    client.force_login(owner)
    hidden = opened_form(client, project, acme) | {"seen": "forged"}
    services.candidate_save(actor=executive, scorecard=acme.scorecard, candidate=acme, name="Acme Inc")
    response = client.post(edit_url(project, acme), {"name": "Acme Cloud"} | hidden)
    assert "Cara Cio changed Acme Inc since you opened this form" in response.content.decode()
    assert Candidate.objects.get(pk=acme.pk).name == "Acme Inc"


def test_an_admin_edit_makes_an_open_form_stale(client, project, owner, admin_user, acme):
    client.force_login(owner)
    hidden = opened_form(client, project, acme)
    client.force_login(admin_user)
    data = {"scorecard": acme.scorecard_id, "name": "Acme (admin)", "website": "", "notes": ""}
    assert client.post(reverse("admin:scorecards_candidate_change", args=[acme.pk]), data).status_code == 302
    client.force_login(owner)
    response = client.post(edit_url(project, acme), {"name": "Acme Cloud"} | hidden)
    assert "changed Acme (admin) since you opened this form" in response.content.decode()
    assert Candidate.objects.get(pk=acme.pk).name == "Acme (admin)"


def test_a_service_call_without_a_version_still_saves(project, owner, acme):
    """Callers without a form (a command, the shell) pass no version: no check."""
    services.candidate_save(actor=owner, scorecard=acme.scorecard, candidate=acme, name="Acme 2")
    assert Candidate.objects.get(pk=acme.pk).version == 2
    with pytest.raises(ValidationError):
        services.candidate_save(actor=owner, scorecard=acme.scorecard, candidate=acme, name="x", expected_version=1)


def test_an_edit_of_a_candidate_deleted_meanwhile_is_told_not_a_500(project, owner, acme):
    stale = Candidate.objects.get(pk=acme.pk)
    services.candidate_delete(actor=owner, candidate=acme)
    with pytest.raises(ValidationError, match="deleted a moment ago"):
        services.candidate_save(actor=owner, scorecard=stale.scorecard, candidate=stale, name="Acme 2")
    assert not Candidate.objects.exists()
