"""The integrations pages: add, see, edit, delete, send again; what each person sees; query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations import services
from integrations.models import ChatChannel, Delivery, DeliveryStatus, Event, Subscription

HOOK = "https://93.184.215.14/hooks/tandem"


@pytest.fixture
def subscription(project, owner):
    return services.subscription_create(actor=owner, project=project, url=HOOK, events=[Event.VENDOR_DECIDED])


def _deliveries(subscription, n: int) -> None:
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            event_id=uuid.uuid4(),
            event=Event.VENDOR_DECIDED,
            body="{}",
            status=DeliveryStatus.SUCCEEDED,
            attempts=1,
            response_code=200,
            duration_ms=12,
            delivered_at=now,
        )
        for _ in range(n)
    )


def test_a_manager_subscribes_and_sees_the_secret_once_there(login, project, owner):
    client = login(owner)
    response = client.post(
        reverse("integrations:subscription_new"),
        {"project": project.pk, "url": HOOK, "events": [Event.STEP_STATUS_CHANGED, Event.VENDOR_DECIDED]},
    )
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and response.url == subscription.get_absolute_url()
    assert subscription.owner == owner and subscription.secret.startswith("whsec_")
    page = client.get(subscription.get_absolute_url()).content.decode()
    assert subscription.secret in page and "Subscribed." in page


def test_the_secret_shows_to_its_owner_only(login, subscription, it_lead):
    page = login(it_lead).get(subscription.get_absolute_url()).content.decode()
    assert subscription.secret not in page and "Only Alice Owner" in page


def test_a_refused_url_is_shown_on_the_form(login, project, owner, settings):
    settings.TANDEM_WEBHOOKS_ALLOW_PRIVATE = False
    response = login(owner).post(
        reverse("integrations:subscription_new"),
        {"project": project.pk, "url": "http://169.254.169.254/", "events": [Event.VENDOR_DECIDED]},
    )
    assert response.status_code == 200 and "not on the public internet" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_member_who_does_not_manage_gets_404_and_cannot_add(login, subscription, member):
    client = login(member)
    assert client.get(subscription.get_absolute_url()).status_code == 404
    assert client.get(reverse("integrations:subscription_new")).status_code == 403
    listing = client.get(reverse("integrations:subscriptions")).content.decode()
    assert HOOK not in listing and "No webhooks yet" in listing


def test_only_administrators_subscribe_the_whole_organization(login, project, owner, admin_user):
    response = login(owner).post(
        reverse("integrations:subscription_new"), {"project": "", "url": HOOK, "events": [Event.VENDOR_DECIDED]}
    )
    assert response.status_code == 200 and not Subscription.objects.exists()  # "choose a project"
    response = login(admin_user).post(
        reverse("integrations:subscription_new"), {"project": "", "url": HOOK, "events": [Event.VENDOR_DECIDED]}
    )
    assert response.status_code == 302 and Subscription.objects.get().project is None


def test_edit_turns_a_disabled_subscription_on_again(login, subscription, owner):
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, consecutive_failures=10, disabled_reason="x"
    )
    response = login(owner).post(
        reverse("integrations:subscription_edit", args=[subscription.pk]),
        {"url": HOOK, "events": [Event.ROUND_CLOSED], "description": "BI", "is_active": "on"},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 0 and subscription.events == ["round.closed"]


def test_delete_asks_first(login, subscription, owner):
    client = login(owner)
    url = reverse("integrations:subscription_delete", args=[subscription.pk])
    assert "Delete this subscription?" in client.get(url).content.decode()
    assert Subscription.objects.exists()
    assert client.post(url).status_code == 302 and not Subscription.objects.exists()


def test_send_again_from_the_log(login, subscription, owner):
    _deliveries(subscription, 1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    response = login(owner).post(reverse("integrations:delivery_resend", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0


def test_the_log_pages(login, subscription, owner):
    _deliveries(subscription, 30)
    client = login(owner)
    first = client.get(subscription.get_absolute_url()).content.decode()
    assert "Page 1 of 2" in first and first.count("Send again<") == 25
    assert client.get(subscription.get_absolute_url() + "?page=2").content.decode().count("Send again<") == 5


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_log(login, subscription, owner):
    client = login(owner)
    client.get(subscription.get_absolute_url())  # warm the session
    counts = []
    for n in (3, 27):  # 3, then 30 deliveries
        _deliveries(subscription, n)
        counts.append(_count(client, subscription.get_absolute_url()))
    assert counts[0] == counts[1] <= 6, counts


def test_queries_do_not_grow_with_the_subscriptions(login, project, owner):
    client = login(owner)
    client.get(reverse("integrations:subscriptions"))
    counts = {"integrations:subscriptions": [], "integrations:channels": []}
    for start, stop in ((0, 3), (3, 30)):
        for i in range(start, stop):
            services.subscription_create(actor=owner, project=project, url=f"{HOOK}/{i}", events=[Event.VENDOR_DECIDED])
            ChatChannel.objects.create(project=project, owner=owner, kind="slack", name=f"#c{i}", url=HOOK, events=[])
        for name, seen in counts.items():
            seen.append(_count(client, reverse(name)))
    assert all(seen[0] == seen[1] <= 6 for seen in counts.values()), counts


def test_chat_channel_add_edit_delete(login, project, owner):
    client = login(owner)
    response = client.post(
        reverse("integrations:channel_new"),
        {"project": project.pk, "kind": "teams", "name": "CDP", "url": HOOK, "events": [Event.VENDOR_DECIDED]},
    )
    channel = ChatChannel.objects.get()
    assert response.status_code == 302 and channel.kind == "teams" and channel.owner == owner
    listing = client.get(reverse("integrations:channels")).content.decode()
    assert "Microsoft Teams" in listing and "Vendor decided" in listing
    response = client.post(
        reverse("integrations:channel_edit", args=[channel.pk]),
        {"name": "CDP team", "url": HOOK, "events": [Event.ROUND_CLOSED]},
    )
    channel.refresh_from_db()
    assert response.status_code == 302 and channel.name == "CDP team" and not channel.is_active
    delete = reverse("integrations:channel_delete", args=[channel.pk])
    assert "Delete this channel?" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302 and not ChatChannel.objects.exists()
