import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from governance import settings as tandem_settings
from governance.models import User
from projects.models import Project
from raci.selectors import unowned_steps


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


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_leaves_steps_unowned(capsys):
    call_command("seed_demo")
    first = (User.objects.count(), Project.objects.count(), unowned_steps().count())
    call_command("seed_demo")
    assert (User.objects.count(), Project.objects.count(), unowned_steps().count()) == first
    assert first[1] == 7 and first[2] > 0
    assert User.objects.filter(is_executive=True).count() == 2
    out = capsys.readouterr().out
    assert "itlead" in out and "tandem-demo" in out


def _manage(*args: str) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "TANDEM_VAR_DIR": "/tmp/tandem-keyless-test"}  # no secret, DEBUG off
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_commands_that_sign_nothing_run_without_the_secret():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stderr


@pytest.mark.parametrize("command", [("check", "--deploy"), ("shell", "-c", "pass")])
def test_other_commands_say_plainly_that_the_secret_is_missing(command):
    result = _manage(*command)
    assert result.returncode == 1
    assert "Tandem is not configured: DJANGO_SECRET_KEY is required" in result.stderr
