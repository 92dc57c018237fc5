"""A database made by the pre-split main (tag ``pre-split-main``: governance 0004,
projects 0001, raci 0002, scorecards 0003, the alignment tables in governance)
migrates to today's layout with every row kept and every figure unchanged.

In the suite: the test database is migrated back to those leaf migrations,
filled through the historical models of that state (users, a project with its
ten steps, RACI roles, a scorecard with criteria, candidates, submitted and
draft ratings, an invitation and a decision, the questionnaire, a project
round with invitations, answers and its stored summary, a closed organization
round without one), migrated forward again, and then read with today's
selectors. ``.ci/upgrade-from-pre-split`` does the same with the real old code
and its ``seed_demo``.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from projects.lifecycle import LIFECYCLE

OLD_LEAVES = [
    ("governance", "0004_round_summary"),
    ("projects", "0001_initial"),
    ("raci", "0002_reminderrun_reminder_and_more"),
    ("scorecards", "0003_candidate_standing"),
]
MOVED = ["dimension", "dimensionlevel", "alignmentround", "rounddimension", "roundinvitation", "roundanswer"]
MOVED += ["roundsummary"]
NEW_TABLE = {f"governance_{model}": f"alignment_{model}" for model in MOVED}
D = Decimal
BASE_DIR = Path(settings.BASE_DIR)


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _later_apps(executor: MigrationExecutor) -> list[str]:
    """Tandem's apps that came after the split (alignment, intake, the API...): none of their tables
    existed then, and their first migrations may need today's organization, so they go back to zero."""
    local = {config.label for config in django_apps.get_app_configs() if Path(config.path).parent == BASE_DIR}
    old = {app for app, _ in OLD_LEAVES}
    return sorted(app for app in executor.loader.migrated_apps if app in local and app not in old)


def _old_nodes(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """The leaf migrations of the pre-split main: the four apps' old leaves, Django's and the libraries' as today."""
    old, later = dict(OLD_LEAVES), set(_later_apps(executor))
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in later]
    return [(app, old.get(app, name)) for app, name in leaves]


