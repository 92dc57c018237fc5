"""The benchmark data: a portfolio of N projects, built with bulk inserts, plus three subject projects.

Import after ``django.setup()`` (``bench/data.py`` does; so does the test in
``tests/test_bench_harness.py``). Seeded, so a size builds the same data every time.

* **People** grow with the portfolio: 40 per 1,000 projects (at least 40), a
  quarter Marketing (``mkt0``...), a quarter Marketing Ops (``mops0``...), 40%
  IT (``it0``...), a tenth Other (``other0``...); so a person's own work is the
  same at 1,000 and at 10,000 projects, and only the organization grows. Plus
  two executives (``cmo``, ``cio``) and an administrator (``admin``). Everyone's
  password is ``harness.BENCH_PASSWORD``.
* **Projects** (80% active, the rest on hold, done or cancelled) with owner,
  both sponsors and an IT lead; ten steps each with a varied number done, one
  in progress or blocked, due dates a fortnight apart around the current step
  (so some are overdue); a RACI A, R and up to three C/I per step, one role per
  person; 10% of steps without an A (started ones lost theirs: the RACI history
  says when). About half have a scorecard (the default criteria, three
  candidates, four submitted rating sheets each, two per side, every criterion
  rated; standings stored); about a third one closed alignment round (the
  default dimensions, three or four respondents per side, every dimension
  answered; summaries stored), and there is one organization round.
* **Subjects**, the same at every size, built through the services (so with
  their history): ``Benchmark: project page`` (30 people in its RACI matrix, 4
  steps done and one in progress, 12 candidates rated by 4 people each, a closed
  alignment round, reminders sent), ``Benchmark: RACI matrix`` (the same 30
  people; the matrix-save benchmark writes to it) and ``Benchmark: scorecard``
  (20 candidates, each rated by 10 people, five per side).
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alignment import summaries
from alignment.defaults import ensure_default_questionnaire
from alignment.models import AlignmentRound, Dimension, RoundAnswer, RoundDimension, RoundInvitation
from bench.harness import BENCH_PASSWORD
from governance.models import Department, Side, User
from projects import figures
from projects.lifecycle import LIFECYCLE
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from projects.services import project_create, project_update, step_update
from raci.duties_services import consultation_answer
from raci.models import RaciAssignment, Reminder, ReminderReason, Role
from raci.services import matrix_save, step_transition
from scorecards.defaults import ensure_default_criteria
from scorecards.models import Candidate, Criterion, Rating, RatingSheet, Scorecard, ScorecardCriterion
from scorecards.selectors import scorecard_of
from scorecards.services import candidate_save, ratings_save, standings_refresh

BATCH = 5000
LOST_ID_BASE = 10**9  # ids of the (deleted) assignments unowned steps lost
PEOPLE_PER_THOUSAND = 40
SUBJECT_PAGE = "Benchmark: project page"
SUBJECT_MATRIX = "Benchmark: RACI matrix"
SUBJECT_SCORECARD = "Benchmark: scorecard"
IT_SIDES = ("it", "it_with_marketing", "it_then_marketing")

FIRST_NAMES = ["Ada", "Ben", "Chloé", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Mo", "Nia"]
LAST_NAMES = ["Adler", "Brandt", "Costa", "Dubois", "Evans", "Fischer", "García", "Horvat", "Ito", "Jansen", "Khan"]
VENDORS = ["Acme Cloud", "Brightwave", "Cobalt Suite", "Datalane", "Evergreen CDP", "Build in-house"]


@dataclass
class People:
    cmo: User
    cio: User
    admin: User
    marketing: list[User]  # Marketing and Marketing Ops
    it: list[User]
    everyone: list[User]  # the pool, without executives and the administrator
    by_name: dict[str, User]


# --- People -------------------------------------------------------------------------------------

DEPARTMENTS = (
    ("mkt", Department.MARKETING, 0.25),
    ("mops", Department.MARKETING_OPS, 0.25),
    ("it", Department.IT, 0.40),
    ("other", Department.OTHER, 0.10),
)


def people_count(projects: int) -> int:
    return max(40, round(projects * PEOPLE_PER_THOUSAND / 1000))


def _people(projects: int) -> People:
    password = make_password(_password())
    total = people_count(projects)
    users = [
        User(username="cmo", first_name="Carla", last_name="Mendes", department=Department.MARKETING,
             email="cmo@example.com", is_executive=True, password=password),
        User(username="cio", first_name="Ivo", last_name="Okafor", department=Department.IT,
             email="cio@example.com", is_executive=True, password=password),
        User(username="admin", first_name="Ada", last_name="Admin", department=Department.IT,
             email="admin@example.com", is_staff=True, is_superuser=True, password=password),
    ]  # fmt: skip
    n = 0
    for prefix, department, share in DEPARTMENTS:
        for i in range(round(total * share)):
            users.append(
                User(
                    username=f"{prefix}{i}", email=f"{prefix}{i}@example.com", department=department,
                    first_name=FIRST_NAMES[n % len(FIRST_NAMES)], last_name=LAST_NAMES[n % len(LAST_NAMES)],
                    password=password,
                )
            )  # fmt: skip
            n += 1
    users = User.objects.bulk_create(users, batch_size=BATCH)
    pool = users[3:]
    return People(
        cmo=users[0],
        cio=users[1],
        admin=users[2],
        marketing=[u for u in pool if u.department in (Department.MARKETING, Department.MARKETING_OPS)],
        it=[u for u in pool if u.department == Department.IT],
        everyone=pool,
        by_name={u.username: u for u in users},
    )


def _password() -> str:
    return BENCH_PASSWORD


# --- The portfolio ------------------------------------------------------------------------------


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


def _raci(rng, steps, people: People, now) -> tuple[list[RaciAssignment], list]:
    """A, R and a few C/I per step, one role per person; about 10% of steps without an A
    (not-started steps first). Unowned steps that had started lost their A: history says when."""
    historical = RaciAssignment.history.model
    pending = [s for s in steps if s.status != StepStatus.DONE]
    unowned = {id(s) for s in rng.sample(pending, min(len(pending), round(0.10 * len(steps))))}
    assignments, history = [], []
    for step in steps:
        accountable_side = people.it if step.suggested_side in IT_SIDES else people.marketing
        chosen = rng.sample(people.everyone, 4)
        accountable = rng.choice([u for u in accountable_side if u not in chosen])
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
        for person, role in zip(chosen, roles, strict=False):
            assignments.append(RaciAssignment(step=step, user=person, role=role))
    return assignments, history


def _scorecards(rng, projects, people: People, now) -> None:
    """A scorecard for about half the projects: the default criteria copied, three candidates,
    four submitted rating sheets each (two per side), every criterion rated, standings stored."""
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
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(scorecard=scorecard, name=name, build_in_house=name == "Build in-house")
            for scorecard in scorecards
            for name in rng.sample(VENDORS, 3)
        ],
        batch_size=BATCH,
    )
    sheets = RatingSheet.objects.bulk_create(
        [
            RatingSheet(candidate=candidate, rater=rater, rater_side=side, submitted_at=now - timedelta(days=3))
            for candidate in candidates
            for side, pool in ((Side.MARKETING, people.marketing), (Side.IT, people.it))
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
    for scorecard in scorecards:  # what ratings_save does after each submission
        standings_refresh(scorecard)


def _alignment(rng, projects, people: People, now, *, share: float, organization: bool) -> None:
    """One closed round for ``share`` of the projects (and one for the organization): the default
    dimensions copied, 3–4 respondents per side, every dimension answered, summaries stored."""
    ensure_default_questionnaire()
    dimensions = list(Dimension.objects.filter(is_active=True).prefetch_related("levels"))
    scopes = [p for p in projects if rng.random() < share] + ([None] if organization else [])
    rounds = AlignmentRound.objects.bulk_create(
        [
            AlignmentRound(
                title=f"Alignment {'of ' + p.name if p else 'of the organization'}", project=p,
                opened_by=people.cmo, closes_at=now - timedelta(days=rng.randint(1, 90)),
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
            for side, pool in ((Side.MARKETING, people.marketing), (Side.IT, people.it))
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
    summaries.store_missing()  # as beat's store_round_summaries does for rounds closed by time passing


def _projects(rng, size: int, people: People, now) -> list[Project]:
    statuses = [ProjectStatus.ACTIVE] * 20 + [ProjectStatus.ON_HOLD] * 2 + [ProjectStatus.DONE] * 2
    statuses += [ProjectStatus.CANCELLED]
    rows = Project.objects.bulk_create(
        [
            Project(
                name=f"Project {i:05d}", slug=f"project-{i}", problem="Campaign data lives in five places.",
                status=rng.choice(statuses), owner=rng.choice(people.marketing),
                marketing_sponsor=rng.choice(people.marketing), it_sponsor=rng.choice(people.it),
                it_lead=rng.choice(people.it), requirements_side=rng.choice(Side.values),
            )
            for i in range(size)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    # created_at is auto_now_add: age the projects (so "days unowned" varies) with one update per month.
    for months in range(1, 13):
        ids = [p.pk for i, p in enumerate(rows) if i % 12 == months - 1]
        Project.objects.filter(pk__in=ids).update(created_at=now - timedelta(days=30 * months))
    return rows


def portfolio(rng, size: int, people: People, now, today) -> list[Project]:
    """N projects with their steps, RACI (and its history), scorecards and alignment rounds."""
    rows = _projects(rng, size, people, now)
    steps = [step for project in rows for step in _steps(rng, project, now, today)]
    LifecycleStep.objects.bulk_create(steps, batch_size=BATCH)
    assignments, history = _raci(rng, steps, people, now)
    RaciAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    historical = RaciAssignment.history.model
    RaciAssignment.history.model.objects.bulk_create(
        [
            historical(
                id=a.pk, step_id=a.step_id, user_id=a.user_id, role=a.role, created_at=a.created_at,
                history_date=a.created_at, history_type="+",
            )
            for a in assignments
        ]
        + history,
        batch_size=BATCH,
    )  # fmt: skip
    _scorecards(rng, rows, people, now)
    _alignment(rng, rows, people, now, share=1 / 3, organization=True)
    return rows


# --- The subjects -------------------------------------------------------------------------------


def crew(people: People) -> list[User]:
    """The 30 people of a subject's RACI matrix: the first of each department, the same at every size."""
    names = [f"mkt{i}" for i in range(8)] + [f"mops{i}" for i in range(8)]
    names += [f"it{i}" for i in range(11)] + [f"other{i}" for i in range(3)]
    return [people.by_name[name] for name in names]


