"""Benchmark: full pages at 1,000 and at 10,000 projects, measured side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench .venv/bin/python bench/pages.py
    DATABASE_URL=... .venv/bin/python bench/pages.py --rounds 31 --profile dashboard

Builds the data once (``bench/data.py``), then measures fresh copies of both
databases. One worker process per size serves Tandem in-process through Django's
test client (``bench/page_client.py``: the real URL, the whole middleware stack,
a logged-in session, production settings); this process asks them for the same
request in turn, page by page, the small database first in even rounds and the
large one first in odd ones, so both sizes share whatever else the machine is
doing. Each page is warmed up twice per size, then requested ``--rounds`` times
per size; the figures are medians. ``--profile PAGE`` (repeatable) prints a
cProfile and the slowest SQL of one request of PAGE at the largest size;
``--queries PAGE`` (repeatable) runs each of the page's SELECTs again on its own
at both sizes and prints them side by side: what grows with the data, query by
query, and the rest of the request (Python, the template, the middleware).

Targets (the issue "Scale", part 2): the dashboard within 3× of the project list
at both sizes; every page at 10× the data within 1.3× of itself at 1×.
"""

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

PAGE_NAMES = [
    "dashboard",
    "project list",
    "my work (IT lead)",
    "my work (marketing ops)",
    "project page",
    "matrix save",
    "scorecard",
]
GROWTH_LIMIT = 1.3
DASHBOARD_LIMIT = 3.0
WARM_UPS = 2


def _serve(pipe, database_url: str) -> None:
    """A worker: Tandem on one database, answering the parent's commands until told to stop."""
    os.environ.clear()
    os.environ.update(harness.django_env(database_url))
    import django

    django.setup()
    from bench.page_client import Pages

    pages = Pages()
    while True:
        command, argument = pipe.recv()
        if command == "stop":
            pipe.send(None)
            return
        try:
            pipe.send(("ok", getattr(pages, command)(argument)))
        except Exception as error:  # reported to the parent, which stops
            pipe.send(("error", f"{type(error).__name__}: {error}"))


class Worker:
    def __init__(self, size: int, database_url: str):
        self.size = size
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, database_url), daemon=True)
        self.process.start()

    def call(self, command: str, argument):
        self.pipe.send((command, argument))
        status, value = self.pipe.recv()
        if status != "ok":
            raise SystemExit(f"{harness.label(self.size)}: {command} {argument!r} failed: {value}")
        return value

    def stop(self) -> None:
        if self.process.is_alive():
            self.pipe.send(("stop", None))
            self.pipe.recv()
        self.process.join(timeout=10)


def measure(workers: dict[int, Worker], rounds: int, names: list[str]) -> dict:
    sizes = sorted(workers)
    for _ in range(WARM_UPS):
        for name in names:
            for size in sizes:
                workers[size].call("time", name)
    queries = {(name, size): workers[size].call("queries", name) for name in names for size in sizes}
    samples: dict[tuple[str, int], list[dict]] = {(name, size): [] for name in names for size in sizes}
    for round_ in range(rounds):
        order = sizes if round_ % 2 == 0 else sizes[::-1]
        for name in names:
            for size in order:
                samples[(name, size)].append(workers[size].call("time", name))
    results = {}
    for (name, size), taken in samples.items():
        ms = [s["ms"] for s in taken]
        results.setdefault(name, {})[harness.label(size)] = {
            "median_ms": harness.median(ms),
            "p25_ms": harness.percentile(ms, 0.25),
            "p75_ms": harness.percentile(ms, 0.75),
            "min_ms": min(ms),
            "max_ms": max(ms),
            "queries": queries[(name, size)],
            "bytes": taken[-1]["bytes"],
            "samples": len(ms),
        }
    return results


def verdicts(results: dict, small: str, large: str) -> list[dict]:
    checks = []
    for size in (small, large) if "dashboard" in results and "project list" in results else ():
        ratio = results["dashboard"][size]["median_ms"] / results["project list"][size]["median_ms"]
        checks.append(
            {"what": f"dashboard ÷ project list at {size}", "ratio": ratio, "limit": DASHBOARD_LIMIT,
             "verdict": harness.verdict(ratio, DASHBOARD_LIMIT)}
        )  # fmt: skip
    for name in results:
        ratio = results[name][large]["median_ms"] / results[name][small]["median_ms"]
        limit = None if name == "project list" else GROWTH_LIMIT
        checks.append(
            {"what": f"{name}: {large} ÷ {small}", "ratio": ratio, "limit": limit,
             "verdict": harness.verdict(ratio, limit) if limit else "no target"}
        )  # fmt: skip
    return checks