def _row_counts() -> dict[str, int]:
    """Rows per table (the moved tables under their new names), Django's migration record left out."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[NEW_TABLE.get(table, table)] = cursor.fetchone()[0]
    return counts


def _people(apps) -> dict:
    User = apps.get_model("governance", "User")
    made = {}
    for username, department, executive in [
        ("cio", "it", True),
        ("mops", "marketing_ops", False),
        *[(f"mkt{i}", "marketing", False) for i in range(3)],
        *[(f"it{i}", "it", False) for i in range(3)],
        ("late", "it", False),
    ]:  # fmt: skip
        made[username] = User.objects.create(
            username=f"upgrade-{username}", password="!", first_name=username, department=department,
            is_executive=executive,
        )  # fmt: skip
    return made


def _project(apps, people: dict):
    Project = apps.get_model("projects", "Project")
    Step = apps.get_model("projects", "LifecycleStep")
    Assignment = apps.get_model("raci", "RaciAssignment")
    project = Project.objects.create(
        name="Upgrade CDP", slug="upgrade-cdp", problem="Data everywhere.", owner=people["mops"],
        it_lead=people["it0"], marketing_sponsor=people["mops"],
    )  # fmt: skip
    steps = Step.objects.bulk_create(
        Step(project=project, number=t.number, key=t.key, name=t.name, suggested_side=t.suggested_side)
        for t in LIFECYCLE
    )
    Assignment.objects.bulk_create(
        [
            Assignment(step=steps[4], user=people["cio"], role="A"),
            Assignment(step=steps[4], user=people["mops"], role="R"),
        ]
        + [Assignment(step=steps[1], user=people[name], role="I") for name in ("mkt0", "mkt1", "mkt2", "it1", "it2")]
    )
    return project


def _scorecard(apps, project, people: dict) -> None:
    """Acme rated by one IT and one Marketing rater; Bolt only drafted. By hand:
    IT = (2×3 + 1×5) / 3 × 2 = 7.33; Marketing = (3.5 + 4) / 2 × 2 = 7.50."""
    get = lambda name: apps.get_model("scorecards", name)  # noqa: E731
    scorecard = get("Scorecard").objects.create(project=project, it_maximum=10, marketing_maximum=10)
    criteria = [
        get("ScorecardCriterion").objects.create(scorecard=scorecard, name=name, group=group, weight=weight)
        for name, group, weight in [("Security", "it", 2), ("Scalability", "it", 1), ("Ease of use", "marketing", 1),
                                    ("Reporting", "marketing", 1)]
    ]  # fmt: skip
    acme = get("Candidate").objects.create(
        scorecard=scorecard, name="Acme", it_total=D("7.33"), marketing_total=D("7.50"), overall_total=D("14.83"),
        rank=1, below_minimum=[],
    )  # fmt: skip
    bolt = get("Candidate").objects.create(scorecard=scorecard, name="Bolt")
    now = timezone.now()
    for rater, side, scores in [(people["it0"], "it", [4, 5, 3, 4]), (people["mops"], "marketing", [2, 5, 4, 4])]:
        sheet = get("RatingSheet").objects.create(candidate=acme, rater=rater, rater_side=side, submitted_at=now)
        get("Rating").objects.bulk_create(
            get("Rating")(sheet=sheet, criterion=c, score=s) for c, s in zip(criteria, scores, strict=True)
        )
    draft = get("RatingSheet").objects.create(candidate=bolt, rater=people["mkt0"], rater_side="marketing")
    get("Rating").objects.create(sheet=draft, criterion=criteria[0], score=None, comment="Thinking")
    get("Invitation").objects.create(candidate=bolt, user=people["it1"], invited_by=people["mops"])
    get("Decision").objects.create(
        scorecard=scorecard, candidate=acme, rationale="Both sides agree.", decided_by=people["cio"],
        results_snapshot=[["Rank", "Candidate"], [1, "Acme"]], raci_snapshot=[],
    )  # fmt: skip


def _round(apps, people: dict, *, project, levels: dict[str, int], days_ago: int, with_summary: bool):
    """A closed round of two dimensions answered by mkt0–2 and it0–2 (one level per side), ``late`` not answering."""
    get = lambda name: apps.get_model("governance", name)  # noqa: E731
    closes_at = timezone.now() - timedelta(days=days_ago)
    round_ = get("AlignmentRound").objects.create(
        title=f"Upgrade round {days_ago}", project=project, opened_by=people["cio"], closes_at=closes_at
    )
    dimensions = [
        get("RoundDimension").objects.create(
            round=round_, position=i, key=key, name=key, question="?", levels=["x"] * 5
        )
        for i, key in enumerate(["communication", "vision"], start=1)
    ]
    for name in ["mkt0", "mkt1", "mkt2", "it0", "it1", "it2", "late"]:
        side = "" if name == "late" else ("it" if name.startswith("it") else "marketing")
        invitation = get("RoundInvitation").objects.create(
            round=round_, user=people[name], side=side, answered_at=closes_at if side else None
        )
        for dimension in dimensions if side else []:
            get("RoundAnswer").objects.create(invitation=invitation, dimension=dimension, level=levels[side])
    if with_summary:
        groups = {side: [level * 6, 6, 3] for side, level in levels.items()}
        get("RoundSummary").objects.create(round=round_, closes_at=closes_at, groups=groups)
    return round_.pk


def _questionnaire(apps) -> None:
    Dimension = apps.get_model("governance", "Dimension")
    dimension = Dimension.objects.create(key="upgrade-only", name="Upgrade", question="?", guidance="Talk.")
    apps.get_model("governance", "DimensionLevel").objects.bulk_create(
        apps.get_model("governance", "DimensionLevel")(dimension=dimension, level=level, description=f"Level {level}")
        for level in range(1, 6)
    )


def _fill_old_database(apps) -> dict:
    people = _people(apps)
    project = _project(apps, people)
    _scorecard(apps, project, people)
    _questionnaire(apps)
    project_round = _round(
        apps, people, project=project, levels={"marketing": 4, "it": 2}, days_ago=2, with_summary=True
    )
    org_round = _round(apps, people, project=None, levels={"marketing": 3, "it": 3}, days_ago=30, with_summary=False)
    return {"project": project.pk, "project_round": project_round, "org_round": org_round, "cio": people["cio"].pk}


def _check_figures(ids: dict) -> None:
    """Today's selectors read the upgraded rows: the same totals, levels and gap."""
    from alignment.models import AlignmentRound
    from alignment.selectors import latest_project_alignment, organization_alignment, round_results
    from governance.models import User
    from projects.models import Project
    from scorecards.models import Candidate, Scorecard
    from scorecards.selectors import portfolio_vendors, scorecard_results

    cio, projects = User.objects.get(pk=ids["cio"]), Project.objects.filter(pk=ids["project"])
    results = {
        r.candidate.name: r
        for r in scorecard_results(Scorecard.objects.get(project_id=ids["project"]), viewer=None).candidates
    }
    assert (results["Acme"].it_total, results["Acme"].marketing_total) == (D("7.33"), D("7.50"))
    assert results["Acme"].rank == 1 and results["Bolt"].overall is None
    assert Candidate.objects.get(name="Acme").it_total == D("7.33")
    vendor = portfolio_vendors(projects, viewer=cio)[ids["project"]]
    assert (vendor.name, vendor.chosen, vendor.it_total, vendor.marketing_total) == ("Acme", True, D("7.33"), D("7.50"))

    page = round_results(AlignmentRound.objects.get(pk=ids["project_round"]), viewer=cio).figures
    assert (page.marketing, page.it, page.overall, page.gap) == (4.0, 2.0, 3.0, 2.0)
    assert page.overall_level == "Working together"
    assert latest_project_alignment(projects)[ids["project"]].figures == page  # from the stored summary
    organization = organization_alignment(cio)
    assert organization.round_id == ids["org_round"] and organization.figures.overall == 3.0
    assert organization.figures == round_results(AlignmentRound.objects.get(pk=ids["org_round"]), viewer=cio).figures