def _subject(people: People, name: str) -> Project:
    """A subject project through the services: its steps, its 30-person matrix (every step with an
    A on its side and an R), owned by ``mops0`` with ``it0`` as IT lead."""
    by = people.by_name
    owner = by["mops0"]
    project = project_create(
        actor=owner, owner=owner, name=name, problem="Leads from events reach sales a week late.",
        marketing_sponsor=by["mkt0"], it_sponsor=by["it1"], it_lead=by["it0"],
    )  # fmt: skip
    team = crew(people)
    marketing = [u for u in team if u.department in (Department.MARKETING, Department.MARKETING_OPS)]
    it = [u for u in team if u.department == Department.IT]
    # Each person holds a role in half the steps: R, C, C, I, I for five steps in ten, in turn.
    roles = {0: Role.RESPONSIBLE, 1: Role.CONSULTED, 2: Role.CONSULTED, 3: Role.INFORMED, 4: Role.INFORMED}
    rows: dict[int, dict[int, str]] = {u.pk: {} for u in team}
    for n, step in enumerate(project.steps.order_by("number")):
        accountable = (it if step.suggested_side in IT_SIDES else marketing)[n % 8]
        for k, person in enumerate(team):
            rows[person.pk][step.pk] = Role.ACCOUNTABLE if person == accountable else roles.get((k + n) % 10, "")
    matrix_save(actor=owner, project=project, rows=rows)
    return project


