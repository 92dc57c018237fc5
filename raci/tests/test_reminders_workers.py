"""Two real Celery workers on Redis, the sweep fired on both at once, the
worker that is sending killed in the middle of a send, then a run again: at
most one e-mail per person per step, none lost but the one whose send was cut
off (its outcome is unknown, so it is never sent again: docs/reliability.md),
the killed run marked abandoned, and the records match what was sent.

The test decides when each send completes and when the kill lands: the e-mail
backend (``tests/slow_email.py``) announces every send with a marker file and
then blocks until the test opens a gate for it. Waiting is always polling for a
state (a file, a row) with a deadline, never a pause of a guessed length.
"""

import email
import os
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from conftest import ProjectFactory, UserFactory
from governance.models import Department
from projects.models import StepStatus
from raci.models import Reminder, ReminderRun, ReminderRunStatus
from tests.processes import stop_warmly, wait_for
from tests.slow_email import MailGate

pytestmark = [pytest.mark.celery_workers, pytest.mark.django_db(transaction=True)]


def _test_redis_url() -> str:
    """TANDEM_TEST_REDIS_URL, else the broker the suite runs with if it is Redis, else Redis db 7."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    return (
        os.environ.get("TANDEM_TEST_REDIS_URL")
        or (broker if broker.startswith("redis://") else "")
        or ("redis://127.0.0.1:6379/7")
    )


REDIS_URL = _test_redis_url()
ROOT = Path(settings.BASE_DIR)
CLAIM_TIMEOUT_SECONDS = 2


@pytest.fixture
def redis_url():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.exceptions.RedisError as error:
        reason = f"No Redis answers at {REDIS_URL} ({error}); .ci/run starts one"
        if os.environ.get("TANDEM_REQUIRE_REDIS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return REDIS_URL


def _database_env() -> dict[str, str]:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"TANDEM_SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {"DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}


class Workers(MailGate):
    def __init__(self, tmp_path: Path, redis_url: str):
        self.queue = f"tandem-test-{uuid.uuid4().hex[:8]}"
        self.logs = tmp_path
        self.env = {
            **os.environ,
            **_database_env(),
            "DJANGO_DEBUG": "true",
            "CELERY_BROKER_URL": redis_url,
            "TANDEM_CELERY_QUEUE": self.queue,
            **self.open_mail_gate(tmp_path),
            "TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT_SECONDS),
            "TANDEM_VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("EMAIL_HOST", None)
        self.processes: dict[str, subprocess.Popen] = {}
        from celery import Celery

        self.probe = Celery("probe", broker=redis_url)
        self.redis_url = redis_url

    def start(self, name: str) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool", "prefork",
             "--concurrency", "1", "-Q", self.queue, "-n", f"{name}@%h", "--without-gossip",
             "--without-mingle", "--loglevel", "INFO"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self) -> None:
        for name, process in self.processes.items():

            def ready(name=name, process=process) -> bool:
                assert process.poll() is None, f"worker {name} exited\n{self.tail()}"
                return b" ready." in (self.logs / f"{name}.log").read_bytes()

            wait_for(ready, f"worker {name} ready", self)

    def tail(self) -> str:
        return "\n".join(
            f"--- {name}:\n" + (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]
            for name in self.processes
        )

    def sweep(self) -> None:
        self.probe.send_task("raci.tasks.sweep_unowned_steps", queue=self.queue)

    def stop(self) -> None:
        """Warm shutdown: a task under way finishes, nothing new starts."""
        self.open_gate()
        stop_warmly(self.processes.values(), timeout=30)
        self.probe.close()
        import redis

        # The queue is this test's alone: drop it, its bindings, and a message
        # requeued after the kill that no worker read.
        with redis.Redis.from_url(self.redis_url) as client:
            client.delete(self.queue, f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}")


def _marker_pid(marker: Path) -> int:
    return int(marker.name.split("-")[1])


def _dead(pid: int) -> bool:
    """True once ``pid`` has died (a zombie waiting for its parent counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _delivered(files: list[Path]) -> list[tuple[str, str]]:
    """(recipient, "project / step N") for every step line of every e-mail written."""
    delivered = []
    for path in files:
        for raw in path.read_bytes().split(b"-" * 79):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw.strip())
            text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
            body = text.get_payload(decode=True).decode()
            project = None
            for line in body.splitlines():
                if line.startswith("Project "):
                    project = line.strip()
                elif line.strip().startswith("- Step "):
                    number = line.strip()[len("- Step ") :].split(",")[0]
                    delivered.append((message["To"], f"{project} / step {number}"))
    return delivered


