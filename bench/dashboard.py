"""Benchmark: the portfolio dashboard for N projects, beside a bare one-query JSON view.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/dashboard.py 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench .venv/bin/python bench/dashboard.py 1000

For each size it builds the data with bulk inserts (flushing the database
first: use a database of its own, never the development one), then serves
both views through Django's test client, logged in as an executive (who sees
every project): the real dashboard (``portfolio``, HTML, first page of 25)
and, beside it in the same run, a bare view returning every project's row as
JSON from one query. Each is warmed up twice, then timed 15 times, the two
alternating. ``--profile`` also prints a cProfile of one dashboard request.
"""

import cProfile
import io
import os
import pstats
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
if not os.environ.get("DATABASE_URL"):
    sys.exit(
        "Set DATABASE_URL to a database of its own (it is flushed), e.g. sqlite:///var/bench.sqlite3 "
        "or postgres://postgres@127.0.0.1:5432/tandem_bench."
    )

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, FilteredRelation, Min, OuterRef, Q  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from alignment import summaries  # noqa: E402
from alignment.defaults import ensure_default_questionnaire  # noqa: E402
from alignment.models import (  # noqa: E402
    AlignmentRound,
    Dimension,
    RoundAnswer,
    RoundDimension,
    RoundInvitation,
)
from governance.models import Department, Side, User  # noqa: E402
from projects.access import visible_projects  # noqa: E402
from projects.lifecycle import LIFECYCLE  # noqa: E402
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus  # noqa: E402
from raci.models import RaciAssignment, Role  # noqa: E402
from scorecards.defaults import ensure_default_criteria  # noqa: E402
from scorecards.models import Candidate, Criterion, Rating, RatingSheet, Scorecard, ScorecardCriterion  # noqa: E402
from scorecards.services import standings_refresh  # noqa: E402

_database = connection.settings_dict
if connection.vendor == "sqlite" and Path(_database["NAME"]).resolve() == (ROOT / "var" / "db.sqlite3").resolve():
    sys.exit("Refusing to flush the development database var/db.sqlite3: point DATABASE_URL at a database of its own.")

WARM_UPS = 2
RUNS = 15
BATCH = 5000
LOST_ID_BASE = 10**9  # ids of the (deleted) assignments unowned steps lost


# --- The bare view ---------------------------------------------------------------------------


def bare_rows(request):
    """Every visible project's row from one query: what the dashboard shows, minus the work."""
    today = timezone.localdate()
    not_done = ~Q(steps__status=StepStatus.DONE)
    projects = (
        visible_projects(request.user)
        # A step's Accountable assignment, if any (at most one per step, so no extra rows).
        .alias(
            accountable=FilteredRelation("steps__assignments", condition=Q(steps__assignments__role=Role.ACCOUNTABLE))
        )
        .annotate(
            steps_done=Count("steps", filter=Q(steps__status=StepStatus.DONE)),
            steps_unowned=Count("steps", filter=Q(accountable__id__isnull=True)),
            steps_overdue=Count("steps", filter=not_done & Q(steps__due_date__lt=today)),
            current_step=Min("steps__number", filter=not_done),
        )
        .order_by("name", "pk")
        .values(
            "id", "name", "slug", "status", "owner__username", "owner__first_name", "owner__last_name",
            "marketing_sponsor_id", "it_sponsor_id", "steps_done", "steps_unowned", "steps_overdue", "current_step",
        )
    )  # fmt: skip
    rows = [
        {
            "id": p["id"],
            "name": p["name"],
            "slug": p["slug"],
            "status": p["status"],
            "owner": f"{p['owner__first_name']} {p['owner__last_name']}".strip() or p["owner__username"],
            "sponsors": [pk for pk in (p["marketing_sponsor_id"], p["it_sponsor_id"]) if pk is not None],
            "done": p["steps_done"],
            "unowned": p["steps_unowned"],
            "overdue": p["steps_overdue"],
            "current": p["current_step"],
        }
        for p in projects
    ]
    return JsonResponse({"rows": rows})


urlpatterns = [
    path("bench/bare/", bare_rows, name="bench_bare"),
    path("", include("governance.urls")),
]


# --- The data ---------------------------------------------------------------------------------