def _consulted_agree(step: LifecycleStep) -> None:
    """Every Consulted person answers (a step cannot finish before: raci.duties)."""
    for assignment in step.assignments.filter(role=Role.CONSULTED).select_related("user"):
        consultation_answer(actor=assignment.user, step=step, answer="agree")


def _progress(project: Project, owner: User) -> None:
    """Steps 1–4 done, step 5 in progress, due dates planned for the rest; two project edits."""
    today = timezone.localdate()
    steps = list(project.steps.order_by("number"))
    for step in steps[:5]:
        step = step_transition(actor=owner, step=step, transition="start")
        if step.number < 5:
            _consulted_agree(step)
            step_transition(actor=owner, step=step, transition="finish")
    for step in steps[4:]:
        step_update(actor=owner, step=step, due_date=today + timedelta(days=14 * (step.number - 5)))
    project_update(actor=owner, project=project, problem="Leads from events reach sales ten days late.")
    project_update(actor=owner, project=project, target_launch=today + timedelta(days=120))


def _rated_candidates(project: Project, owner: User, raters: list[User], candidates: int, rng) -> None:
    """``candidates`` candidates added by the owner, each rated and submitted by every one of ``raters``."""
    added = [
        candidate_save(actor=owner, scorecard=scorecard_of(project), name=f"Vendor {i + 1:02d}")
        for i in range(candidates)
    ]
    criteria = list(Scorecard.objects.get(project=project).criteria.all())
    for candidate in added:
        for rater in raters:
            scores = {c.pk: rng.randint(1, 5) for c in criteria}
            ratings_save(actor=rater, candidate=candidate, scores=scores, comments={}, submit=True)