def _claims_stale() -> bool:
    """No unsent reminder is held by a claim younger than the claim timeout."""
    fresh_since = timezone.now() - timedelta(seconds=CLAIM_TIMEOUT_SECONDS)
    return not Reminder.objects.filter(sent_at=None, claimed_at__gte=fresh_since).exists()


def _four_projects_with_two_unowned_steps() -> set[tuple[str, str]]:
    """Eight people (an owner and an IT lead each), so eight digests of two steps:
    the (recipient, "project / step N") pairs to be reminded."""
    expected = set()
    for i in range(4):
        owner = UserFactory(department=Department.MARKETING_OPS, email=f"owner{i}@example.com")
        it_lead = UserFactory(department=Department.IT, email=f"lead{i}@example.com")
        project = ProjectFactory.create(owner=owner, it_lead=it_lead, name=f"Project {i}")
        project.steps.filter(number__in=[2, 6]).update(status=StepStatus.IN_PROGRESS, started_at=timezone.now())
        for person in (owner, it_lead):
            expected |= {(person.email, f"Project {i} / step {n}") for n in (2, 6)}
    return expected


def test_two_workers_a_killed_worker_and_a_rerun_send_each_reminder_at_most_once_and_lose_only_the_cut_send(
    tmp_path, redis_url, monkeypatch
):
    # The probe must talk to the test's Redis database: a CELERY_BROKER_URL in
    # this process's environment would override its broker=.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    expected = _four_projects_with_two_unowned_steps()

    workers = Workers(tmp_path, redis_url)
    try:
        workers.start("w1")
        workers.start("w2")
        workers.wait_ready()
        workers.sweep()
        workers.sweep()  # beat fired on two machines at once

        # The run that claimed the reminders starts its first send: let it through.
        first = wait_for(workers.sending, "a first send", workers)[0]
        victim = _marker_pid(first)
        workers.let_through(first)
        wait_for(lambda: not first.exists(), "the first e-mail delivered", workers)
        # Its next send starts and waits at the gate: the mail server has not
        # accepted it. Kill that worker process there.
        cut = wait_for(lambda: workers.sending(victim), "a second send by the same process", workers)[0]
        cut_recipient = cut.read_text()
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: _dead(victim), "the killed process gone", workers)
        delivered_before_kill = _delivered(workers.sent_files())
        for marker in workers.sending(victim):  # a dead process leaves its marker behind
            marker.unlink()
        workers.open_gate()  # from now on, every send goes straight through

        # The dead run's claims go stale; then a sweep (the task redelivered
        # after the kill, or this one) takes them over and sends the rest.
        wait_for(_claims_stale, "the killed run's claims to go stale", workers)
        workers.sweep()
        wait_for(
            lambda: not Reminder.objects.filter(sent_at=None, send_started_at=None).exists() and not workers.sending(),
            "every reminder sent but the one cut off",
            workers,
        )
    finally:
        workers.stop()

    assert len(delivered_before_kill) == 2, "one digest (two steps) went out before the kill, no more"
    cut_off = {pair for pair in expected if pair[0] == cut_recipient}
    assert len(cut_off) == 2
    delivered = _delivered(workers.sent_files())
    assert sorted(delivered) == sorted(expected - cut_off)  # none twice, none lost but the cut send
    records = set(
        Reminder.objects.filter(sent_at__isnull=False).values_list(
            "recipient__email", "step__project__name", "step__number"
        )
    )
    assert {(r, f"{p} / step {n}") for r, p, n in records} == expected - cut_off
    unknown = Reminder.objects.filter(sent_at=None)
    assert set(unknown.values_list("recipient__email", flat=True)) == {cut_recipient}
    assert all(r.send_started_at and "may or may not have been delivered" in r.last_error for r in unknown)
    assert Reminder.objects.count() == len(expected)
    # The killed run was marked abandoned by the rerun; every other run finished.
    assert ReminderRun.objects.filter(status=ReminderRunStatus.ABANDONED).count() == 1
    assert not ReminderRun.objects.filter(status=ReminderRunStatus.RUNNING).exists()
