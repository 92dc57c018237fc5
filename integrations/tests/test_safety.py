"""Refusals: only http(s), never Tandem's own host, never a non-public address
(unless TANDEM_WEBHOOKS_ALLOW_PRIVATE), checked when saved and before each attempt."""

import pytest
from django.core.exceptions import ValidationError

from integrations import delivery as engine
from integrations import http, services
from integrations.models import Delivery, DeliveryStatus, Event
from raci.services import step_transition

REFUSED = [
    ("ftp://example.com/hook", "Only http:// and https://"),
    ("javascript:alert(1)", "Only http:// and https://"),
    ("https://user:pw@example.com/hook", "no user name or password"),
    ("http://10.1.2.3/hook", "not on the public internet"),
    ("http://192.168.0.10:8080/hook", "not on the public internet"),
    ("http://169.254.169.254/latest/meta-data/", "not on the public internet"),
    ("http://127.0.0.1:9999/hook", "own address"),  # also in ALLOWED_HOSTS
    ("http://[::1]:9999/hook", "own address"),
    ("http://[::ffff:127.0.0.1]:9999/hook", "not on the public internet"),
    ("http://0.0.0.0/hook", "not on the public internet"),
    ("https://tandem.example.org/admin/", "own address"),
    ("https://sub.tandem.example.org/admin/", "own address"),
    ("http://", "needs a host name"),
]


@pytest.fixture
def production_rules(settings):
    settings.TANDEM_WEBHOOKS_ALLOW_PRIVATE = False
    settings.SITE_URL = "https://tandem.example.org"
    settings.ALLOWED_HOSTS = ["tandem.example.org", ".tandem.example.org", "127.0.0.1", "[::1]"]


@pytest.mark.parametrize(("url", "why"), REFUSED)
def test_the_service_refuses(production_rules, project, owner, url, why):
    with pytest.raises(ValidationError) as refused:
        services.subscription_create(actor=owner, project=project, url=url, events=[Event.VENDOR_DECIDED])
    assert why in " ".join(refused.value.message_dict["url"])
    assert not project.webhook_subscriptions.exists()


def test_a_public_address_is_accepted(production_rules, project, owner):
    subscription = services.subscription_create(
        actor=owner, project=project, url="https://93.184.215.14/hook", events=[Event.VENDOR_DECIDED]
    )
    assert subscription.pk


def test_chat_channels_follow_the_same_rules(production_rules, project, owner):
    with pytest.raises(ValidationError):
        services.channel_create(
            actor=owner, project=project, kind="slack", name="#x", url="http://10.0.0.1/", events=["vendor.decided"]
        )


def test_an_address_that_became_private_is_refused_before_sending(
    owned_project, owner, receiver, settings, django_capture_on_commit_callbacks
):
    """Saved while allowed (a name that resolved publicly then); refused at the attempt, nothing reaches it."""
    services.subscription_create(
        actor=owner, project=owned_project, url=receiver.url, events=[Event.STEP_STATUS_CHANGED]
    )
    settings.TANDEM_WEBHOOKS_ALLOW_PRIVATE = False
    settings.ALLOWED_HOSTS = ["tandem.example.org"]
    settings.SITE_URL = "https://tandem.example.org"
    step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="start")
    delivery = Delivery.objects.get()
    assert engine.send(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and "not on the public internet" in delivery.error
    assert receiver.requests == []


def test_with_private_addresses_allowed_only_the_site_itself_is_refused(settings):
    settings.TANDEM_WEBHOOKS_ALLOW_PRIVATE = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    with pytest.raises(http.Refused):
        http.check("http://127.0.0.1:8000/admin/")
    http.check("http://127.0.0.1:8001/hook")


def test_redirects_are_not_followed(receiver, owned_project, owner, django_capture_on_commit_callbacks):
    receiver.status = 302
    services.subscription_create(
        actor=owner, project=owned_project, url=receiver.url, events=[Event.STEP_STATUS_CHANGED]
    )
    with django_capture_on_commit_callbacks(execute=True):
        step_transition(actor=owner, step=owned_project.steps.get(number=1), transition="start")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code == 302
