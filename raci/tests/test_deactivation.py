"""Deactivating a person lists the steps that lose their Accountable person,
in admin and from the command line."""

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from conftest import assign
from raci.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def accountable_for_two(project, it_lead):
    """The IT lead is Accountable for steps 6 and 8; step 8 is already done."""
    assign(project.steps.get(number=6), it_lead, Role.ACCOUNTABLE)
    done = project.steps.get(number=8)
    assign(done, it_lead, Role.ACCOUNTABLE)
    done.status = "done"
    done.completed_at = project.created_at
    done.save()
    return it_lead


def test_the_command_deactivates_and_lists_the_open_steps_that_lose_their_owner(project, accountable_for_two, capsys):
    call_command("deactivate_user", accountable_for_two.username)
    out = capsys.readouterr().out
    accountable_for_two.refresh_from_db()
    assert not accountable_for_two.is_active
    assert "Steps that lose their Accountable person (1):" in out
    assert "Customer data platform: step 6, Build and integrate the solution" in out
    assert "step 8" not in out  # a done step keeps the record of who answered for it


def test_the_command_refuses_an_unknown_username_and_deactivates_nobody(accountable_for_two):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No such person: ghost"):
        call_command("deactivate_user", accountable_for_two.username, "ghost")
    accountable_for_two.refresh_from_db()
    assert accountable_for_two.is_active


def test_unticking_active_in_admin_says_which_steps_lose_their_owner(client, admin_user, accountable_for_two):
    client.force_login(admin_user)
    url = reverse("admin:governance_user_change", args=[accountable_for_two.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    data.pop("is_active", None)
    data["last_login_0"] = data["last_login_1"] = ""
    data["date_joined_0"], data["date_joined_1"] = "2026-01-01", "09:00:00"
    response = client.post(url, data, follow=True)
    accountable_for_two.refresh_from_db()
    assert not accountable_for_two.is_active
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [str(m) for m in response.context["messages"]]
    assert any(
        "1 open step loses its Accountable person" in m and "step 6, Build and integrate the solution" in m
        for m in shown
    )


def test_the_admin_action_deactivates_and_lists_the_steps(client, admin_user, accountable_for_two):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:governance_user_changelist"),
        {"action": "deactivate", "_selected_action": [accountable_for_two.pk]},
        follow=True,
    )
    accountable_for_two.refresh_from_db()
    assert not accountable_for_two.is_active
    assert "step 6, Build and integrate the solution" in response.content.decode()
