"""seed_demo: idempotent demo data, never on production by accident, never over a real account."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from conftest import UserFactory
from governance.management.commands.seed_demo import PASSWORD, PEOPLE
from governance.models import Department, User
from projects.models import Project
from raci.selectors import unowned_steps

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_leaves_steps_unowned(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = (User.objects.count(), Project.objects.count(), unowned_steps().count())
    call_command("seed_demo")
    assert (User.objects.count(), Project.objects.count(), unowned_steps().count()) == first
    assert first[1] == 8 and first[2] > 0
    assert User.objects.filter(is_executive=True).count() == 2
    out = capsys.readouterr().out
    assert "itlead" in out and "tandem-demo" in out
    assert authenticate(username="cmo", password=PASSWORD) is not None


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo")
    message = str(refused.value)
    assert "DJANGO_DEBUG off" in message and "--allow-production" in message
    assert not User.objects.exists() and not Project.objects.exists()


def test_seed_demo_with_the_flag_runs_on_production_but_leaves_existing_people_alone(settings, capsys):
    settings.DEBUG = False
    # A real person who happens to have a demo username, with their own password.
    finance = UserFactory(
        username="finance", first_name="Real", last_name="Person", department=Department.IT, password="her-own-secret"
    )
    call_command("seed_demo", "--allow-production")
    finance.refresh_from_db()
    assert finance.check_password("her-own-secret") and not finance.check_password(PASSWORD)
    assert (finance.first_name, finance.department, finance.is_staff) == ("Real", Department.IT, False)
    # Everyone else was new, so got the demo password.
    assert all(
        User.objects.get(username=username).check_password(PASSWORD) for username, *_ in PEOPLE if username != "finance"
    )
    assert Project.objects.count() == 8
    out = capsys.readouterr().out
    assert "finance" in out and "already existed" in out


def test_seeding_again_never_resets_a_changed_password(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    cmo = User.objects.get(username="cmo")
    cmo.set_password("changed-after-the-demo")
    cmo.is_active = False
    cmo.save()
    call_command("seed_demo")
    cmo.refresh_from_db()
    assert cmo.check_password("changed-after-the-demo") and not cmo.is_active
