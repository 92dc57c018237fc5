"""A real Celery worker on Redis killed in the middle of a webhook delivery: the
delivery is not lost. Its claim's lease runs out, and the sweep on a second
worker sends it again, with the same id, to the same real receiver."""

import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import ProjectFactory, UserFactory
from integrations.models import Delivery, DeliveryStatus, Event
from integrations.services import subscription_create
from raci.tests.test_reminders_workers import ROOT, Workers, redis_url  # noqa: F401 - redis_url is a fixture
from tests.processes import wait_for

pytestmark = [pytest.mark.celery_workers, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_celery():
    """Not here: the tasks run in the real workers."""


class SoloWorkers(Workers):
    """One process per worker (``--pool solo``): killing it kills the send under way."""

    def start(self, name: str) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool", "solo",
             "-Q", self.queue, "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


def test_a_worker_killed_mid_send_loses_nothing(tmp_path, redis_url, receiver):  # noqa: F811 - the fixture
    owner = UserFactory()
    project = ProjectFactory.create(owner=owner)
    subscription = subscription_create(
        actor=owner, project=project, url=receiver.url, events=[Event.STEP_STATUS_CHANGED]
    )
    delivery = Delivery.objects.create(
        subscription=subscription, event=Event.STEP_STATUS_CHANGED, body='{"x":1}', next_retry_at=timezone.now()
    )
    receiver.delay = 60  # the first attempt hangs in the receiver…
    workers = SoloWorkers(tmp_path, redis_url)
    try:
        workers.start("w1")
        workers.wait_ready()
        workers.probe.send_task("integrations.tasks.send_delivery", args=[delivery.pk], queue=workers.queue)
        wait_for(lambda: receiver.requests, "the first attempt to reach the receiver", workers)
        workers.processes["w1"].send_signal(signal.SIGKILL)  # …and its worker is killed
        workers.processes.pop("w1").wait(timeout=10)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
        assert delivery.claimed_until > timezone.now()  # still claimed: nobody else sends it meanwhile

        receiver.delay = 0
        # The lease runs out (TANDEM_WEBHOOKS_TIMEOUT_SECONDS + 30 s; moved here rather than waited for).
        Delivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
        workers.start("w2")
        workers.wait_ready()
        workers.probe.send_task("integrations.tasks.sweep", queue=workers.queue)

        def delivered():
            delivery.refresh_from_db()
            return delivery.status == DeliveryStatus.SUCCEEDED

        wait_for(delivered, "the sweep to deliver it", workers)
    finally:
        workers.stop()
    assert delivery.attempts == 2 and len(receiver.requests) == 2
    assert receiver.requests[0]["headers"]["Tandem-Delivery"] == receiver.requests[1]["headers"]["Tandem-Delivery"]