def report(results: dict, checks: list[dict], sizes: list[int], rounds: int) -> None:
    labels = [harness.label(s) for s in sizes]
    headers = ["page"]
    for size in labels:
        headers += [f"{size} median (p25–p75)", f"{size} queries"]
    rows = []
    for name in results:
        row = [name]
        for size in labels:
            r = results[name][size]
            row += [f"{r['median_ms']:.1f} ms ({r['p25_ms']:.1f}–{r['p75_ms']:.1f})", r["queries"]]
        rows.append(row)
    print(f"\nPages, {rounds} requests per page and size, interleaved (after {WARM_UPS} warm-ups):\n")
    print(harness.table(headers, rows))
    print("\nRatios of medians, measured in this run:\n")
    print(
        harness.table(
            ["ratio", "measured", "target", "verdict"],
            [[c["what"], f"{c['ratio']:.2f}×", f"≤ {c['limit']}×" if c["limit"] else "—", c["verdict"]]
             for c in checks],
        )
    )  # fmt: skip


def attribution(name: str, by_size: dict[int, dict], sizes: list[int]) -> str:
    """A page's queries at both sizes side by side (each the median of its runs alone), and the
    rest of one request: what grows with the data, and by how much."""
    small, large = (by_size[size] for size in sizes)
    labels = [harness.label(size) for size in sizes]
    rows = []
    for i, (a, b) in enumerate(zip(small["queries"], large["queries"], strict=False), start=1):
        rows.append([i, f"{a['ms']:.2f}", f"{b['ms']:.2f}", f"{b['ms'] - a['ms']:+.2f}", f"`{a['sql'][:90]}…`"])
    rest = [r["request_ms"] - sum(q["ms"] for q in r["queries"]) for r in (small, large)]
    rows.append(
        ["rest", f"{rest[0]:.2f}", f"{rest[1]:.2f}", f"{rest[1] - rest[0]:+.2f}", "Python, template, middleware"]
    )
    headers = ["#", f"{labels[0]} ms", f"{labels[1]} ms", "growth", "query"]
    return f"\n### {name}: query by query (each SELECT alone, median of 9)\n\n" + harness.table(headers, rows)


def main(arguments: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 10000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=PAGE_NAMES,
        default=PAGE_NAMES,
        metavar="PAGE",
        help="measure only these pages (default: all)",
    )
    parser.add_argument("--profile", action="append", default=[], choices=PAGE_NAMES, metavar="PAGE")
    parser.add_argument("--queries", action="append", default=[], choices=PAGE_NAMES, metavar="PAGE")
    parser.add_argument("--rebuild", action="store_true", help="build the data again first")
    options = parser.parse_args(arguments)
    sizes = sorted(options.sizes)
    for size in sizes:
        harness.ensure_built(size, rebuild=options.rebuild)
    harness.collect_static()
    urls = {size: harness.fresh_copy(size, "pages") for size in sizes}
    workers = {size: Worker(size, url) for size, url in urls.items()}
    try:
        results = measure(workers, options.rounds, options.pages)
        profiles = {name: workers[sizes[-1]].call("profile", name) for name in options.profile}
        attributions = {
            name: {size: workers[size].call("query_times", name) for size in sizes} for name in options.queries
        }
    finally:
        for worker in workers.values():
            worker.stop()
        for size in sizes:
            harness.drop_database(harness.copy_name(size, "pages"))
    small, large = (harness.label(s) for s in sizes)
    checks = verdicts(results, small, large)
    report(results, checks, sizes, options.rounds)
    for text in profiles.values():
        print(text)
    for name, by_size in attributions.items():
        print(attribution(name, by_size, sizes))
    path = harness.write_json(
        "pages" if options.pages == PAGE_NAMES else "pages-partial",
        {"sizes": sizes, "rounds": options.rounds, "pages": results, "ratios": checks, "profiles": profiles,
         "client": "django.test.Client in one process per database, production settings"},
    )  # fmt: skip
    print(f"\nFigures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
