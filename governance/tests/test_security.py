"""Login protection, session lifetime, passwords, and the browser-policy headers
(governance/security.py, governance/settings.py; docs/security.md)."""

import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from governance.security import LOGIN_TIME_KEY, SEEN_TIME_KEY

ROOT = Path(__file__).resolve().parents[2]
OFFICE = "203.0.113.7"  # one address for a whole office behind one proxy
ELSEWHERE = "198.51.100.20"


def _client(address: str = OFFICE, **headers) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


def _log_in(client: Client, username: str, password: str, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client: Client, username: str, times: int, url: str = "/login/"):
    for _ in range(times):
        _log_in(client, username, "wrong-password", url)


# --- Login protection ------------------------------------------------------------------


@pytest.mark.django_db
def test_thirty_wrong_passwords_then_the_right_one_is_refused(owner):
    client = _client()
    _fail(client, owner.username, 30)
    response = _log_in(client, owner.username, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    text = response.content.decode()
    assert "Too many failed attempts; try again in 15 minutes or ask an administrator." in text


@pytest.mark.django_db
def test_a_locked_username_is_refused_from_the_fifth_failure(owner):
    client = _client()
    _fail(client, owner.username, 4)
    assert _log_in(client, owner.username, "wrong-password").status_code == 429


@pytest.mark.django_db
def test_another_person_at_the_same_address_still_logs_in(owner, member):
    _fail(_client(), owner.username, 30)
    colleague = _client()
    response = _log_in(colleague, member.username, PASSWORD)
    assert response.status_code == 302 and _logged_in(colleague)


@pytest.mark.django_db
def test_after_the_cool_off_the_right_password_works(owner, settings):
    client = _client()
    _fail(client, owner.username, 30)
    assert _log_in(client, owner.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert _log_in(client, owner.username, PASSWORD).status_code == 302 and _logged_in(client)


@pytest.mark.django_db
def test_the_cool_off_is_configurable(owner, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    client = _client()
    _fail(client, owner.username, 5)
    assert "try again in 2 minutes" in _log_in(client, owner.username, PASSWORD).content.decode()


@pytest.mark.django_db
def test_the_admin_login_is_protected_too(admin_user):
    client = _client()
    _fail(client, admin_user.username, 30, url="/admin/login/")
    response = _log_in(client, admin_user.username, PASSWORD, url="/admin/login/")
    assert response.status_code == 429 and not _logged_in(client)
    # and the same count locks the site's own login page
    assert _log_in(client, admin_user.username, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_an_administrator_unlocks_a_person_with_the_command(owner):
    client = _client()
    _fail(client, owner.username, 30)
    call_command("axes_reset_username", owner.username)
    assert _log_in(client, owner.username, PASSWORD).status_code == 302 and _logged_in(client)


@pytest.mark.django_db
def test_an_administrator_unlocks_a_person_in_admin(owner, admin_user):
    locked = _client()
    _fail(locked, owner.username, 30)
    attempt = AccessAttempt.objects.get(username=owner.username)
    admin = Client()
    admin.force_login(admin_user)
    assert owner.username in admin.get("/admin/axes/accessattempt/").content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _log_in(locked, owner.username, PASSWORD).status_code == 302 and _logged_in(locked)


@pytest.mark.django_db
def test_an_address_trying_many_usernames_is_locked_as_a_whole(owner, settings):
    settings.TANDEM_LOGIN_IP_FAILURE_LIMIT = 12
    sprayer = _client()
    for number in range(12):
        _log_in(sprayer, f"guess{number}", "wrong-password")
    assert _log_in(_client(), owner.username, PASSWORD).status_code == 429
    assert _log_in(_client(ELSEWHERE), owner.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_address_the_proxy_saw_counts(owner, settings):
    """Every request comes from the proxy: without the forwarded address, one
    person's failures would lock everybody's logins at once; and the address a
    client writes into the header itself (left of the proxy's) is not trusted."""
    settings.TANDEM_BEHIND_PROXY = True
    proxy = "10.0.0.5"
    attacker = _client(proxy, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {OFFICE}")
    _fail(attacker, owner.username, 30)
    from_office = _client(proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    assert _log_in(from_office, owner.username, PASSWORD).status_code == 429
    from_elsewhere = _client(proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert _log_in(from_elsewhere, owner.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_forwarded_value_that_is_no_address_falls_back_to_the_proxy(owner, settings):
    settings.TANDEM_BEHIND_PROXY = True
    client = _client("10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-address")
    _fail(client, owner.username, 1)
    assert AccessAttempt.objects.get().ip_address == "10.0.0.5"


@pytest.mark.django_db
def test_authenticating_outside_a_request_still_works(owner):
    """Management commands and scripts check passwords with no request: no web
    login, nothing to throttle, and no error."""
    assert authenticate(username=owner.username, password=PASSWORD) == owner


# --- Sessions ----------------------------------------------------------------------------


def test_sessions_default_to_eight_idle_hours_and_fourteen_days(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.TANDEM_SESSION_MAX_DAYS == 14


@pytest.mark.django_db
def test_using_a_session_moves_its_idle_expiry_on(client, owner):
    client.force_login(owner)
    session = client.session
    session[SEEN_TIME_KEY] = time.time() - 301  # last moved on over five minutes ago
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(reverse("my_work"))
    assert Session.objects.get().expire_date > timezone.now() + timedelta(hours=7, minutes=59)


@pytest.mark.django_db
def test_a_request_soon_after_the_last_one_does_not_write_the_session(client, owner):
    client.force_login(owner)
    client.get(reverse("my_work"))
    before = Session.objects.get().expire_date
    client.get(reverse("my_work"))
    assert Session.objects.get().expire_date == before


@pytest.mark.django_db
def test_a_session_idle_past_the_limit_is_logged_out(client, owner):
    client.force_login(owner)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("my_work"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_session_older_than_the_maximum_is_logged_out_however_active(client, owner):
    client.force_login(owner)
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - 14 * 86400 - 60
    session.save()
    response = client.get(reverse("my_work"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("my_work")).status_code == 302  # and stays logged out


@pytest.mark.django_db
def test_a_session_younger_than_the_maximum_goes_on(client, owner):
    client.force_login(owner)
    session = client.session
    assert session[LOGIN_TIME_KEY] > time.time() - 60  # stamped at login
    session[LOGIN_TIME_KEY] = time.time() - 13 * 86400
    session.save()
    assert client.get(reverse("my_work")).status_code == 200


@pytest.mark.django_db
def test_a_session_from_before_the_rule_starts_counting_now(client, owner):
    client.force_login(owner)
    session = client.session
    del session[LOGIN_TIME_KEY]
    session.save()
    assert client.get(reverse("my_work")).status_code == 200
    assert client.session[LOGIN_TIME_KEY] > time.time() - 60


# --- Passwords --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_changes_their_password(client, owner):
    client.force_login(owner)
    page = client.get(reverse("preferences")).content.decode()
    assert reverse("password_change") in page
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    owner.refresh_from_db()
    assert owner.check_password("a-new-long-passphrase")
    assert client.get(reverse("my_work")).status_code == 200  # still logged in on this browser


@pytest.mark.django_db
def test_a_wrong_current_password_changes_nothing(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 200 and "incorrectly" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_reset_mails_a_link_on_the_configured_site(client, owner, settings):
    settings.SITE_URL = "https://tandem.example.com"
    response = client.post(reverse("password_reset"), {"email": owner.email}, HTTP_HOST="localhost")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    link = re.search(r"https://tandem\.example\.com(/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "reset-long-passphrase", "new_password2": "reset-long-passphrase"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password("reset-long-passphrase")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_used_reset_link_no_longer_works(client, owner):
    client.post(reverse("password_reset"), {"email": owner.email})
    path = re.search(r"https?://[^/]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "reset-long-pass", "new_password2": "reset-long-pass"})
    assert "This link no longer works" in client.get(path, follow=True).content.decode()


# --- Content-Security-Policy and Permissions-Policy ---------------------------------------

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def _directives(header: str) -> dict:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.django_db
def test_every_page_sends_the_strict_policy(client, owner):
    client.force_login(owner)
    for url in (reverse("login"), reverse("my_work"), "/no-such-page/"):
        directives = _directives(client.get(url)["Content-Security-Policy"])
        assert {name: directives.get(name) for name in STRICT} == STRICT, url
        assert "unsafe" not in client.get(url)["Content-Security-Policy"]


@pytest.mark.django_db
def test_every_page_says_which_browser_features_it_never_uses(client):
    header = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in header


TEMPLATES = ROOT / "templates"
# What the policy refuses, as written in a template: an inline script (one with
# no src that is not data), an event-handler attribute, a javascript: URL, a
# style attribute. E-mails are read by mail programs, not under the policy.
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
}


def test_no_template_holds_code_or_styles_the_policy_refuses():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "email" in path.relative_to(TEMPLATES).parts:
            continue
        text = path.read_text()
        found += [f"{path.relative_to(ROOT)}: {kind}" for kind, pattern in INLINE.items() if pattern.search(text)]
    assert not found, "\n".join(found)


# --- Production settings ---------------------------------------------------------------------


def _production_env(tmp_path: Path) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "production-like-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "tandem.example.com",
        "TANDEM_VAR_DIR": str(tmp_path),
    }


PRODUCTION_REQUEST = """
import json, django
django.setup()
from django.test import Client
# A response that renders no template, so no collected static files are needed.
response = Client().get("/logout/", secure=True, HTTP_HOST="tandem.example.com")
print(json.dumps({"status": response.status_code, "csp": response.get("Content-Security-Policy"),
                  "permissions": response.get("Permissions-Policy")}))
"""


def test_production_sends_the_strict_policy_with_no_unsafe_inline(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_REQUEST],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 302  # anonymous: sent to the login page, with the headers all the same
    assert {name: _directives(answer["csp"]).get(name) for name in STRICT} == STRICT
    assert "unsafe-inline" not in answer["csp"] and "unsafe-eval" not in answer["csp"]
    assert "camera=()" in answer["permissions"]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "setting", "expected"),
    [
        ("TANDEM_SESSION_IDLE_HOURS", "2", "SESSION_COOKIE_AGE", 7200),
        ("TANDEM_SESSION_MAX_DAYS", "3", "TANDEM_SESSION_MAX_DAYS", 3),
        ("TANDEM_LOGIN_FAILURE_LIMIT", "8", "AXES_FAILURE_LIMIT", 8),
        ("TANDEM_LOGIN_COOLOFF_MINUTES", "30", "AXES_COOLOFF_TIME", 1800),
    ],
)
def test_limits_come_from_the_environment(tmp_path, variable, value, setting, expected):
    probe = (
        "import django, json; django.setup(); from django.conf import settings; v = settings."
        + setting
        + "; print(json.dumps(v.total_seconds() if hasattr(v, 'total_seconds') else v))"
    )
    env = {**_production_env(tmp_path), variable: value}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
