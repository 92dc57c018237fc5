"""Compare a database before and after today's migrations (``.ci/upgrade-from-pre-split``).

    python .ci/upgrade_check.py snapshot BEFORE.json   # on the database the old code made
    python .ci/upgrade_check.py compare BEFORE.json    # after today's ``manage.py migrate``

``snapshot`` reads with plain SQL only (the old tables and names), so it does not
depend on today's models: rows per table, every candidate's stored IT and
Marketing totals, and every closed round's answers summed per side.
``compare`` counts again (the moved alignment tables under their new names) and
reads the same figures through today's selectors: the scorecard totals, each
round's sums and level, and the portfolio's alignment figure of each project
against its round page. Exits non-zero on the first difference, naming it.
"""

import json
import os
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MOVED = ["dimension", "dimensionlevel", "alignmentround", "rounddimension", "roundinvitation", "roundanswer"]
MOVED += ["roundsummary"]
NEW_TABLE = {f"governance_{model}": f"alignment_{model}" for model in MOVED}


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()
    from django.db import connection

    return connection


def _rows(connection) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table != "django_migrations":
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[NEW_TABLE.get(table, table)] = cursor.fetchone()[0]
    return counts


def _query(connection, sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _alignment_prefix(connection) -> str:
    return "governance" if "governance_alignmentround" in connection.introspection.table_names() else "alignment"


def snapshot(connection) -> dict:
    prefix = _alignment_prefix(connection)
    candidates = _query(
        connection,
        "SELECT p.slug, c.name, c.it_total, c.marketing_total FROM scorecards_candidate c "
        "JOIN scorecards_scorecard s ON s.id = c.scorecard_id JOIN projects_project p ON p.id = s.project_id",
    )
    sums = _query(
        connection,
        f"SELECT i.round_id, i.side, SUM(a.level), COUNT(*), COUNT(DISTINCT i.id) FROM {prefix}_roundanswer a "
        f"JOIN {prefix}_roundinvitation i ON i.id = a.invitation_id GROUP BY i.round_id, i.side",
    )
    rounds: dict[str, dict] = {}
    for round_id, side, total, answers, respondents in sums:
        rounds.setdefault(str(round_id), {})[side] = [int(total), answers, respondents]
    accountable = _query(connection, "SELECT COUNT(*) FROM raci_raciassignment WHERE role = 'A'")[0][0]
    return {
        "rows": _rows(connection),
        "accountable": accountable,
        "candidates": {f"{slug} / {name}": [_dec(it), _dec(mkt)] for slug, name, it, mkt in candidates},
        "rounds": rounds,
    }


def _dec(value) -> str | None:
    return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


class Mismatch(AssertionError):
    pass


def _same(what: str, before, after) -> None:
    if before != after:
        raise Mismatch(f"{what}: before {before!r}, after {after!r}")


# Django writes a content type and four permissions for every model, so a model that
# today's code adds (django-axes' access attempts, say) adds rows here: none may go.
GROWS_WITH_NEW_MODELS = {"auth_permission", "django_content_type"}


# Tables that today's migrations add and fill as they create them: the intake
# review checklist and the tool categories (data kept as rows), and one stored
# portfolio figures row per project.
SEEDED_BY_MIGRATIONS = {"intake_reviewcheck", "inventory_toolcategory"}
ONE_PER_PROJECT = {"projects_projectfigures"}
# One accepted acknowledgement per Accountable role held at upgrade (nobody is asked again).
ONE_PER_ACCOUNTABLE = {"raci_acknowledgement"}


def _compare_rows(before: dict, after: dict, accountable: int) -> None:
    for table in sorted(set(before) | set(after)):
        if table not in before and table in ONE_PER_ACCOUNTABLE:
            _same(f"rows of {table} (one per Accountable role)", accountable, after.get(table))
            continue
        if table not in before and table in SEEDED_BY_MIGRATIONS:
            if not after.get(table):
                raise Mismatch(f"rows of {table}: the migration that creates it left it empty")
            continue
        if table not in before and table in ONE_PER_PROJECT:
            _same(f"rows of {table} (one per project)", before.get("projects_project"), after.get(table))
            continue
        if table in GROWS_WITH_NEW_MODELS:
            if after.get(table, 0) < before.get(table, 0):
                raise Mismatch(f"rows of {table}: before {before.get(table)!r}, after {after.get(table)!r}")
            continue
        # A table that today's code adds (django-axes' login records, say) starts empty.
        _same(f"rows of {table}", before.get(table, 0 if table not in before else None), after.get(table))
    print(f"  rows: {len(after)} tables, {sum(after.values())} rows, every count equal")


def _compare_scorecards(before: dict) -> None:
    from scorecards.models import Scorecard
    from scorecards.selectors import scorecard_results

    checked = 0
    for scorecard in Scorecard.objects.select_related("project"):
        for result in scorecard_results(scorecard, viewer=None).candidates:
            key = f"{scorecard.project.slug} / {result.candidate.name}"
            live = [_dec(result.it_total), _dec(result.marketing_total)]
            _same(
                f"stored totals of {key}",
                before[key],
                [_dec(result.candidate.it_total), _dec(result.candidate.marketing_total)],
            )
            _same(f"IT and Marketing totals of {key}", before[key], live)
            checked += 1
    print(f"  scorecards: {checked} candidates, IT and Marketing totals equal (stored and recomputed)")


def _compare_rounds(before: dict) -> None:
    from alignment.models import AlignmentRound, alignment_level_name
    from alignment.selectors import latest_project_alignment, round_results, round_sums
    from governance.models import User
    from projects.models import Project

    viewer = User.objects.filter(is_superuser=True).first() or User.objects.filter(is_executive=True).first()
    rounds = list(AlignmentRound.objects.order_by("pk"))
    sums = round_sums(r.pk for r in rounds)
    levels = 0
    for round_ in rounds:
        groups = {side: [g.total, g.answers, g.respondents] for side, g in sums.get(round_.pk, {}).items()}
        _same(f"answers summed per side of round {round_.pk}", before.get(str(round_.pk), {}), groups)
        figures = None if round_.is_open else round_results(round_, viewer=viewer).figures
        if figures is not None and figures.overall is not None:
            total = sum(g[0] for g in groups.values()) / sum(g[1] for g in groups.values())
            _same(f"level of round {round_.pk}", alignment_level_name(total), figures.overall_level)
            levels += 1
    for project_id, latest in latest_project_alignment(Project.objects.all()).items():
        page = round_results(AlignmentRound.objects.get(pk=latest.round_id), viewer=viewer).figures
        _same(f"portfolio figure of project {project_id} against its round page", page, latest.figures)
    print(f"  alignment: {len(rounds)} rounds summed alike, {levels} disclosed levels equal, portfolio = round pages")


def compare(connection, before: dict) -> None:
    _compare_rows(before["rows"], _rows(connection), before["accountable"])
    _compare_scorecards(before["candidates"])
    _compare_rounds(before["rounds"])


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in {"snapshot", "compare"}:
        print(__doc__, file=sys.stderr)
        return 2
    connection = _setup()
    path = Path(argv[2])
    if argv[1] == "snapshot":
        path.write_text(json.dumps(snapshot(connection), indent=1, sort_keys=True))
        print(f"  snapshot: {sum(json.loads(path.read_text())['rows'].values())} rows")
        return 0
    try:
        compare(connection, json.loads(path.read_text()))
    except Mismatch as error:
        print(f"UPGRADE CHECK FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
