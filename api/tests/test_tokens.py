from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, Scope
from api.services import MAX_LIVE_TOKENS, token_create, token_revoke
from api.throttling import PerTokenThrottle
from api.tokens import digest_of

pytestmark = pytest.mark.django_db
PROJECTS = "/api/v1/projects/"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_only_the_digest_is_stored(owner):
    row, secret = token_create(actor=owner, name="Jira", scope=Scope.READ, expires_at=None)
    assert secret.startswith(f"tdm_{row.prefix}_")
    assert row.digest == digest_of(secret) and secret not in row.digest
    assert bearer(secret).get(PROJECTS).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer tdm_00000000_wrong", "Bearer a b", "Token abc"],
)
def test_a_bad_header_is_401_in_the_error_shape(owner, header):
    token_create(actor=owner, name="x", scope=Scope.READ, expires_at=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(PROJECTS)
    assert response.status_code == 401
    assert response.json()["errors"]["__all__"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_right_prefix_wrong_secret_is_refused(owner):
    _, secret = token_create(actor=owner, name="x", scope=Scope.READ, expires_at=None)
    assert bearer(secret[:-2] + "zz").get(PROJECTS).status_code == 401


def test_revoked_expired_and_inactive_owner_tokens_fail(owner, member):
    revoked, revoked_secret = token_create(actor=owner, name="a", scope=Scope.READ, expires_at=None)
    assert token_revoke(actor=owner, token=revoked) is True
    assert token_revoke(actor=owner, token=revoked) is False
    expired, expired_secret = token_create(
        actor=owner, name="b", scope=Scope.READ, expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _, member_secret = token_create(actor=member, name="c", scope=Scope.READ, expires_at=None)
    assert bearer(member_secret).get(PROJECTS).status_code == 200
    member.is_active = False
    member.save(update_fields=["is_active"])
    for secret in (revoked_secret, expired_secret, member_secret):
        assert bearer(secret).get(PROJECTS).status_code == 401


def test_read_only_token_may_not_write(owner, project):
    _, secret = token_create(actor=owner, name="r", scope=Scope.READ, expires_at=None)
    response = bearer(secret).post(PROJECTS, {"name": "X", "problem": "Y"}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["errors"]["__all__"][0]


def test_last_used_is_recorded_once_a_minute(owner, django_assert_num_queries):
    row, secret = token_create(actor=owner, name="x", scope=Scope.READ, expires_at=None)
    client = bearer(secret)
    client.get(PROJECTS)
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    client.get(PROJECTS)
    row.refresh_from_db()
    assert row.last_used_at == first


def test_token_rules(owner, member):
    with pytest.raises(ValidationError) as error:
        token_create(actor=owner, name=" ", scope="admin", expires_at=timezone.now() - timedelta(days=1))
    assert set(error.value.message_dict) == {"name", "scope", "expires_at"}
    row, _ = token_create(actor=owner, name="x", scope=Scope.READ, expires_at=None)
    with pytest.raises(PermissionDenied):
        token_revoke(actor=member, token=row)
    for n in range(MAX_LIVE_TOKENS - 1):
        token_create(actor=owner, name=f"t{n}", scope=Scope.READ, expires_at=None)
    with pytest.raises(ValidationError):
        token_create(actor=owner, name="one too many", scope=Scope.READ, expires_at=None)


def test_token_pages_create_show_once_list_and_revoke(client, owner, member):
    client.force_login(owner)
    response = client.post(reverse("api:tokens"), {"name": "Jira sync", "scope": "write", "expires_in": "30"})
    assert response.status_code == 200
    row = ApiToken.objects.get(owner=owner)
    secret = response.context["created"]["secret"]
    assert secret in response.content.decode() and row.digest == digest_of(secret)
    listed = client.get(reverse("api:tokens")).content.decode()
    assert "Jira sync" in listed and secret not in listed
    assert client.get(reverse("api:token_revoke", args=[row.pk])).status_code == 200  # the confirmation
    assert client.post(reverse("api:token_revoke", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    client.force_login(member)
    assert client.get(reverse("api:token_revoke", args=[row.pk])).status_code == 404


def test_token_page_shows_errors(client, owner):
    client.force_login(owner)
    response = client.post(reverse("api:tokens"), {"name": "", "scope": "write"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_preferences_links_to_the_tokens(client, owner):
    client.force_login(owner)
    assert reverse("api:tokens") in client.get(reverse("preferences")).content.decode()


def test_session_writes_need_csrf(owner):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(PROJECTS).status_code == 200
    response = client.post(PROJECTS, {"name": "X", "problem": "Y"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"]["__all__"][0]


def test_anonymous_is_401_not_a_redirect():
    response = APIClient().get(PROJECTS)
    assert response.status_code == 401
    assert response.json() == {"errors": {"__all__": ["Authentication credentials were not provided."]}}


def test_throttled_per_token(owner, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "3/minute"})
    _, first = token_create(actor=owner, name="a", scope=Scope.READ, expires_at=None)
    _, second = token_create(actor=owner, name="b", scope=Scope.READ, expires_at=None)
    client = bearer(first)
    assert [client.get(PROJECTS).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get(PROJECTS)
    assert refused.json()["errors"]["__all__"][0].startswith("Request was throttled")
    assert int(refused["Retry-After"]) > 0
    assert bearer(second).get(PROJECTS).status_code == 200  # another token: its own bucket
