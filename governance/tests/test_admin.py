import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:governance_user_changelist",
        "admin:projects_project_changelist",
        "admin:projects_lifecyclestep_changelist",
        "admin:raci_raciassignment_changelist",
    ],
)
def test_admin_lists_every_model(client, admin_user, project, url_name):
    client.force_login(admin_user)
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.django_db
def test_admin_cannot_bypass_the_raci_rules(client, admin_user, project):
    client.force_login(admin_user)
    assert client.get(reverse("admin:raci_raciassignment_add")).status_code == 403
    step = project.steps.get(number=1)
    page = client.get(reverse("admin:projects_lifecyclestep_change", args=[step.pk])).content.decode()
    assert 'name="status"' not in page
