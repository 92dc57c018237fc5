"""Two real Celery workers on Redis, the sweep fired on both at once, one
worker killed in the middle of a run, then a run again: exactly one e-mail per
person per step, none lost, and the records match what was sent.
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from conftest import ProjectFactory, UserFactory
from governance.models import Department
from projects.models import StepStatus
from raci.models import Reminder

pytestmark = [pytest.mark.celery_workers, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
ROOT = Path(settings.BASE_DIR)


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


class Workers:
    def __init__(self, tmp_path: Path, redis_url: str):
        self.queue = f"tandem-test-{uuid.uuid4().hex[:8]}"
        self.outbox = tmp_path / "outbox"
        self.markers = tmp_path / "markers"
        self.logs = tmp_path
        self.outbox.mkdir()
        self.markers.mkdir()
        self.env = {
            **os.environ,
            **_database_env(),
            "DJANGO_DEBUG": "true",
            "CELERY_BROKER_URL": redis_url,
            "TANDEM_CELERY_QUEUE": self.queue,
            "TANDEM_EMAIL_BACKEND": "tests.slow_email.SlowFileBackend",
            "TANDEM_EMAIL_FILE_PATH": str(self.outbox),
            "TANDEM_SLOW_EMAIL_MARKERS": str(self.markers),
            "TANDEM_SLOW_EMAIL_SECONDS": "0.6",
            "TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS": "3",
            "TANDEM_VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("EMAIL_HOST", None)
        self.processes: dict[str, subprocess.Popen] = {}
        from celery import Celery

        # CELERY_BROKER_URL in the environment would override broker=; this
        # probe must talk to the test's own Redis database.
        os.environ.pop("CELERY_BROKER_URL", None)
        self.probe = Celery("probe", broker=redis_url)

    def start(self, name: str) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool", "prefork",
             "--concurrency", "1", "-Q", self.queue, "-n", f"{name}@%h", "--without-gossip",
             "--without-mingle", "--loglevel", "INFO"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for name in self.processes:
            while b" ready." not in (self.logs / f"{name}.log").read_bytes():
                assert self.processes[name].poll() is None, self.log(name)
                assert time.monotonic() < deadline, f"worker {name} not ready:\n{self.log(name)}"
                time.sleep(0.2)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def sweep(self) -> None:
        self.probe.send_task("raci.tasks.sweep_unowned_steps", queue=self.queue)

    def sent_files(self) -> list[Path]:
        return sorted(self.outbox.glob("*.log"))

    def wait_quiet(self, quiet: float, timeout: float = 240) -> None:
        """Wait until nothing is being sent and no new mail arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            state = (len(self.sent_files()), len(list(self.markers.iterdir())))
            if state != last:
                last, since = state, time.monotonic()
            elif state[1] == 0 and time.monotonic() - since >= quiet:
                return
            time.sleep(0.2)
        raise AssertionError(f"workers never went quiet: {last}\n{self.log('w1')}\n{self.log('w2')}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.probe.close()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # the send finished while we looked
        return 0.0


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


def test_two_workers_a_killed_worker_and_a_rerun_send_each_reminder_exactly_once(tmp_path, redis_url, monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", redis_url)  # restored after the test
    expected = set()
    for i in range(4):
        owner = UserFactory(department=Department.MARKETING_OPS, email=f"owner{i}@example.com")
        it_lead = UserFactory(department=Department.IT, email=f"lead{i}@example.com")
        project = ProjectFactory.create(owner=owner, it_lead=it_lead, name=f"Project {i}")
        project.steps.filter(number__in=[2, 6]).update(status=StepStatus.IN_PROGRESS, started_at=timezone.now())
        for person in (owner, it_lead):
            expected |= {(person.email, f"Project {i} / step {n}") for n in (2, 6)}

    workers = Workers(tmp_path, redis_url)
    try:
        workers.start("w1")
        workers.start("w2")
        workers.wait_ready()
        workers.sweep()
        workers.sweep()  # beat fired on two machines at once

        # Kill the worker process that is in the middle of sending (after at
        # least one e-mail went out, before the server accepted this one).
        deadline = time.monotonic() + 60
        victim = None
        while victim is None:
            assert time.monotonic() < deadline, workers.log("w1") + workers.log("w2")
            # A send under way for 0.1–0.4 s of its 0.6: the kill lands mid-send.
            markers = [m for m in workers.markers.iterdir() if 0.1 < time.time() - _mtime(m) < 0.4]
            if workers.sent_files() and markers:
                victim = int(markers[0].name.split("-")[1])
            time.sleep(0.02)
        os.kill(victim, signal.SIGKILL)
        # A dead process leaves its marker behind (perhaps of a next message, if
        # it moved on just before the kill): clear every marker of that process.
        for marker in workers.markers.glob(f"sending-{victim}-*"):
            marker.unlink(missing_ok=True)
        delivered_before_rerun = len(_delivered(workers.sent_files()))

        workers.wait_quiet(quiet=4)  # the survivor finishes; the dead claims go stale
        workers.sweep()  # and the sweep runs again
        workers.wait_quiet(quiet=3)
    finally:
        workers.stop()

    delivered = _delivered(workers.sent_files())
    assert 0 < delivered_before_rerun < len(expected), "the kill did not land in the middle of the run"
    assert sorted(delivered) == sorted(expected)  # every reminder once: none twice, none lost
    records = set(
        Reminder.objects.filter(sent_at__isnull=False).values_list(
            "recipient__email", "step__project__name", "step__number"
        )
    )
    assert {(r, f"{p} / step {n}") for r, p, n in records} == expected
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