FIRST_NAMES = ["Ada", "Ben", "Chloé", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Mo", "Nia"]
LAST_NAMES = ["Adler", "Brandt", "Costa", "Dubois", "Evans", "Fischer", "García", "Horvat", "Ito", "Jansen", "Khan"]


def _people() -> tuple[User, list[User], list[User], list[User]]:
    """The CMO (an executive) and 40 people: Marketing, Marketing Ops, IT and Other."""
    departments = [Department.MARKETING] * 10 + [Department.MARKETING_OPS] * 10 + [Department.IT] * 16
    departments += [Department.OTHER] * 4
    users = [User(username="cmo", first_name="Carla", last_name="Mendes", department=Department.MARKETING)]
    users[0].is_executive = True
    users += [
        User(
            username=f"user{i}",
            email=f"user{i}@example.com",
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            last_name=LAST_NAMES[i % len(LAST_NAMES)],
            department=department,
        )
        for i, department in enumerate(departments)
    ]
    users = User.objects.bulk_create(users)
    marketing = [u for u in users[1:] if u.department in (Department.MARKETING, Department.MARKETING_OPS)]
    it = [u for u in users[1:] if u.department == Department.IT]
    return users[0], marketing, it, users[1:]


def _steps(rng: random.Random, project: Project, now, today) -> list[LifecycleStep]:
    """Ten steps: the first ``done`` finished, then one in progress (or blocked), the rest not started;
    due dates a fortnight apart around the current step, so some lie in the past."""
    done = 10 if project.status == ProjectStatus.DONE else rng.randint(0, 9)
    slip = rng.choice([-40, -20, -5, 10, 25, 40])  # days the current step's due date lies from today
    steps = []
    for template in LIFECYCLE:
        offset = template.number - done - 1  # 0: the current step
        status = StepStatus.NOT_STARTED
        if offset < 0:
            status = StepStatus.DONE
        elif offset == 0 and project.status != ProjectStatus.CANCELLED:
            status = StepStatus.BLOCKED if rng.random() < 0.12 else StepStatus.IN_PROGRESS
        elif offset > 0 and rng.random() < 0.03:
            status = StepStatus.BLOCKED
        steps.append(
            LifecycleStep(
                project=project, number=template.number, key=template.key, name=template.name,
                guidance=template.guidance, suggested_side=template.suggested_side, status=status,
                due_date=today + timedelta(days=slip + 14 * offset) if rng.random() < 0.85 else None,
                blocked_reason="Waiting for the vendor's security review." if status == StepStatus.BLOCKED else "",
                started_at=now + timedelta(days=14 * min(offset, 0) - 15) if status != StepStatus.NOT_STARTED else None,
                completed_at=now + timedelta(days=14 * offset - 1) if status == StepStatus.DONE else None,
            )
        )  # fmt: skip
    return steps


def _raci(rng, steps, marketing, it, everyone, now) -> tuple[list[RaciAssignment], list]:
    """A, R and a few C/I per step, one role per person; about 10% of steps without an A
    (not-started steps first). Unowned steps that had started lost their A: history says when."""
    historical = RaciAssignment.history.model
    pending = [s for s in steps if s.status != StepStatus.DONE]
    unowned = {id(s) for s in rng.sample(pending, min(len(pending), round(0.10 * len(steps))))}
    assignments, history = [], []
    for step in steps:
        accountable_side = it if step.suggested_side in ("it", "it_with_marketing", "it_then_marketing") else marketing
        people = rng.sample(everyone, 4)
        accountable = rng.choice([u for u in accountable_side if u not in people])
        if id(step) in unowned:
            if step.status != StepStatus.NOT_STARTED:
                lost_id = LOST_ID_BASE + len(history)
                for kind, days in (("+", 60), ("-", rng.randint(1, 45))):
                    history.append(
                        historical(
                            id=lost_id, step_id=step.pk, user_id=accountable.pk,
                            role=Role.ACCOUNTABLE, created_at=now, history_date=now - timedelta(days=days),
                            history_type=kind,
                        )
                    )  # fmt: skip
        else:
            assignments.append(RaciAssignment(step=step, user=accountable, role=Role.ACCOUNTABLE))
        roles = [Role.RESPONSIBLE, Role.CONSULTED, Role.INFORMED, Role.INFORMED][: rng.randint(1, 4)]
        for person, role in zip(people, roles, strict=False):
            assignments.append(RaciAssignment(step=step, user=person, role=role))
    return assignments, history


def _scorecards(rng, projects, marketing, it, now) -> None:
    """A scorecard for about half the projects: the default criteria copied, three candidates,
    four submitted rating sheets each (two per side), every criterion rated."""
    defaults = list(Criterion.objects.filter(is_active=True))
    chosen = [p for p in projects if rng.random() < 0.5]
    scorecards = Scorecard.objects.bulk_create([Scorecard(project=p) for p in chosen], batch_size=BATCH)
    criteria = ScorecardCriterion.objects.bulk_create(
        [
            ScorecardCriterion(
                scorecard=scorecard, name=c.name, group=c.group, description=c.description,
                weight=c.weight, minimum=c.minimum, position=c.position,
            )
            for scorecard in scorecards
            for c in defaults
        ],
        batch_size=BATCH,
    )  # fmt: skip
    criteria_of: dict[int, list[ScorecardCriterion]] = {}
    for criterion in criteria:
        criteria_of.setdefault(criterion.scorecard_id, []).append(criterion)
    vendors = ["Acme Cloud", "Brightwave", "Cobalt Suite", "Datalane", "Evergreen CDP", "Build in-house"]
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(scorecard=scorecard, name=name, build_in_house=name == "Build in-house")
            for scorecard in scorecards
            for name in rng.sample(vendors, 3)
        ],
        batch_size=BATCH,
    )
    sheets = RatingSheet.objects.bulk_create(
        [
            RatingSheet(candidate=candidate, rater=rater, rater_side=side, submitted_at=now - timedelta(days=3))
            for candidate in candidates
            for side, pool in ((Side.MARKETING, marketing), (Side.IT, it))
            for rater in rng.sample(pool, 2)
        ],
        batch_size=BATCH,
    )
    candidate_scorecard = {c.pk: c.scorecard_id for c in candidates}
    Rating.objects.bulk_create(
        [
            Rating(sheet=sheet, criterion=criterion, score=rng.randint(1, 5))
            for sheet in sheets
            for criterion in criteria_of[candidate_scorecard[sheet.candidate_id]]
        ],
        batch_size=BATCH,
    )
    # What ratings_save does after each submission: store every candidate's standing.
    for scorecard in scorecards:
        standings_refresh(scorecard)


