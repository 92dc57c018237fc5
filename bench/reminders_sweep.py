"""Benchmark: the reminder sweep over N projects (10 steps each), beside a bare COUNT(*) of the same steps.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench .venv/bin/python bench/reminders_sweep.py
    DATABASE_URL=... .venv/bin/python bench/reminders_sweep.py 1000 10000 --sweeps 3 --profile

The data (built once per size by ``bench/data.py --kind sweep``, measured on a
fresh copy): N active projects shared by 10 owners and 10 IT leads, one step in
ten in progress with no Accountable person, the other nine owned. Each sweep is
a real one (``raci.reminder_sweep.sweep``): plan, create the ``Reminder`` rows,
claim them, render and "send" one digest per person through Django's in-memory
e-mail backend, mark them sent. Between two sweeps the reminders and runs are
deleted (not timed), so each sweep has the same work. Around each sweep the bare
``COUNT(*)`` over the same condition (active project, not done, in progress or
due within 14 days, no Accountable person) is timed five times. Figures: median
sweep ÷ median count, measured in this run. Target (the issue "Scale", part 2):
the sweep at 100,000 steps within 5× of the count.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

COUNT_SQL = """
SELECT COUNT(*) FROM projects_lifecyclestep s
JOIN projects_project p ON p.id = s.project_id
WHERE p.status = 'active' AND s.status <> 'done'
  AND (s.status = 'in_progress' OR s.due_date <= CURRENT_DATE + 14)
  AND NOT EXISTS (SELECT 1 FROM raci_raciassignment a WHERE a.step_id = s.id AND a.role = 'A')
"""
LIMIT = 5.0
COUNTS_PER_SWEEP = 5


def _count(connection) -> tuple[int, float]:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(COUNT_SQL)
        found = cursor.fetchone()[0]
        return found, (time.perf_counter() - started) * 1000


def _reset() -> None:
    from raci.models import Reminder, ReminderRun

    Reminder.objects.all().delete()
    ReminderRun.objects.all().delete()


def _one_sweep(profile: bool):
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from raci.reminder_sweep import sweep

    mail.outbox = []
    profiler = cProfile.Profile() if profile else None
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = profiler.runcall(sweep, trigger="bench") if profiler else sweep(trigger="bench")
        seconds = time.perf_counter() - started
    return result, seconds, len(queries.captured_queries), profiler


def measure(size: int, sweeps: int, profile: bool) -> dict:
    """In this process, set up on a fresh copy of the sweep data of ``size`` projects."""
    from django.core import mail
    from django.db import connection

    from projects.models import LifecycleStep
    from raci.models import Reminder

    for _ in range(3):
        _count(connection)  # warm the cache
    counts, sweep_seconds = [], []
    for index in range(sweeps):
        _reset()
        counts += [_count(connection) for _ in range(COUNTS_PER_SWEEP)]
        result, seconds, queries, profiler = _one_sweep(profile and index == sweeps - 1)
        sweep_seconds.append(seconds)
        assert not result.held, "the safety net held the sweep"
    counts += [_count(connection) for _ in range(COUNTS_PER_SWEEP)]
    longest = max(len(message.body) for message in mail.outbox)
    data = {
        "projects": size,
        "steps": LifecycleStep.objects.count(),
        "unowned": counts[0][0],
        "queries": queries,
        "sweep_s": harness.median(sweep_seconds),
        "sweeps_s": sweep_seconds,
        "count_ms": harness.median([ms for _, ms in counts]),
        "emails": len(mail.outbox),
        "reminders": Reminder.objects.filter(sent_at__isnull=False).count(),
        "longest_digest_chars": longest,
        "more_line": any(" more" in message.body for message in mail.outbox),
    }
    data["ratio"] = data["sweep_s"] * 1000 / data["count_ms"]
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        data["profile"] = out.getvalue()
    return data


def _child(size: int, sweeps: int, profile: bool) -> None:
    """Run by ``main`` in a process of its own per size: Django is set up on that size's copy."""
    import json

    import django

    django.setup()
    print("RESULT " + json.dumps(measure(size, sweeps, profile)), flush=True)


def _run(size: int, sweeps: int, profile: bool) -> dict:
    import json
    import subprocess

    harness.ensure_built(size, kind="sweep")
    url = harness.fresh_copy(size, "run", kind="sweep")
    try:
        command = [harness.PYTHON, __file__, "--child", str(size), str(sweeps)] + (["--profile"] if profile else [])
        done = subprocess.run(command, cwd=ROOT, env=harness.django_env(url), capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(done.stdout + done.stderr)
    finally:
        harness.drop_database(harness.copy_name(size, "run", kind="sweep"))
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--child"]:
        _child(int(arguments[1]), int(arguments[2]), "--profile" in arguments)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[10000])
    parser.add_argument("--sweeps", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the last sweep")
    options = parser.parse_args(arguments)
    harness.base_url()
    results = [_run(size, options.sweeps, options.profile) for size in options.sizes]
    print(f"\nReminder sweep, median of {options.sweeps} sweeps; COUNT(*) median of {COUNTS_PER_SWEEP} around each:\n")
    rows = [
        [f"{m['projects']:,}", f"{m['steps']:,}", f"{m['unowned']:,}", m["queries"], f"{m['sweep_s']:.2f} s",
         f"{m['count_ms']:.1f} ms", f"{m['ratio']:.1f}×", harness.verdict(m["ratio"], LIMIT), m["emails"],
         f"{m['reminders']:,}"]
        for m in results
    ]  # fmt: skip
    headers = ["projects", "steps", "unowned steps", "sweep queries", "sweep", "bare COUNT(*)", "ratio",
               f"≤ {LIMIT:.0f}×", "e-mails", "reminders"]  # fmt: skip
    print(harness.table(headers, rows, align="r" * len(headers)))
    for m in results:
        if "profile" in m:
            print(f"\n### cProfile of one sweep at {m['projects']:,} projects\n\n{m.pop('profile')}")
    path = harness.write_json("reminders_sweep", {"limit": LIMIT, "sizes": results})
    print(f"\nFigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main(sys.argv[1:])
