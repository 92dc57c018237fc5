"""Slack and Teams: the message shapes, batching a burst into one message, failures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import chat, services, tasks
from integrations.models import ChatChannel, ChatItem, Event
from raci.services import step_transition

EVENTS = [Event.STEP_STATUS_CHANGED, Event.ACCOUNTABLE_CHANGED]


def _burst(project, owner, captured):
    """Three changes in a row: start, block, start again."""
    step = project.steps.get(number=1)
    with captured(execute=True):
        step_transition(actor=owner, step=step, transition="start")
        step_transition(actor=owner, step=project.steps.get(number=1), transition="block", reason="Legal <review>")
        step_transition(actor=owner, step=project.steps.get(number=1), transition="start")


def _quiet():
    ChatItem.objects.update(created_at=timezone.now() - timedelta(minutes=2))


@pytest.fixture
def slack(owned_project, owner, receiver):
    return services.channel_create(
        actor=owner, project=owned_project, kind="slack", name="#cdp", url=receiver.url, events=EVENTS
    )


def test_a_burst_is_one_slack_message_after_the_quiet_window(
    slack, owned_project, owner, receiver, django_capture_on_commit_callbacks
):
    _burst(owned_project, owner, django_capture_on_commit_callbacks)  # the queued flushes find it too fresh
    assert ChatItem.objects.filter(posted_at=None).count() == 3 and receiver.requests == []
    assert chat.flush(slack.pk) == "not ready"
    _quiet()
    assert tasks.sweep() == 1
    [request] = receiver.requests
    message = receiver.json()
    assert message["text"] == "Tandem: 3 updates"
    blocks = message["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Tandem: 3 updates"}}
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) == 3
    assert sections[0].startswith("<http://") and "#step-1|Customer data platform: step 1" in sections[0]
    assert "is now in progress>" in sections[0]
    assert "Blocked: Legal &lt;review&gt;" in sections[1]  # Slack's escaping of user text
    assert blocks[-1]["type"] == "context"
    assert "Tandem-Signature" not in request["headers"]
    assert not ChatItem.objects.filter(posted_at=None).exists()
    assert tasks.sweep() == 0 and len(receiver.requests) == 1


def test_teams_gets_an_adaptive_card_in_the_message_envelope(owned_project, owner, receiver):
    channel = services.channel_create(
        actor=owner, project=owned_project, kind="teams", name="CDP", url=receiver.url, events=EVENTS
    )
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="start")
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="block", reason="Waiting")
    assert chat.flush(channel.pk, force=True) == "posted"
    message = receiver.json()
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    texts = [block["text"] for block in card["body"]]
    assert texts[0] == "Tandem: 2 updates"
    assert texts[1].startswith("[Customer data platform: step 1") and "](http://" in texts[1]
    assert "Waiting" in texts[-1]
    assert card["actions"][0]["type"] == "Action.OpenUrl"


def test_a_long_burst_is_posted_once_its_oldest_event_waited_long_enough(slack, owned_project, owner, receiver):
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="start")
    ChatItem.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="block", reason="x")
    assert chat.ready_channel_ids() == [slack.pk]  # still busy, but the first event waited 10 minutes
    assert chat.flush(slack.pk) == "posted" and receiver.json()["text"] == "Tandem: 2 updates"


def test_a_failed_post_keeps_the_items_and_disables_after_n(slack, owned_project, owner, receiver, settings):
    settings.TANDEM_WEBHOOKS_DISABLE_AFTER = 2
    receiver.status = 500
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="start")
    _quiet()
    assert chat.flush(slack.pk) == "failed"
    assert ChatItem.objects.filter(posted_at=None, claim=None).count() == 1
    assert chat.flush(slack.pk) == "disabled"
    channel = ChatChannel.objects.get()
    assert not channel.is_active and "2 failed posts" in channel.disabled_reason
    assert chat.ready_channel_ids() == []


def test_other_projects_events_are_not_posted(slack, project_factory, owner, receiver):
    other = project_factory.create(owner=owner, name="Another")
    from conftest import assign
    from raci.models import Role

    assign(other.steps.get(number=1), owner, Role.ACCOUNTABLE)
    step_transition(actor=owner, step=other.steps.get(number=1), transition="start")
    assert not ChatItem.objects.exists()