@pytest.mark.django_db(transaction=True)
def test_a_pre_split_database_migrates_with_every_row_and_figure_kept():
    latest = _executor().loader.graph.leaf_nodes()
    try:
        executor = _executor()
        executor.migrate([*((app, None) for app in _later_apps(executor)), *OLD_LEAVES])
        apps = _executor().loader.project_state(_old_nodes(executor)).apps
        assert "governance_alignmentround" in connection.introspection.table_names()
        ids = _fill_old_database(apps)
        before = _row_counts()
        _executor().migrate(latest)
    finally:  # whatever happened, leave the database as the rest of the suite expects it
        _executor().migrate(latest)
        ContentType.objects.clear_cache()

    after = _row_counts()
    assert {table: rows for table, rows in after.items() if table in before} == before  # nothing lost or added
    # Tables added since: one stored figures row per project; the rest start empty or hold their seeded data.
    assert after["projects_projectfigures"] == before["projects_project"]
    assert not set(NEW_TABLE) & set(connection.introspection.table_names())
    assert before["alignment_roundanswer"] == 24 and before["scorecards_rating"] == 9
    assert before["alignment_roundsummary"] == 1 and before["raci_raciassignment"] == 7
    moved = ContentType.objects.filter(model__in=MOVED)
    assert sorted(moved.values_list("app_label", "model")) == sorted(("alignment", model) for model in MOVED)
    _check_figures(ids)
    # vendor decisions (dual signatures): a decision recorded before them still stands, marked so
    from scorecards.models import Decision

    assert [(d.rule, d.stood_at == d.decided_at, d.withdrawn_at) for d in Decision.objects.all()] == [
        ("single", True, None)
    ]
