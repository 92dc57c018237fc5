"""Single sign-on end to end: Chromium, Tandem's live server and a real OpenID Connect provider.

The provider is the npm package ``oidc-provider`` (tests/oidc_provider/, installed by ``.ci/run``
with ``npm ci``), started on 127.0.0.1 by this module with its development login page, where a
login name from ``ACCOUNTS`` and any password sign in. Tandem is configured for it exactly as for
Okta, Entra ID or Keycloak: issuer (discovery), client id and secret, scopes, claim mapping.
"""

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from conftest import UserFactory
from governance.models import Department, User
from governance.oidc import config

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
ACCOUNTS = {
    "mia": {"email": "mia@example.com", "given_name": "Mia", "family_name": "Marketer",
            "department": "Digital Marketing", "groups": ["staff"]},
    "cara": {"email": "Cara@Example.com", "given_name": "Cara", "family_name": "Cio",
             "department": "Engineering", "groups": ["staff", "Tandem Executives"]},
    "zed": {"email": "zed@example.com", "given_name": "Zed", "family_name": "Finance",
            "department": "Finance", "groups": ["staff"]},
}  # fmt: skip
SECRET = "test-only-client-secret"


def _missing() -> str | None:
    if not shutil.which("node"):
        return "node is not installed (apt-get install nodejs npm; .ci/run installs it)"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "the test provider is not installed (cd tests/oidc_provider && npm ci; .ci/run does it)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SSO browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    accounts = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts.write_text(json.dumps(ACCOUNTS))
    client = {"client_id": "tandem", "client_secret": SECRET,
              "redirect_uris": [f"{live_server.url}/sso/callback/"],
              "post_logout_redirect_uris": [f"{live_server.url}/login/"]}  # fmt: skip
    port = _free_port()
    process = subprocess.Popen(
        ["node", "server.mjs", str(port), str(accounts)],
        cwd=PROVIDER_DIR,
        env={**os.environ, "TANDEM_TEST_CLIENT": json.dumps(client)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("ready "), f"the test provider did not start: {line!r}"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(provider, live_server, settings):
    """Tandem configured for the provider, as the environment would (governance/settings.py)."""
    environ = {
        "TANDEM_OIDC_ISSUER": provider,
        "TANDEM_OIDC_CLIENT_ID": "tandem",
        "TANDEM_OIDC_CLIENT_SECRET": SECRET,
        "TANDEM_OIDC_SCOPES": "openid email profile tandem",
        "TANDEM_OIDC_PROVIDER_NAME": "Acme ID",
        "TANDEM_OIDC_DEPARTMENT_MAP": "Digital Marketing=marketing;Engineering=it",
        "TANDEM_OIDC_EXECUTIVE_GROUPS": "Tandem Executives",
        "TANDEM_OIDC_CONTACT": "the IT service desk",
    }
    oidc = config.parse(environ)
    config.forget_metadata()
    settings.TANDEM_OIDC = oidc
    settings.AUTHENTICATION_BACKENDS = config.backends(django_settings.AUTHENTICATION_BACKENDS, oidc, True)
    settings.OIDC_RP_CLIENT_ID = oidc.client_id
    settings.OIDC_RP_SCOPES = oidc.scopes
    settings.OIDC_USE_PKCE = oidc.use_pkce
    settings.SITE_URL = live_server.url
    policy = {**django_settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "form-action": ["'self'", *config.form_action_origins(oidc)]}
    settings.CONTENT_SECURITY_POLICY = policy
    yield oidc
    config.forget_metadata()


def _sign_in(page, login: str, *, start: str = "/login/"):
    page.goto(start)
    page.get_by_role("link", name="Sign in with Acme ID").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()


def _back_in_tandem(page, live_server):
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/sso/" not in url and "/login/" not in url)


def _log_out(page):
    page.locator("nav .dropdown-toggle").last.click()
    page.get_by_role("button", name="Log out").click()


def test_first_login_provisions_the_person_and_logout_ends_both_sessions(page, sso, live_server):
    _sign_in(page, "mia", start="/login/?next=/preferences/")
    page.wait_for_url(f"{live_server.url}/preferences/")
    mia = User.objects.get(email="mia@example.com")
    assert (mia.first_name, mia.last_name, mia.department) == ("Mia", "Marketer", Department.MARKETING)
    assert mia.username == "mia@example.com" and not mia.is_executive and not mia.has_usable_password()
    expect(page.get_by_text("Department: Marketing (Marketing side)")).to_be_visible()
    expect(page.get_by_role("link", name="Change your password")).to_have_count(0)  # the provider's business

    _log_out(page)
    # The provider asks before ending its own session, then sends the browser back to Tandem's login page.
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    page.goto("/my-work/")
    page.wait_for_url(lambda url: "/login/" in url)  # Tandem's session is gone
    # … and so is the provider's: signing in again asks for the login.
    page.get_by_role("link", name="Sign in with Acme ID").click()
    expect(page.locator("input[name=login]")).to_be_visible()


def test_each_login_updates_department_and_executive_flag(page, sso, live_server):
    cara = UserFactory(username="cara", email="cara@example.com", department=Department.OTHER, is_executive=False)
    _sign_in(page, "cara")
    _back_in_tandem(page, live_server)
    cara.refresh_from_db()
    assert (cara.department, cara.is_executive, cara.first_name) == (Department.IT, True, "Cara")
    assert User.objects.filter(email__iexact="cara@example.com").count() == 1  # matched by e-mail, not a copy
    expect(page.locator("nav").get_by_text("Cara Cio")).to_be_visible()


def test_unmapped_department_is_explained_and_not_logged_in(page, sso, live_server):
    _sign_in(page, "zed")
    page.wait_for_url(f"{live_server.url}/sso/refused/")
    expect(page.get_by_test_id("sso-refused")).to_be_visible()
    expect(page.get_by_test_id("sso-refused-received")).to_have_text("Finance")
    expect(page.get_by_text("Ask the IT service desk")).to_be_visible()
    assert not User.objects.filter(email="zed@example.com").exists()
    page.goto("/my-work/")
    page.wait_for_url(lambda url: "/login/" in url)
    # Still signed in at the provider: the page offers to end that session, so another person can sign in.
    page.goto("/sso/refused/")
    page.get_by_role("button", name="Sign out of Acme ID").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    _sign_in(page, "mia")
    _back_in_tandem(page, live_server)
    assert User.objects.filter(email="mia@example.com").exists()


def test_axes_lockouts_do_not_block_single_sign_on(page, sso, live_server):
    """Failed password logins lock a username at an address (django-axes); SSO is not a password
    login, so neither that lock nor a pile of refused SSO attempts from the same address stops it."""
    UserFactory(username="mia@example.com", email="mia@example.com")
    now = timezone.now()
    for username in ("mia@example.com", None, ""):
        AccessAttempt.objects.create(username=username, ip_address="127.0.0.1", user_agent="", attempt_time=now,
                                     failures_since_start=50, get_data="", post_data="", http_accept="", path_info="")  # fmt: skip
    _sign_in(page, "mia")
    _back_in_tandem(page, live_server)
    expect(page.locator("nav").get_by_text("Mia Marketer")).to_be_visible()