def _reminders_sent(project: Project, now) -> None:
    """Three digests' worth of reminders about step 6, as a sweep two weeks ago would have left."""
    step = project.steps.get(number=6)
    Reminder.objects.bulk_create(
        [
            Reminder(step=step, recipient=person, period_start=now - timedelta(days=days), reason=reason,
                     created_at=now - timedelta(days=days), sent_at=now - timedelta(days=days))
            for days in (14, 13, 12)
            for person, reason in ((project.owner, ReminderReason.OWNER), (project.it_lead, ReminderReason.IT_LEAD))
        ]
    )  # fmt: skip


@dataclass(frozen=True)
class Shape:
    """How big the subjects are: the benchmarks' sizes by default (the harness's test builds small ones)."""

    page_candidates: int = 12
    page_raters: int = 4
    scorecard_candidates: int = 20
    scorecard_raters: int = 10


# Raters, all in the subjects' RACI matrix (so members, who may rate), half from each side.
PAGE_RATERS = ["mkt0", "mops1", "it0", "it1"]
SCORECARD_RATERS = ["mkt0", "mkt1", "mkt2", "mops0", "mops1", "it0", "it1", "it2", "it3", "it4"]


def subjects(people: People, now, shape: Shape) -> None:
    rng = random.Random(2026)
    by = people.by_name
    page = _subject(people, SUBJECT_PAGE)
    _progress(page, by["mops0"])
    raters = [by[name] for name in PAGE_RATERS[: shape.page_raters]]
    _rated_candidates(page, by["mops0"], raters, shape.page_candidates, rng)
    _alignment(rng, [page], people, now, share=1.0, organization=False)
    _reminders_sent(page, now)
    _subject(people, SUBJECT_MATRIX)
    scorecard = _subject(people, SUBJECT_SCORECARD)
    raters = [by[name] for name in SCORECARD_RATERS[: shape.scorecard_raters]]
    _rated_candidates(scorecard, by["mops0"], raters, shape.scorecard_candidates, rng)


