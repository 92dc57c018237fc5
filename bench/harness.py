"""What every benchmark shares, without Django: databases, processes' settings, statistics, output.

Databases. ``DATABASE_URL`` names a PostgreSQL server and a *prefix*, e.g.
``postgres://postgres@127.0.0.1:5432/tandem_bench``: the data of N projects is
built once into ``tandem_bench_1k`` (``tandem_bench_10k``, ...) by
``bench/data.py`` and reused while its build marker is there (``--rebuild``
builds it again). A benchmark never touches that built database: it measures a
copy (``CREATE DATABASE ... TEMPLATE``, seconds), made fresh for each run, so
writes made while measuring (a saved matrix, sessions, a sweep's reminders)
never reach the next run.

Processes. Every process that serves pages (a test client, gunicorn, a Celery
worker) runs with production settings (``DJANGO_DEBUG`` off, the static files'
manifest), on plain HTTP at 127.0.0.1, with e-mail kept in memory.

Output. Each benchmark prints a small Markdown table and writes its figures as
JSON under ``var/bench/``.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
OUT = ROOT / "var" / "bench"
STATIC_ROOT = OUT / "static"
DATA_VERSION = 1  # bench/builder.py's data: raise it when that changes, and built databases are built again
BENCH_PASSWORD = "tandem-bench-password"  # every user of the bench databases; never a real one
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdefghijklmnop"
DEFAULT_BROKER = "redis://127.0.0.1:6379/11"


# --- Databases -----------------------------------------------------------------------------


def _split(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"DATABASE_URL must name a PostgreSQL server and a name prefix, not {url!r}.")
    return parts


def base_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server and a name prefix for the bench databases, "
            "e.g. postgres://postgres@127.0.0.1:5432/tandem_bench (make bench sets it)."
        )
    _split(url)
    return url


def prefix() -> str:
    return _split(base_url()).path.lstrip("/") or "tandem_bench"


def url_for(name: str) -> str:
    parts = _split(base_url())
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


KINDS = ("portfolio", "sweep")  # bench/builder.py's build() and build_sweep()


def built_name(size: int, kind: str = "portfolio") -> str:
    """The database the data of ``size`` projects (of ``kind``) is built into, once."""
    return f"{prefix()}_{label(size)}" if kind == "portfolio" else f"{prefix()}_{kind}_{label(size)}"


@contextmanager
def admin_cursor(database: str = "postgres"):
    """A cursor on the server's ``postgres`` database (or ``database``), in autocommit
    (CREATE/DROP DATABASE and VACUUM need it)."""
    import psycopg2

    connection = psycopg2.connect(url_for(database))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def database_exists(name: str) -> bool:
    with admin_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def drop_database(name: str) -> None:
    with admin_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(name: str, template: str | None = None) -> None:
    with admin_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template:
            # FILE_COPY copies the files (one checkpoint) instead of logging every page: far faster.
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        else:
            cursor.execute(f'CREATE DATABASE "{name}"')


def ensure_built(size: int, *, kind: str = "portfolio", rebuild: bool = False) -> str:
    """Build the data of ``size`` projects unless a complete build is there; its database's name."""
    command = [PYTHON, str(ROOT / "bench" / "data.py"), str(size), "--kind", kind]
    subprocess.run(command + (["--rebuild"] if rebuild else []), check=True, cwd=ROOT, env=os.environ.copy())
    return built_name(size, kind)


def copy_name(size: int, purpose: str, kind: str = "portfolio") -> str:
    """The copy's database: ``BENCH_COPY_TAG``, when set, keeps two runs at once on one server apart."""
    tag = os.environ.get("BENCH_COPY_TAG", "")
    return f"{built_name(size, kind)}_{purpose}" + (f"_{tag}" if tag else "")


def database_settings() -> dict[str, str]:
    """PostgreSQL settings for the copies measured, beyond the server's own: ``BENCH_PG_JIT=off``
    turns off JIT compilation (docs/benchmarks.md says why it matters); unset, the server decides."""
    jit = os.environ.get("BENCH_PG_JIT", "")
    if jit not in ("", "on", "off"):
        sys.exit(f"BENCH_PG_JIT is on, off or unset, not {jit!r}.")
    return {"jit": jit} if jit else {}


