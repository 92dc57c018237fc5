import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_render_for_owner(login, owner, project):
    client = login(owner)
    for url in [
        reverse("home"),
        reverse("project_list"),
        reverse("projects:create"),
        project.get_absolute_url(),
        reverse("projects:edit", args=[project.slug]),
        reverse("projects:step_edit", args=[project.slug, 3]),
        reverse("raci:matrix", args=[project.slug]),
        reverse("preferences"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
