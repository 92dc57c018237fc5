"""Build the benchmark data once per size into a database of its own, and reuse it after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench .venv/bin/python bench/data.py 1000 10000
    DATABASE_URL=... .venv/bin/python bench/data.py 10000 --rebuild
    DATABASE_URL=... .venv/bin/python bench/data.py 10000 --kind sweep

For each size, ``tandem_bench_<size>`` (``_1k``, ``_10k``) is created, migrated
and filled by ``bench/builder.py`` (``--kind sweep``: ``tandem_bench_sweep_<size>``,
the reminder sweep's own data); a marker table (``bench_build``) written
last says the build is complete, with the data's version, its counts and a hash
of each migration file it was migrated with. A later run finds the marker and
only applies new migrations (named: the builder may need to fill what they add;
``--rebuild`` builds again). A build of another ``DATA_VERSION``, an unfinished
one, or one whose applied migration files were edited since, is built again by
itself. Benchmarks measure copies, never these databases.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

MARKER_SQL = """
CREATE TABLE bench_build (
    size integer NOT NULL, data_version integer NOT NULL, built_at timestamptz NOT NULL DEFAULT now(),
    seconds double precision NOT NULL, counts text NOT NULL, migrations text NOT NULL
)
"""


def migration_hashes() -> dict[str, str]:
    """Each of Tandem's migration files (``app.0001_name``) with a hash of its text."""
    import hashlib

    return {
        f"{path.parent.parent.name}.{path.stem}": hashlib.sha1(path.read_bytes()).hexdigest()
        for path in sorted(ROOT.glob("*/migrations/[0-9]*.py"))
    }


def _record_migrations(name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(harness.url_for(name))
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("UPDATE bench_build SET migrations = %s", [json.dumps(migration_hashes())])
    finally:
        connection.close()


def marker(name: str) -> dict | None:
    """The build marker of database ``name``, or None when there is none (not built, or not finished)."""
    import psycopg2

    if not harness.database_exists(name):
        return None
    connection = psycopg2.connect(harness.url_for(name))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) = 6 FROM information_schema.columns WHERE table_name = 'bench_build' "
                "AND column_name IN ('size', 'data_version', 'built_at', 'seconds', 'counts', 'migrations')"
            )
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT size, data_version, built_at, seconds, counts, migrations FROM bench_build")
            row = cursor.fetchone()
    finally:
        connection.close()
    if row is None:
        return None
    size, version, built_at, seconds, counts, migrations = row
    return {"size": size, "data_version": version, "built_at": built_at, "seconds": seconds,
            "migrations": json.loads(migrations), **json.loads(counts)}  # fmt: skip


def _manage(database_url: str, *args: str) -> str:
    env = harness.django_env(database_url)
    done = subprocess.run(
        [harness.PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _unapplied(name: str) -> set[tuple[str, str]]:
    """Tandem's own migrations (files under <app>/migrations/) that database ``name`` has not applied."""
    import psycopg2

    on_disk = {(path.parent.parent.name, path.stem) for path in ROOT.glob("*/migrations/[0-9]*.py")}
    connection = psycopg2.connect(harness.url_for(name))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            return on_disk - set(cursor.fetchall())
    finally:
        connection.close()


def _migrate(name: str) -> list[str]:
    """Apply the migrations the database lacks; the ones applied."""
    if not _unapplied(name):
        return []
    output = _manage(harness.url_for(name), "migrate", "--noinput")
    return [line.split("Applying ", 1)[1].rstrip(". OK") for line in output.splitlines() if "Applying " in line]


def _vacuum(name: str) -> None:
    """``VACUUM ANALYZE`` the database, as autovacuum keeps a live one: after migrations that
    add indexes or rewrite rows, plans (index-only scans) would otherwise differ from a live site's."""
    with harness.admin_cursor(name) as cursor:
        cursor.execute("VACUUM ANALYZE")


def build(size: int, kind: str) -> None:
    name = harness.built_name(size, kind)
    print(f"Building {size:,} projects ({kind}) into {name} (once; later runs reuse it)...", flush=True)
    harness.create_database(name)
    _manage(harness.url_for(name), "migrate", "--noinput")
    env = harness.django_env(harness.url_for(name))
    subprocess.run([harness.PYTHON, __file__, "--into", str(size), kind], cwd=ROOT, env=env, check=True)


def into(size: int, kind: str) -> None:
    """In a process set up for the new database: build, then write the marker."""
    import django

    django.setup()
    from django.db import connection

    from bench import builder

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")  # a bench build: no need to wait for each commit's flush
    started = time.perf_counter()
    counts = builder.build(size) if kind == "portfolio" else builder.build_sweep(size)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(MARKER_SQL)
        cursor.execute(
            "INSERT INTO bench_build (size, data_version, seconds, counts, migrations) VALUES (%s, %s, %s, %s, %s)",
            [size, harness.DATA_VERSION, seconds, json.dumps(counts), json.dumps(migration_hashes())],
        )
    print(f"Built in {seconds:.0f} s: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items()))


def ensure(size: int, *, kind: str, rebuild: bool) -> dict:
    name = harness.built_name(size, kind)
    found = marker(name)
    current = migration_hashes()
    edited = sorted(m for m, h in (found or {}).get("migrations", {}).items() if current.get(m) != h)
    if edited:
        print(f"{name}: migrations edited or removed since it was built ({', '.join(edited)}): building it again")
    if rebuild or edited or found is None or found["data_version"] != harness.DATA_VERSION or found["size"] != size:
        build(size, kind)
    else:
        applied = _migrate(name)
        _record_migrations(name)
        print(f"{name}: built {found['built_at']:%Y-%m-%d %H:%M} ({found['projects']:,} projects), reused")
        if applied:
            print(f"  migrations applied since: {', '.join(applied)} (--rebuild if the builder should fill them)")
            _vacuum(name)
    return marker(name)


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--into"]:
        into(int(arguments[1]), arguments[2])
        return
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--kind", choices=harness.KINDS, default="portfolio")
    parser.add_argument("--rebuild", action="store_true")
    options = parser.parse_args(arguments)
    harness.base_url()
    for size in options.sizes:
        ensure(size, kind=options.kind, rebuild=options.rebuild)


if __name__ == "__main__":
    os.chdir(ROOT)
    main(sys.argv[1:])
