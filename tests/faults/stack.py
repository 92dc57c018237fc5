"""The fault suite's machinery: a private PostgreSQL and Redis, and Tandem's
processes (two Celery workers, beat, the web) running against them.

Nothing here touches the machine's shared servers: PostgreSQL is a fresh
cluster (``initdb``) in a temporary directory on ``TANDEM_FAULT_PG_PORT``
(5499), Redis a fresh ``redis-server`` on ``TANDEM_FAULT_REDIS_PORT`` (6399)
that saves nothing; both are removed afterwards.
"""

import contextlib
import email
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg2

from tests import processes
from tests.processes import stop_warmly
from tests.slow_email import MailGate

ROOT = Path(__file__).resolve().parents[2]
PG_PORT = int(os.environ.get("TANDEM_FAULT_PG_PORT", "5499"))
REDIS_PORT = int(os.environ.get("TANDEM_FAULT_REDIS_PORT", "6399"))
DATABASE = "tandem_faults"
CLAIM_TIMEOUT_SECONDS = 4
SWEEP_SECONDS = 3


def _port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if found:
        return found[-1]
    return shutil.which(name) or name


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="tandem-faults-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"

    def _ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), *args]), check=True,
                       capture_output=True, timeout=60)  # fmt: skip

    def init(self) -> None:
        assert not _port_in_use(PG_PORT), f"port {PG_PORT} is taken: set TANDEM_FAULT_PG_PORT"
        command = [_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]
        subprocess.run(_as_postgres(command), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._ctl("-l", str(self.dir / "server.log"), "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self, folder: Path):
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert not _port_in_use(REDIS_PORT), f"port {REDIS_PORT} is taken: set TANDEM_FAULT_REDIS_PORT"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while not _port_in_use(REDIS_PORT):
            assert time.monotonic() < deadline, "the private Redis did not start"
            time.sleep(0.05)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Stack(MailGate):
    def __init__(self, tmp: Path):
        self.tmp = tmp
        mail_env = self.open_mail_gate(tmp)
        self.postgres = PrivatePostgres()
        self.redis = PrivateRedis(tmp)
        self.web_url = f"http://127.0.0.1:{_free_port()}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "TANDEM_CELERY_QUEUE": f"tandem-faults-{uuid.uuid4().hex[:8]}",
            **mail_env,
            "TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT_SECONDS),
            "TANDEM_REMINDER_SWEEP_SECONDS": str(SWEEP_SECONDS),
            "TANDEM_VAR_DIR": str(tmp / "var"),
            "TANDEM_SITE_URL": self.web_url,
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("EMAIL_HOST", None)

    # --- life cycle ---------------------------------------------------------------
    def start(self) -> None:
        self.postgres.init()
        self.postgres.start()
        admin = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres")
        admin.autocommit = True  # CREATE DATABASE runs outside a transaction
        admin.cursor().execute(f"CREATE DATABASE {DATABASE}")
        admin.close()
        self.redis.start()
        self.manage("migrate", "--noinput", "-v", "0")
        address = self.web_url.removeprefix("http://")
        self.spawn("web", [sys.executable, "manage.py", "runserver", address, "--noreload"])
        for name in ("w1", "w2"):
            self.spawn(name, [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool", "prefork",
                              "--concurrency", "1", "-Q", self.env["TANDEM_CELERY_QUEUE"], "-n", f"{name}@%h",
                              "--without-gossip", "--without-mingle", "--loglevel", "INFO"])  # fmt: skip
        for name in ("w1", "w2"):
            wait_for(lambda name=name: " ready." in self.log(name), f"worker {name} ready", self)
        wait_for(lambda: "Quit the server" in self.log("web"), "the web serving", self)

    def ensure_up(self) -> None:
        """Both servers running: a test that failed mid-outage does not fail the next one too."""
        if not self.postgres.running():
            self.postgres.start()
        if not self.redis.running():
            self.redis.start()

    def start_beat(self) -> None:
        self.spawn("beat", [sys.executable, "-m", "celery", "-A", "governance", "beat", "--loglevel", "INFO",
                            "-s", str(self.tmp / "beat-schedule")])  # fmt: skip

    def spawn(self, name: str, command: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def manage(self, *args: str) -> None:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                              timeout=120)  # fmt: skip
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout.decode()}\n{done.stderr.decode()}"

    def stop(self) -> None:
        self.open_gate()
        stop_warmly(self.processes.values(), timeout=20)
        self.redis.stop()
        self.postgres.destroy()

    # --- driving it ---------------------------------------------------------------------
    def build(self, first: int, count: int) -> None:
        self.manage("shell", "-c", f"from tests.faults.scenario import build; build({first}, {count})")

    def sweep(self) -> None:
        """Two sweeps published at once, as two beats on two machines would."""
        self.manage("shell", "-c", "from raci.tasks import sweep_unowned_steps as s; s.delay(); s.delay()")

    def scalar(self, sql: str):
        """One value from the private database, or None while it is down."""
        try:
            connection = psycopg2.connect(
                host="127.0.0.1", port=PG_PORT, user="postgres", dbname=DATABASE, connect_timeout=2
            )
        except psycopg2.Error:
            return None
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0]
        except psycopg2.Error:
            return None
        finally:
            connection.close()

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker_logs(self) -> str:
        return self.log("w1") + self.log("w2")

    def tail(self) -> str:
        return "\n".join(f"--- {name}:\n{self.log(name)[-3000:]}" for name in self.processes)


def wait_for(condition: Callable[[], object], what: str, stack: Stack, timeout: float = 60):
    """``tests.processes.wait_for``, polling less often: conditions here open database connections."""
    return processes.wait_for(condition, what, stack, timeout, poll=0.05)


def delivered(outbox: Path, *projects: str) -> list[tuple[str, str]]:
    """(recipient, "project / step N") for every step line, of the named projects
    (names starting with one of ``projects``), of every e-mail in the outbox."""
    found = []
    for path in sorted(outbox.glob("*.log")):
        for raw in path.read_bytes().split(b"-" * 79):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw.strip())
            text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
            project = None
            for line in text.get_payload(decode=True).decode().splitlines():
                if not line.startswith(" ") and line.strip():
                    project = line.strip()
                elif line.strip().startswith("- Step ") and project and project.startswith(projects):
                    number = line.strip()[len("- Step ") :].split(",")[0]
                    found.append((message["To"], f"{project} / step {number}"))
    return found
