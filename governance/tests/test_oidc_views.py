"""The SSO pages without a provider: switched off, password login off, refused callbacks.

The flow against a real provider is in tests/test_sso_browser.py.
"""

import pytest
from django.urls import reverse

from conftest import PASSWORD, UserFactory
from governance.oidc import config

pytestmark = pytest.mark.django_db

ENVIRON = {
    "TANDEM_OIDC_ISSUER": "http://127.0.0.1:9/idp",
    "TANDEM_OIDC_CLIENT_ID": "tandem",
    "TANDEM_OIDC_CLIENT_SECRET": "s3cret",
    "TANDEM_OIDC_PROVIDER_NAME": "Acme ID",
    "TANDEM_OIDC_CONTACT": "the service desk",
}


@pytest.fixture
def sso(settings):
    oidc = config.parse(ENVIRON)
    settings.TANDEM_OIDC = oidc
    settings.AUTHENTICATION_BACKENDS = config.backends(settings.AUTHENTICATION_BACKENDS, oidc, True)
    config.forget_metadata()
    yield oidc
    config.forget_metadata()


@pytest.fixture
def sso_only(sso, settings):
    settings.TANDEM_PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = config.backends(settings.AUTHENTICATION_BACKENDS, sso, False)
    return sso


@pytest.mark.parametrize("name", ["oidc_start", "oidc_callback", "oidc_refused"])
def test_sso_pages_do_not_exist_while_sso_is_off(client, name):
    assert client.get(reverse(name)).status_code == 404


def test_login_page_without_sso_is_the_password_form_only(client):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page and "Sign in with" not in page


def test_login_page_with_sso_offers_both(client, sso):
    page = client.get(reverse("login") + "?next=/portfolio/").content.decode()
    assert "Sign in with Acme ID" in page and 'href="/sso/start/?next=/portfolio/"' in page
    assert 'name="password"' in page


def test_password_login_off_shows_only_the_provider_and_refuses_passwords(client, sso_only):
    person = UserFactory()
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Acme ID" in page
    assert 'name="password"' not in page and "Forgot your password" not in page

    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "Logging in with a password is turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("password_reset")).status_code == 404
    assert client.post(reverse("password_reset"), {"email": person.email}).status_code == 404


def test_password_login_off_leaves_no_backend_that_checks_passwords(client, sso_only):
    """Django's admin has a login form of its own; with the password backend gone it signs nobody in."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_preferences_hide_the_password_link_when_password_login_is_off(client, sso_only):
    client.force_login(UserFactory())
    assert "Change your password" not in client.get(reverse("preferences")).content.decode()


def test_start_with_the_provider_down_says_so_instead_of_failing(client, sso):
    response = client.get(reverse("oidc_start"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Acme ID cannot be reached right now" in response.content.decode()
    assert "ask the service desk" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["", "?error=access_denied&state=x", "?code=abc&state=unknown", "?code=abc"]
)  # fmt: skip
def test_a_callback_without_a_matching_state_logs_nobody_in(client, sso, query):
    response = client.get(reverse("oidc_callback") + query, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Signing in with Acme ID did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_refused_page_without_a_refusal_says_there_is_nothing(client, sso):
    response = client.get(reverse("oidc_refused"))
    assert response.status_code == 200 and "Nothing to show" in response.content.decode()


def test_logout_without_sso_session_is_djangos(client, sso):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_signing_out_from_the_refused_page_without_a_provider_session_goes_to_login(client, sso):
    response = client.post(reverse("oidc_refused"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_anonymous_logout_is_still_sent_to_login(client, sso):
    response = client.get(reverse("logout"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