def fresh_copy(size: int, purpose: str, kind: str = "portfolio") -> str:
    """A new copy of the built database of ``size`` projects, for one run; its URL."""
    name = copy_name(size, purpose, kind)
    create_database(name, template=built_name(size, kind))
    with admin_cursor() as cursor:
        for setting, value in database_settings().items():
            cursor.execute(f'ALTER DATABASE "{name}" SET {setting} = {value}')
    return url_for(name)


# --- Processes' settings --------------------------------------------------------------------


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a process serving Tandem with production settings on plain local HTTP."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "TANDEM_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SESSION_COOKIE_SECURE": "false",
            "DJANGO_CSRF_COOKIE_SECURE": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_STATIC_ROOT": str(STATIC_ROOT),
            "TANDEM_VAR_DIR": str(OUT / "state"),
            "TANDEM_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "TANDEM_LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER,
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def collect_static() -> None:
    """The manifest production settings need to render a page (``{% static %}``); collected
    again only when a file under static/ changed since the last time."""
    files = sorted(path for path in (ROOT / "static").rglob("*") if path.is_file())
    fingerprint = "\n".join(f"{p.relative_to(ROOT)} {p.stat().st_size} {p.stat().st_mtime_ns}" for p in files)
    stamp = STATIC_ROOT / ".bench-fingerprint"
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    env = django_env(url_for(prefix()))  # never connected to
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], check=True, cwd=ROOT, env=env
    )
    stamp.write_text(fingerprint)


# --- Statistics and output ------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "MISSED"


def machine() -> dict:
    with open("/proc/meminfo") as meminfo:
        memory_kb = int(meminfo.readline().split()[1])
    with admin_cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024**2, 1),
        "python": platform.python_version(),
        "postgresql": server,
        "postgresql_jit": database_settings().get("jit", f"{jit} (the server's setting)"),
        "load_average": os.getloadavg(),
    }


def write_json(name: str, data: dict) -> Path:
    """``var/bench/<name>.json`` (``<name>-jit-off.json`` and the like when ``database_settings`` apply)."""
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "".join(f"-{setting}-{value}" for setting, value in database_settings().items())
    path = OUT / f"{name}{suffix}.json"
    data = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(), **data}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return path


def table(headers: list[str], rows: list[list], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one character per column, l or r (default: first left, rest right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" if a == "l" else "---:" for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


class Stopwatch:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


# --- A browser-like HTTP session (standard library only) -------------------------------------


class HttpSession:
    """Cookies kept, redirects followed, logging in through the login form with its CSRF token."""

    def __init__(self, base: str):
        import http.cookiejar
        import urllib.request

        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, bytes]:
        import urllib.error

        try:
            with self.opener.open(self.base + path, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, path: str, data: dict) -> tuple[int, bytes]:
        import urllib.error
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, username: str, password: str = BENCH_PASSWORD) -> None:
        import re

        status, page = self.get("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"the login page answered {status} without a CSRF token")
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
        status, page = self.post("/login/", form)
        if status != 200 or b'name="password"' in page:
            raise RuntimeError(f"logging in as {username} failed ({status})")


# --- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn governance.wsgi`` on 127.0.0.1 with production settings, started and stopped here.

    Two workers, one per core; each with ``threads`` threads (gthread): while one
    request waits on PostgreSQL (on the same two cores) another request's Python
    runs, and a quick page is not queued behind a slow one, as it would be with
    one request per worker (sync)."""

    def __init__(self, database_url: str, *, workers: int = 2, threads: int = 4, log: Path | None = None, **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log or OUT / "gunicorn.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [str(Path(PYTHON).with_name("gunicorn")), "governance.wsgi", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
                   "--timeout", "120", "--graceful-timeout", "10", "--error-logfile", "-"]  # fmt: skip
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=django_env(database_url, **env), stdout=out, stderr=subprocess.STDOUT
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log.read_text()[-2000:]}")
            try:
                if HttpSession(self.base).get("/health/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s: {self.log.read_text()[-2000:]}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return sorted(int(pid) for pid in children)

    def stop(self) -> None:
        import signal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def memory_of(pid: int) -> dict[str, float]:
    """A process's resident memory now (VmRSS) and at its peak (VmHWM), in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields
