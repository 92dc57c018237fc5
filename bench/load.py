"""Load test: Locust (headless) against gunicorn + PostgreSQL + Redis on 127.0.0.1, a Celery sweep during it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/load.py
    ... bench/load.py --users 50 --duration 180 --solo 40

On a fresh copy of the built data (10,000 projects by default) it starts
gunicorn (``harness.Gunicorn``: two gthread workers of four threads) and a
Celery worker on Redis (a queue of its own), writes the personas' plan
(``var/bench/load-plan.json``: accounts and the projects each may edit), then:

1. **Single user**: each persona of ``bench/locustfile.py`` alone (``-u 1``),
   taking each of its tasks in turn ``--solo-cycles`` times (3) with a 0.3 s
   pause: every page's single-user median.
2. **Load**: ``--users`` people (executives 1 : marketing ops 2 : IT leads 2)
   spawned at ``--spawn-rate`` per second, with 3–10 s think time, for
   ``--duration`` seconds (Locust's CSV in ``var/bench/load_*.csv``). At
   ``--sweep-at`` seconds the reminder sweep is queued to the Celery worker
   (``raci.tasks.sweep_unowned_steps``, what beat runs); after the run, the
   script waits for that sweep to finish.

Figures per page: requests per second, median and p95 over the steady part of
the run (after the first ``--warm-up`` seconds, when everyone has logged in),
errors over the whole run. Target (the issue "Scale", part 3): no error, and
every page's p95 under load within 3× of its single-user median.

The workers' reminder limit is raised to 1,000 people (``TANDEM_REMINDER_MAX_RECIPIENTS``):
at 10,000 projects some 360 people own or lead a project with an unowned step,
and the default safety net (100) would hold the sweep for an administrator.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

BIN = Path(harness.PYTHON).parent
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
PERSONAS = ("Executive", "MarketingOps", "ITLead")
P95_LIMIT = 3.0
LOGIN_NAMES = ("login", "login page")


# --- The personas' plan (run in a child process set up on the database under test) ------------


def write_plan(path: Path) -> None:
    import random

    import django

    django.setup()
    from django.db.models import Exists, OuterRef

    from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
    from raci.models import RaciAssignment, Role
    from scorecards.models import Candidate

    rng = random.Random(50)
    active = Project.objects.filter(status=ProjectStatus.ACTIVE)
    slugs = list(active.order_by("pk").values_list("slug", flat=True))
    with_scorecard = list(active.filter(scorecard__isnull=False).order_by("pk").values_list("slug", flat=True))
    has_a = Exists(RaciAssignment.objects.filter(step=OuterRef("pk"), role=Role.ACCOUNTABLE))
    steps = LifecycleStep.objects.filter(project__in=active).values_list("project__slug", "number", "status")
    startable = LifecycleStep.objects.filter(project__in=active, status=StepStatus.NOT_STARTED).filter(has_a)
    candidates = Candidate.objects.filter(scorecard__project__in=active, scorecard__decisions__isnull=True)
    mops, leads = {}, {}
    for owner, slug, number in steps.filter(status=StepStatus.IN_PROGRESS).values_list(
        "project__owner__username", "project__slug", "number"
    ):
        mops.setdefault(owner, {"username": owner, "edit": [], "rate": []})["edit"].append([slug, number])
    for owner, slug, pk in candidates.values_list(
        "scorecard__project__owner__username", "scorecard__project__slug", "pk"
    ):
        if owner in mops:
            mops[owner]["rate"].append([slug, pk])
    for lead, slug in active.values_list("it_lead__username", "slug"):
        leads.setdefault(lead, {"username": lead, "lead": [], "start": []})["lead"].append(slug)
    for lead, slug, number in startable.values_list("project__it_lead__username", "project__slug", "number"):
        leads[lead]["start"].append([slug, number])
    plan = {
        "password": harness.BENCH_PASSWORD,
        "projects": rng.sample(slugs, min(500, len(slugs))),
        "scorecards": rng.sample(with_scorecard, min(300, len(with_scorecard))),
        "accounts": {
            "executive": [{"username": "cmo"}, {"username": "cio"}],
            "marketing_ops": [a for n, a in sorted(mops.items()) if n.startswith("mops") and a["rate"]],
            "it_lead": [a for _, a in sorted(leads.items()) if a["start"]],
        },
    }
    path.write_text(json.dumps(plan))


# --- Processes -----------------------------------------------------------------------------------


class Stack:
    """gunicorn and a Celery worker on one database copy, sharing a queue of their own."""

    def __init__(self, url: str):
        self.url = url
        self.extra = {"TANDEM_CELERY_QUEUE": f"bench-load-{os.getpid()}", "TANDEM_REMINDER_MAX_RECIPIENTS": "1000"}
        self.web = harness.Gunicorn(url, log=harness.OUT / "load-gunicorn.log", **self.extra)
        self.celery_log = open(harness.OUT / "load-celery.log", "w")  # noqa: SIM115 (closed in stop)
        self.worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "governance", "worker", "--concurrency", "1", "-Q", self.extra["TANDEM_CELERY_QUEUE"],
             "-n", f"bench-load-{os.getpid()}@%h", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=self.env(), stdout=self.celery_log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def env(self, **more) -> dict:
        return harness.django_env(self.url, **self.extra, **more)

    def queue_sweep(self) -> None:
        command = [str(BIN / "celery"), "-A", "governance", "call", "raci.tasks.sweep_unowned_steps",
                   "--queue", self.extra["TANDEM_CELERY_QUEUE"]]  # fmt: skip
        subprocess.run(command, cwd=ROOT, env=self.env(), check=True, capture_output=True)

    def sweep_run(self) -> dict | None:
        import psycopg2

        connection = psycopg2.connect(self.url)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT status, started_at, finished_at, steps_found, recipients, emails_sent, reminders_sent, "
                    "failures FROM raci_reminderrun WHERE trigger = 'schedule' ORDER BY id DESC LIMIT 1"
                )
                row = cursor.fetchone()
        finally:
            connection.close()
        keys = ("status", "started_at", "finished_at", "steps_found", "recipients", "emails_sent", "reminders_sent",
                "failures")  # fmt: skip
        return dict(zip(keys, row, strict=True)) if row else None

    def wait_for_sweep(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        run = self.sweep_run()
        while (run is None or run["status"] == "running") and time.monotonic() < deadline:
            time.sleep(2)
            run = self.sweep_run()
        return run

    def stop(self) -> None:
        import signal

        self.web.stop()
        if self.worker.poll() is None:
            self.worker.send_signal(signal.SIGTERM)
            try:
                self.worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.worker.kill()
        self.celery_log.close()


def locust(stack: Stack, classes: list[str], *, users: int, rate: float, seconds: int, log: Path, plan: Path,
           solo: bool, cycles: int = 3, csv: str | None = None) -> subprocess.Popen:  # fmt: skip
    command = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(rate),
               "-t", f"{seconds}s", "--host", stack.web.base, "--only-summary", "--stop-timeout", "120",
               "--loglevel", "WARNING", *(["--csv", csv] if csv else []), *classes]  # fmt: skip
    env = {**os.environ, "TANDEM_BENCH_PLAN": str(plan), "TANDEM_BENCH_LOG": str(log),
           "TANDEM_BENCH_SOLO": "1" if solo else "0", "TANDEM_BENCH_SOLO_CYCLES": str(cycles),
           "TANDEM_BENCH_EXPORTS": os.environ.get("TANDEM_BENCH_EXPORTS", "1")}  # fmt: skip
    output = open(log.with_suffix(".out"), "w")  # noqa: SIM115 (the child's; closed with it)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


# --- Figures -------------------------------------------------------------------------------------


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def figures(solo: list[dict], load: list[dict], window: tuple[float, float]) -> list[dict]:
    start, end = window
    names = sorted({r["name"] for r in load} | {r["name"] for r in solo})
    rows = []
    for name in names:
        alone = [r["ms"] for r in solo if r["name"] == name and r["error"] is None]
        steady = [r["ms"] for r in load if r["name"] == name and start <= r["t"] <= end and r["error"] is None]
        errors = [r for r in load if r["name"] == name and r["error"] is not None]
        row = {"name": name, "requests": len(steady), "rps": len(steady) / (end - start),
               "errors": len(errors), "error_examples": sorted({e["error"] for e in errors})[:3],
               "solo_requests": len(alone), "solo_median_ms": harness.median(alone) if alone else None,
               "median_ms": harness.median(steady) if steady else None,
               "p95_ms": harness.percentile(steady, 0.95) if steady else None}  # fmt: skip
        if row["p95_ms"] is not None and row["solo_median_ms"]:
            row["p95_over_solo"] = row["p95_ms"] / row["solo_median_ms"]
        rows.append(row)
    return rows


def report(rows: list[dict], totals: dict) -> None:
    def ms(value):
        return "—" if value is None else f"{value:,.0f} ms"

    table = []
    for r in rows:
        ratio = r.get("p95_over_solo")
        target = "login: no target" if r["name"] in LOGIN_NAMES else harness.verdict(ratio, P95_LIMIT) if ratio else "—"
        table.append(
            [r["name"], f"{r['requests']:,}", f"{r['rps']:.2f}", ms(r["median_ms"]), ms(r["p95_ms"]),
             r["errors"], ms(r["solo_median_ms"]), f"{ratio:.1f}×" if ratio else "—", target]
        )  # fmt: skip
    headers = ["page", "requests", "req/s", "median", "p95", "errors", "single-user median", "p95 ÷ single",
               f"≤ {P95_LIMIT:.0f}×"]  # fmt: skip
    print(harness.table(headers, table))
    print(
        f"\nAll pages: {totals['requests']:,} requests in the steady {totals['window_s']:.0f} s, "
        f"{totals['rps']:.1f} requests/s; {totals['errors']} errors over the whole run "
        f"({totals['all_requests']:,} requests)."
    )
    sweep = totals["sweep"]
    if sweep:
        print(
            f"Sweep: {sweep['status']} in {sweep.get('seconds', float('nan')):.1f} s "
            f"({sweep['steps_found']:,} steps, {sweep['recipients']} people, {sweep['emails_sent']} e-mails, "
            f"{sweep['reminders_sent']:,} reminders, {sweep['failures']} failures)."
        )
    else:
        print("Sweep: no run recorded: it did not start.")


# --- The run -------------------------------------------------------------------------------------


def run(options) -> dict:
    harness.ensure_built(options.size)
    harness.collect_static()
    url = harness.fresh_copy(options.size, "load")
    plan = harness.OUT / "load-plan.json"
    subprocess.run([harness.PYTHON, __file__, "--plan", str(plan)], cwd=ROOT, env=harness.django_env(url), check=True)
    stack = Stack(url)
    try:
        solo_logs = []
        for persona in PERSONAS:
            log = harness.OUT / f"load-solo-{persona}.jsonl"
            locust(stack, [persona], users=1, rate=1, seconds=options.solo, log=log, plan=plan, solo=True,
                   cycles=options.solo_cycles).wait()  # fmt: skip
            solo_logs += read_log(log)
        log = harness.OUT / "load.jsonl"
        started = time.time()
        process = locust(stack, list(PERSONAS), users=options.users, rate=options.spawn_rate, seconds=options.duration,
                         log=log, plan=plan, solo=False, csv=str(harness.OUT / "load"))  # fmt: skip
        time.sleep(options.sweep_at)
        stack.queue_sweep()
        process.wait()
        ended = time.time()
        sweep = stack.wait_for_sweep(timeout=600)
    finally:
        stack.stop()
        harness.drop_database(harness.copy_name(options.size, "load"))
    load = read_log(log)
    window = (started + options.warm_up, min(ended, started + options.duration))
    rows = figures(solo_logs, load, window)
    steady = [r for r in rows if r["name"] not in LOGIN_NAMES]
    if sweep and sweep["finished_at"]:
        sweep["seconds"] = (sweep["finished_at"] - sweep["started_at"]).total_seconds()
    totals = {
        "window_s": window[1] - window[0],
        "requests": sum(r["requests"] for r in steady),
        "rps": sum(r["rps"] for r in steady),
        "errors": sum(r["errors"] for r in rows),
        "all_requests": len(load),
        "sweep": sweep,
    }
    return {"rows": rows, "totals": totals}


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--plan"]:
        write_plan(Path(arguments[1]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=180, help="seconds of load")
    parser.add_argument("--warm-up", type=int, default=30, help="first seconds left out of the latency figures")
    parser.add_argument("--sweep-at", type=int, default=60, help="seconds into the load when the sweep is queued")
    parser.add_argument("--solo-cycles", type=int, default=3, help="rounds of every task in the single-user run")
    parser.add_argument(
        "--solo", type=int, default=300, help="at most this many seconds of single-user run per persona"
    )
    parser.add_argument("--without-exports", action="store_true", help="executives skip the CSV and Excel downloads")
    options = parser.parse_args(arguments)
    if options.without_exports:
        os.environ["TANDEM_BENCH_EXPORTS"] = "0"
    harness.base_url()
    result = run(options)
    print(f"\nLoad test: {options.users} users at {options.size:,} projects for {options.duration} s "
          f"(figures after the first {options.warm_up} s); single-user medians from the same run:\n")  # fmt: skip
    report(result["rows"], result["totals"])
    ok = result["totals"]["errors"] == 0 and all(
        r.get("p95_over_solo", 0) <= P95_LIMIT for r in result["rows"] if r["name"] not in LOGIN_NAMES
    )
    sweep = result["totals"]["sweep"]
    result.update(
        {"options": vars(options), "verdict": "met" if ok else "MISSED",
         "sweep_finished": bool(sweep and sweep["status"] == "finished"),
         "server": "gunicorn governance.wsgi, 2 workers × 4 threads (gthread); Celery worker, concurrency 1"}
    )  # fmt: skip
    path = harness.write_json("load-without-exports" if options.without_exports else "load", result)
    print(f"\nFigures written to {path.relative_to(ROOT)}; Locust's own CSV in var/bench/load_*.csv")


if __name__ == "__main__":
    os.chdir(ROOT)
    main(sys.argv[1:])
