"""Benchmark: a gunicorn worker's memory over 1,000 dashboard requests at 10,000 projects.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench .venv/bin/python bench/memory.py
    DATABASE_URL=... .venv/bin/python bench/memory.py --size 10000 --requests 1000

Starts gunicorn (``harness.Gunicorn``: two gthread workers on 127.0.0.1, production
settings) on a fresh copy of the built data, logs four sessions in as the CMO through
the login form, and requests the dashboard (``/portfolio/``, real HTTP) from four
threads until ``--requests`` are answered, all 200. Each worker's resident memory
(VmRSS) and peak (VmHWM, from /proc/<pid>/status) are read after the first 100
requests, halfway through the rest and after the last. Target (the issue "Scale",
part 2): no growth after the first 100, taken as each worker's VmHWM after the
last request at most 5 MiB (or 2%, if that is more) above its VmHWM after the
first 100; the halfway sample tells a leak (growing on) from a cache filling up.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

FIRST = 100
CLIENTS = 4
GROWTH_FRACTION = 0.02
GROWTH_MIB = 5.0


def _hammer(base: str, count: int, timings: list[float], failures: list[str]) -> None:
    """``count`` dashboard requests, split over ``CLIENTS`` logged-in sessions in threads."""
    sessions = []
    for _ in range(CLIENTS):
        session = harness.HttpSession(base)
        session.login("cmo")
        sessions.append(session)

    def run(session, n):
        for _ in range(n):
            started = time.perf_counter()
            status, body = session.get("/portfolio/")
            timings.append((time.perf_counter() - started) * 1000)
            if status != 200 or b"Portfolio" not in body:
                failures.append(f"{status}: {body[:200]!r}")

    shares = [count // CLIENTS + (1 if i < count % CLIENTS else 0) for i in range(CLIENTS)]
    threads = [threading.Thread(target=run, args=(s, n)) for s, n in zip(sessions, shares, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(size: int, requests: int) -> dict:
    harness.ensure_built(size)
    harness.collect_static()
    url = harness.fresh_copy(size, "memory")
    server = harness.Gunicorn(url, log=harness.OUT / "memory-gunicorn.log")
    timings: list[float] = []
    failures: list[str] = []
    try:
        workers = server.worker_pids()
        started = {pid: harness.memory_of(pid) for pid in workers}
        _hammer(server.base, FIRST, timings, failures)
        after_first = {pid: harness.memory_of(pid) for pid in workers}
        halfway = (requests - FIRST) // 2  # a sample halfway: a leak grows on, a cache filling up levels off
        _hammer(server.base, halfway, timings, failures)
        after_half = {pid: harness.memory_of(pid) for pid in workers}
        _hammer(server.base, requests - FIRST - halfway, timings, failures)
        after_all = {pid: harness.memory_of(pid) for pid in workers}
        assert server.worker_pids() == workers, "a worker was replaced during the run"
    finally:
        server.stop()
        harness.drop_database(harness.copy_name(size, "memory"))
    return {
        "projects": size,
        "requests": len(timings),
        "failures": failures[:5],
        "failed": len(failures),
        "median_ms": harness.median(timings),
        "workers": [
            {
                "pid": pid,
                "at_start": started[pid],
                "after_first": after_first[pid],
                "halfway": after_half[pid],
                "after_all": after_all[pid],
            }
            for pid in workers
        ],
    }


def main(arguments: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=1000)
    options = parser.parse_args(arguments)
    harness.base_url()
    m = measure(options.size, options.requests)
    rows, verdicts = [], []
    for n, w in enumerate(m["workers"], 1):
        first, last = w["after_first"], w["after_all"]
        growth = last["VmHWM"] - first["VmHWM"]
        ok = growth <= max(GROWTH_MIB, GROWTH_FRACTION * first["VmHWM"])
        verdicts.append(ok)
        w["growth_mib"] = growth
        rows.append(
            [f"worker {n}", f"{w['at_start']['VmRSS']:.1f} MiB", f"{first['VmRSS']:.1f} MiB",
             f"{first['VmHWM']:.1f} MiB", f"{w['halfway']['VmHWM']:.1f} MiB", f"{last['VmRSS']:.1f} MiB",
             f"{last['VmHWM']:.1f} MiB", f"{growth:+.1f} MiB", "met" if ok else "MISSED"]
        )  # fmt: skip
    print(
        f"\ngunicorn, 2 gthread workers, {m['requests']:,} dashboard requests at {m['projects']:,} projects "
        f"({m['failed']} failed; median {m['median_ms']:.0f} ms, {CLIENTS} clients):\n"
    )
    half = FIRST + (m["requests"] - FIRST) // 2
    headers = ["", "RSS at start", f"RSS after {FIRST}", f"peak after {FIRST}", f"peak after {half}",
               "RSS after all", "peak after all", "peak growth", "no growth"]  # fmt: skip
    print(harness.table(headers, rows))
    m["target"] = f"peak growth ≤ max({GROWTH_MIB} MiB, {GROWTH_FRACTION:.0%}) after the first {FIRST}"
    m["verdict"] = "met" if all(verdicts) and not m["failed"] else "MISSED"
    path = harness.write_json("memory", m)
    print(f"\nFigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main(sys.argv[1:])