def _alignment(rng, projects, cmo, marketing, it, now) -> None:
    """One closed round for about a third of the projects, and one for the whole organization:
    the default dimensions copied, 3–4 respondents per side, every dimension answered, the
    rounds' summaries stored."""
    ensure_default_questionnaire()
    dimensions = list(Dimension.objects.filter(is_active=True).prefetch_related("levels"))
    scopes = [p for p in projects if rng.random() < 1 / 3] + [None]
    rounds = AlignmentRound.objects.bulk_create(
        [
            AlignmentRound(
                title=f"Alignment {'of ' + p.name if p else 'of the organization'}", project=p, opened_by=cmo,
                closes_at=now - timedelta(days=rng.randint(1, 90)),
            )
            for p in scopes
        ],
        batch_size=BATCH,
    )  # fmt: skip
    round_dimensions = RoundDimension.objects.bulk_create(
        [
            RoundDimension(
                round=round_, position=d.position, key=d.key, name=d.name, question=d.question,
                guidance=d.guidance, levels=[level.description for level in d.levels.all()],
            )
            for round_ in rounds
            for d in dimensions
        ],
        batch_size=BATCH,
    )  # fmt: skip
    dimensions_of: dict[int, list[RoundDimension]] = {}
    for dimension in round_dimensions:
        dimensions_of.setdefault(dimension.round_id, []).append(dimension)
    invitations = RoundInvitation.objects.bulk_create(
        [
            RoundInvitation(round=round_, user=user, side=side, answered_at=round_.closes_at - timedelta(days=2))
            for round_ in rounds
            for side, pool in ((Side.MARKETING, marketing), (Side.IT, it))
            for user in rng.sample(pool, rng.randint(3, 4))
        ],
        batch_size=BATCH,
    )
    RoundAnswer.objects.bulk_create(
        [
            RoundAnswer(invitation=invitation, dimension=dimension, level=rng.randint(1, 5))
            for invitation in invitations
            for dimension in dimensions_of[invitation.round_id]
        ],
        batch_size=BATCH,
    )
    # The rounds closed "by time passing": store their summaries as beat's store_round_summaries does.
    summaries.store_missing()


