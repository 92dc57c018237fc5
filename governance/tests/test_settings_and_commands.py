import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from governance import settings as tandem_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("False", False), ("1", True), ("off", False)])
def test_env_bool_reads_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("TANDEM_FLAG", raw)
    assert tandem_settings.env_bool("TANDEM_FLAG", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("TANDEM_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TANDEM_FLAG must be true or false"):
        tandem_settings.env_bool("TANDEM_FLAG", False)


def test_env_int_refuses_words_and_small_numbers(monkeypatch):
    monkeypatch.setenv("TANDEM_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        tandem_settings.env_int("TANDEM_N", 1)
    monkeypatch.setenv("TANDEM_N", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        tandem_settings.env_int("TANDEM_N", 5, minimum=1)


def _manage(*args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "TANDEM_VAR_DIR": "/tmp/tandem-keyless-test"}  # no secret, DEBUG off
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_commands_that_sign_nothing_run_without_the_secret():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stderr


@pytest.mark.parametrize("command", [("check", "--deploy"), ("shell", "-c", "pass")])
def test_other_commands_say_plainly_that_the_secret_is_missing(command):
    result = _manage(*command)
    assert result.returncode == 1
    assert "Tandem is not configured: DJANGO_SECRET_KEY is required" in result.stderr


# --- Test settings are chosen, never guessed ------------------------------------------

PRODUCTION_PROBE = """
import json, sys
import pytest  # a production process may well have pytest importable, or imported
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "module": settings.SETTINGS_MODULE,
    "testing": getattr(settings, "TESTING", False),
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hashers": settings.PASSWORD_HASHERS,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "pytest_loaded": "pytest" in sys.modules,
}))
"""


def _production_python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DJANGO_DEBUG": "false",
        "TANDEM_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_suite_runs_on_the_test_settings_module():
    assert settings.SETTINGS_MODULE == "governance.settings_test"
    assert settings.TESTING is True
    assert "testserver" in settings.ALLOWED_HOSTS
    # ...and the processes the tests start (Celery workers) inherit it.
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "governance.settings_test"
    assert not hasattr(tandem_settings, "TESTING"), "the production module must not know about tests"


def test_a_production_process_that_imports_pytest_keeps_production_settings(tmp_path):
    result = _production_python(
        PRODUCTION_PROBE, tmp_path, DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="tandem.example.com"
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["pytest_loaded"] is True
    assert seen["module"] == "governance.settings"
    assert seen["testing"] is False and seen["debug"] is False
    assert seen["ssl_redirect"] and seen["session_cookie_secure"] and seen["csrf_cookie_secure"]
    assert seen["hsts_seconds"] == 31536000
    assert "MD5" not in " ".join(seen["hashers"])
    assert seen["hashers"][0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert seen["allowed_hosts"] == ["tandem.example.com"]
    assert seen["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_production_process_that_imports_pytest_still_needs_the_secret(tmp_path):
    result = _production_python(PRODUCTION_PROBE, tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


DATABASE_PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps(settings.DATABASES["default"].get("OPTIONS", {})))
"""


def test_postgresql_connections_give_up_after_the_connect_timeout(tmp_path):
    base = {"DJANGO_SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://tandem@db.invalid:5432/tandem"}
    default = _production_python(DATABASE_PROBE, tmp_path, **base)
    chosen = _production_python(DATABASE_PROBE, tmp_path, DATABASE_CONNECT_TIMEOUT="2", **base)
    refused = _production_python(DATABASE_PROBE, tmp_path, DATABASE_CONNECT_TIMEOUT="soon", **base)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout)["connect_timeout"] == 5
    assert json.loads(chosen.stdout)["connect_timeout"] == 2
    assert refused.returncode != 0 and "DATABASE_CONNECT_TIMEOUT must be a whole number" in refused.stderr


def test_postgresql_connections_run_without_jit_unless_asked(tmp_path):
    base = {"DJANGO_SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://tandem@db.invalid:5432/tandem"}
    default = _production_python(DATABASE_PROBE, tmp_path, **base)
    asked = _production_python(DATABASE_PROBE, tmp_path, DATABASE_PG_JIT="on", **base)
    assert json.loads(default.stdout)["options"] == "-c jit=off"
    assert "options" not in json.loads(asked.stdout)