# --- The whole build ----------------------------------------------------------------------------


def build(size: int, shape: Shape = Shape()) -> dict:
    """Into an empty (migrated) database: the people, the portfolio and the subjects; the counts."""
    if Project.objects.exists():
        raise RuntimeError("The bench builds into an empty database; this one has projects.")
    ensure_default_criteria()
    rng = random.Random(size)
    now = timezone.now()
    started = time.perf_counter()
    people = _people(size)
    portfolio(rng, size, people, now, timezone.localdate())
    print(f"  portfolio of {size:,} projects: {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    subjects(people, now, shape)
    print(f"  the three subject projects: {time.perf_counter() - started:.0f} s", flush=True)
    figures.refresh_all()  # the stored per-project figures, which bulk inserts do not keep current
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum keeps a live database: statistics and the visibility map (VACUUM cannot
            # run in a transaction: a test's build only gathers the statistics).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts()


def counts() -> dict:
    unowned = LifecycleStep.objects.filter(
        ~Exists(RaciAssignment.objects.filter(step=OuterRef("pk"), role=Role.ACCOUNTABLE))
    )
    return {
        "projects": Project.objects.count(),
        "people": User.objects.count(),
        "steps": LifecycleStep.objects.count(),
        "unowned_steps": unowned.count(),
        "assignments": RaciAssignment.objects.count(),
        "scorecards": Scorecard.objects.count(),
        "candidates": Candidate.objects.count(),
        "ratings": Rating.objects.count(),
        "alignment_rounds": AlignmentRound.objects.count(),
        "alignment_answers": RoundAnswer.objects.count(),
    }


# --- The reminder sweep's data ------------------------------------------------------------------


def build_sweep(size: int) -> dict:
    """The sweep benchmark's own data: N active projects shared by 10 owners and 10 IT leads, ten
    steps each, one step in ten in progress with no Accountable person, the other nine owned."""
    if Project.objects.exists():
        raise RuntimeError("The bench builds into an empty database; this one has projects.")
    password = make_password(_password())
    owners = User.objects.bulk_create(
        [User(username=f"owner{i}", email=f"owner{i}@example.com", department=Department.MARKETING_OPS,
              password=password) for i in range(10)]
    )  # fmt: skip
    leads = User.objects.bulk_create(
        [User(username=f"lead{i}", email=f"lead{i}@example.com", department=Department.IT, password=password)
         for i in range(10)]
    )  # fmt: skip
    rows = Project.objects.bulk_create(
        [
            Project(name=f"Project {i}", slug=f"project-{i}", problem="x", owner=owners[i % 10], it_lead=leads[i % 10])
            for i in range(size)
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    steps = []
    for index, project in enumerate(rows):
        unowned = index % 10  # one step in ten has no Accountable person
        for template in LIFECYCLE:
            status = StepStatus.IN_PROGRESS if template.number - 1 == unowned else StepStatus.NOT_STARTED
            steps.append(
                LifecycleStep(
                    project=project, number=template.number, key=template.key, name=template.name,
                    suggested_side=template.suggested_side, status=status,
                    started_at=now if status == StepStatus.IN_PROGRESS else None,
                )
            )  # fmt: skip
    LifecycleStep.objects.bulk_create(steps, batch_size=BATCH)
    RaciAssignment.objects.bulk_create(
        [
            RaciAssignment(step=step, user=leads[i % 10], role=Role.ACCOUNTABLE)
            for i, step in enumerate(steps)
            if step.status != StepStatus.IN_PROGRESS
        ],
        batch_size=BATCH,
    )
    figures.refresh_all()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum keeps a live database: statistics and the visibility map (VACUUM cannot
            # run in a transaction: a test's build only gathers the statistics).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts()