def build(projects: int) -> User:
    """Flush, then N projects with their steps, RACI, scorecards and alignment rounds; returns the CMO."""
    call_command("flush", interactive=False, verbosity=0)
    ensure_default_criteria()
    rng = random.Random(projects)
    now = timezone.now()
    today = timezone.localdate()
    cmo, marketing, it, everyone = _people()
    statuses = [ProjectStatus.ACTIVE] * 20 + [ProjectStatus.ON_HOLD] * 2 + [ProjectStatus.DONE] * 2
    statuses += [ProjectStatus.CANCELLED]
    rows = Project.objects.bulk_create(
        [
            Project(
                name=f"Project {i:05d}", slug=f"project-{i}", problem="x", status=rng.choice(statuses),
                owner=rng.choice(marketing), marketing_sponsor=rng.choice(marketing), it_sponsor=rng.choice(it),
                it_lead=rng.choice(it), requirements_side=rng.choice(Side.values),
            )
            for i in range(projects)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    # created_at is auto_now_add: age the projects (so "days unowned" varies) with one update per month.
    for months in range(1, 13):
        ids = [p.pk for i, p in enumerate(rows) if i % 12 == months - 1]
        Project.objects.filter(pk__in=ids).update(created_at=now - timedelta(days=30 * months))
    steps = [step for project in rows for step in _steps(rng, project, now, today)]
    LifecycleStep.objects.bulk_create(steps, batch_size=BATCH)
    assignments, history = _raci(rng, steps, marketing, it, everyone, now)
    RaciAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    RaciAssignment.history.model.objects.bulk_create(
        [
            RaciAssignment.history.model(
                id=a.pk, step_id=a.step_id, user_id=a.user_id, role=a.role, created_at=a.created_at,
                history_date=a.created_at, history_type="+",
            )
            for a in assignments
        ]
        + history,
        batch_size=BATCH,
    )  # fmt: skip
    _scorecards(rng, rows, marketing, it, now)
    _alignment(rng, rows, cmo, marketing, it, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cmo


# --- Measuring ----------------------------------------------------------------------------------


def _get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


def measure(projects: int, profile: bool = False) -> dict:
    cmo = build(projects)
    unowned = LifecycleStep.objects.filter(
        ~Exists(RaciAssignment.objects.filter(step=OuterRef("pk"), role=Role.ACCOUNTABLE))
    )
    data = {
        "projects": projects,
        "steps": LifecycleStep.objects.count(),
        "unowned": unowned.count(),
        "scorecards": Scorecard.objects.count(),
        "ratings": Rating.objects.count(),
        "rounds": AlignmentRound.objects.count(),
        "answers": RoundAnswer.objects.count(),
    }
    # The test client asks for "testserver", a host the settings allow only to the test suite.
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(cmo)
        dashboard_url, bare_url = reverse("portfolio"), reverse("bench_bare")
        for _ in range(WARM_UPS):
            _get(client, dashboard_url)
            bare = _get(client, bare_url)
        assert len(bare.json()["rows"]) == projects, "the bare view must return every project"
        with CaptureQueriesContext(connection) as queries:
            _get(client, dashboard_url)
        data["dashboard_queries"] = len(queries.captured_queries)
        with CaptureQueriesContext(connection) as queries:
            _get(client, bare_url)
        data["bare_queries"] = len(queries.captured_queries)
        timings = {dashboard_url: [], bare_url: []}
        for _ in range(RUNS):
            for url in (dashboard_url, bare_url):
                started = time.perf_counter()
                _get(client, url)
                timings[url].append((time.perf_counter() - started) * 1000)
        if profile:
            profiler = cProfile.Profile()
            profiler.runcall(_get, client, dashboard_url)
            data["profile"] = profiler
    for name, url in (("dashboard", dashboard_url), ("bare", bare_url)):
        data[name] = (statistics.median(timings[url]), min(timings[url]), max(timings[url]))
    return data


def _print_profile(profiler: cProfile.Profile, limit: int = 15) -> None:
    """The project's own functions by cumulative time, then every function by its own time."""
    own_code = rf"^{re.escape(str(ROOT))}/(common|governance|projects|raci|scorecards|alignment|overview)/"
    for title, order, restrictions in (
        ("the project's code, by cumulative time", "cumulative", (own_code, limit)),
        ("everything, by own time", "tottime", (limit,)),
    ):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restrictions)
        print(f"\n### One dashboard request: {title} (top {limit})\n")
        print(out.getvalue())


def main(sizes: list[int], profile: bool = False) -> None:
    engine = connection.vendor
    print(f"Database: {engine} ({settings.DATABASES['default']['NAME']}); {RUNS} runs after {WARM_UPS} warm-ups\n")
    print("| database | projects | dashboard queries | dashboard median (min–max) | bare view queries "
          "| bare view median (min–max) | ratio |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    results = []
    for size in sizes:
        m = measure(size, profile=profile)
        results.append(m)
        (d, d_min, d_max), (b, b_min, b_max) = m["dashboard"], m["bare"]
        name = "PostgreSQL" if engine == "postgresql" else "SQLite"
        print(
            f"| {name} | {m['projects']:,} | {m['dashboard_queries']} | {d:.0f} ms ({d_min:.0f}–{d_max:.0f}) "
            f"| {m['bare_queries']} | {b:.1f} ms ({b_min:.1f}–{b_max:.1f}) | {d / b:.1f}× |"
        )
    for m in results:
        print(
            f"\n{m['projects']:,} projects: {m['steps']:,} steps ({m['unowned']:,} without an A), "
            f"{m['scorecards']:,} scorecards ({m['ratings']:,} ratings), "
            f"{m['rounds']:,} closed alignment rounds ({m['answers']:,} answers)"
        )
        if "profile" in m:
            _print_profile(m["profile"])


if __name__ == "__main__":
    arguments = sys.argv[1:]
    with_profile = "--profile" in arguments
    main([int(arg) for arg in arguments if arg != "--profile"] or [1000], profile=with_profile)
