"""Slack and Microsoft Teams: readable, batched messages for a channel.

Batching: each event waits as a ``ChatItem``. A channel is flushed once it has
been quiet for ``TANDEM_CHAT_QUIET_SECONDS`` (no newer item), or once its
oldest waiting item is ``TANDEM_CHAT_MAX_WAIT_SECONDS`` old, so a burst of
changes (a matrix save that moves five Accountable people) becomes one message.
Every new event queues a flush a quiet window later (``outbox``), and the
periodic sweep flushes whatever those missed (a broker that was down).

A flush claims the waiting items with one conditional UPDATE (a claim token
and a lease), posts them as one message and marks them posted; a failed post
releases them for the next flush. A claim left by a dead worker expires and
the items are posted by a later flush.
"""

import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from integrations import http
from integrations.models import ChatChannel, ChatItem, ChatKind

MAX_LINES = 20  # one message lists at most this many events, then "and N more"


def _free(now) -> Q:
    return Q(posted_at__isnull=True) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def ready_channel_ids() -> list[int]:
    """Active channels with waiting items that are quiet, or whose oldest item waited long enough."""
    now = timezone.now()
    quiet = now - timedelta(seconds=settings.TANDEM_CHAT_QUIET_SECONDS)
    overdue = now - timedelta(seconds=settings.TANDEM_CHAT_MAX_WAIT_SECONDS)
    rows = (
        ChatItem.objects.filter(_free(now), channel__is_active=True)
        .values("channel_id")
        .annotate(newest=Max("created_at"), oldest=Min("created_at"))
        .filter(Q(newest__lte=quiet) | Q(oldest__lte=overdue))
        .order_by("channel_id")
    )
    return [row["channel_id"] for row in rows]


def _escape_slack(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(items: list[ChatItem], extra: int = 0) -> dict:
    """Slack Block Kit: a header, one section per event (linked), a context line."""
    heading = "Tandem: 1 update" if len(items) + extra == 1 else f"Tandem: {len(items) + extra} updates"
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": heading}}]
    for item in items:
        line = f"<{item.link}|{_escape_slack(item.title)}>"
        if item.text:
            line += f"\n{_escape_slack(item.text)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line}})
    if extra:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"…and {extra} more."}})
    site = f"<{settings.SITE_URL}/|Open Tandem>"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": site}]})
    return {"text": heading, "blocks": blocks}


def teams_message(items: list[ChatItem], extra: int = 0) -> dict:
    """A Teams incoming-webhook message: an Adaptive Card in the message envelope."""
    heading = "Tandem: 1 update" if len(items) + extra == 1 else f"Tandem: {len(items) + extra} updates"
    body = [{"type": "TextBlock", "text": heading, "weight": "Bolder", "size": "Medium", "wrap": True}]
    for item in items:
        title = item.title.replace("[", "(").replace("]", ")")
        body.append({"type": "TextBlock", "text": f"[{title}]({item.link})", "wrap": True, "separator": True})
        if item.text:
            body.append({"type": "TextBlock", "text": item.text, "wrap": True, "isSubtle": True, "spacing": "None"})
    if extra:
        body.append({"type": "TextBlock", "text": f"…and {extra} more.", "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Open Tandem", "url": f"{settings.SITE_URL}/"}],
    }
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
    return {"type": "message", "attachments": [attachment]}


def message(kind: str, items: list[ChatItem], extra: int = 0) -> dict:
    return slack_message(items, extra) if kind == ChatKind.SLACK else teams_message(items, extra)


def _claim(channel_id: int) -> tuple[uuid.UUID, list[ChatItem]]:
    now = timezone.now()
    token = uuid.uuid4()
    lease = now + timedelta(seconds=settings.TANDEM_WEBHOOKS_TIMEOUT_SECONDS + 30)
    free = ChatItem.objects.filter(_free(now), channel_id=channel_id).values("pk")
    ChatItem.objects.filter(pk__in=free).update(claim=token, claimed_until=lease)
    return token, list(ChatItem.objects.filter(claim=token, posted_at__isnull=True).order_by("created_at", "pk"))


def flush(channel_id: int, *, force: bool = False) -> str:
    """Post the waiting items of ``channel_id`` as one message if the channel is ready (or ``force``)."""
    channel = ChatChannel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None:
        return "no channel"
    if not force and channel_id not in ready_channel_ids():
        return "not ready"
    token, items = _claim(channel_id)
    if not items:
        return "nothing"
    shown, extra = items[:MAX_LINES], max(len(items) - MAX_LINES, 0)
    body = json.dumps(message(channel.kind, shown, extra)).encode()
    answer = http.post_json(channel.url, body, {})
    with transaction.atomic():
        if answer.ok:
            ChatItem.objects.filter(claim=token).update(posted_at=timezone.now(), claimed_until=None)
            ChatChannel.objects.filter(pk=channel_id).update(
                consecutive_failures=0, last_posted_at=timezone.now(), last_error=""
            )
            return "posted"
        ChatItem.objects.filter(claim=token).update(claim=None, claimed_until=None)
        return _failed(channel_id, answer.error or f"The channel answered {answer.status}.")


def _failed(channel_id: int, error: str) -> str:
    channel = ChatChannel.objects.select_for_update().select_related("owner").get(pk=channel_id)
    channel.consecutive_failures += 1
    channel.last_error = error[:300]
    fields = ["consecutive_failures", "last_error"]
    if channel.consecutive_failures >= settings.TANDEM_WEBHOOKS_DISABLE_AFTER:
        channel.is_active = False
        channel.disabled_reason = f"Disabled after {channel.consecutive_failures} failed posts in a row. Last: {error}"[
            :300
        ]
        fields += ["is_active", "disabled_reason"]
        _mail_owner(channel)
    channel.save(update_fields=fields)
    return "disabled" if not channel.is_active else "failed"


def _mail_owner(channel: ChatChannel) -> None:
    owner = channel.owner
    if not owner.email:
        return
    url = settings.SITE_URL + reverse("integrations:channels")
    message = (
        f"Hello {owner.display_name},\n\nTandem stopped posting to the {channel.get_kind_display()} channel "
        f"{channel.name}: {channel.disabled_reason}\n\nFix the incoming webhook and turn the channel on again:\n{url}\n"
    )
    transaction.on_commit(
        lambda: send_mail("Tandem disabled a chat channel", message, None, [owner.email], fail_silently=True)
    )
