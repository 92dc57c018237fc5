"""The benchmark harness does not rot: its data builder, at a tiny size, builds consistent data,
and every page the page benchmark measures answers as the benchmark expects. Nothing is timed.

The benchmarks themselves (``bench/``, ``make bench``) and their figures: docs/benchmarks.md.
"""

from collections import Counter

import pytest
from django.db.models import Count

from bench import builder, harness
from bench.page_client import PAGES, Pages
from governance.models import User
from projects.models import LifecycleStep, Project, ProjectFigures, StepStatus
from raci.models import RaciAssignment, Role
from scorecards.models import Candidate, Rating, RatingSheet, ScorecardCriterion

SIZE = 30
SHAPE = builder.Shape(page_candidates=2, page_raters=2, scorecard_candidates=3, scorecard_raters=2)


def test_people_grow_with_the_portfolio():
    assert builder.people_count(1000) == 40
    assert builder.people_count(10000) == 400
    assert builder.people_count(30) == 40


def test_database_names_come_from_the_prefix(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tandem_bench")
    assert harness.label(1000) == "1k"
    assert harness.built_name(10000) == "tandem_bench_10k"
    assert harness.built_name(10000, "sweep") == "tandem_bench_sweep_10k"
    assert harness.url_for("x") == "postgres://postgres@127.0.0.1:5432/x"


@pytest.mark.django_db
def test_the_bench_data_is_consistent_and_every_measured_page_answers():
    """One build (the slow part), every check on it."""
    built = builder.build(SIZE, SHAPE)
    every_project_has_its_ten_steps_in_a_consistent_state(built)
    one_step_in_ten_has_no_accountable_and_the_started_ones_lost_theirs()
    every_submitted_sheet_rates_every_criterion_and_standings_are_stored()
    the_subjects_have_their_shape()
    every_measured_page_answers_as_the_benchmark_expects()


def every_project_has_its_ten_steps_in_a_consistent_state(built):
    assert built["projects"] == SIZE + 3
    assert built["people"] == builder.people_count(SIZE) + 3
    numbers = Project.objects.annotate(n=Count("steps")).values_list("n", flat=True)
    assert set(numbers) == {10}
    for project in Project.objects.prefetch_related("steps"):
        steps = sorted(project.steps.all(), key=lambda s: s.number)
        assert [s.number for s in steps] == list(range(1, 11))
        for step in steps:
            assert (step.status == StepStatus.DONE) == (step.completed_at is not None)
            assert (step.status == StepStatus.NOT_STARTED) == (step.started_at is None)
    assert User.objects.get(username="cmo").check_password(harness.BENCH_PASSWORD)
    # Bulk inserts send no signals: the builder stores every project's figures itself.
    assert ProjectFigures.objects.count() == built["projects"]


def one_step_in_ten_has_no_accountable_and_the_started_ones_lost_theirs():
    accountable = Counter(
        RaciAssignment.objects.filter(role=Role.ACCOUNTABLE).values_list("step_id", flat=True)
    ).values()
    assert set(accountable) == {1}  # never two
    portfolio = LifecycleStep.objects.exclude(project__name__startswith="Benchmark: ")
    unowned = portfolio.exclude(assignments__role=Role.ACCOUNTABLE)
    assert unowned.count() == round(0.1 * SIZE * 10)
    assert not unowned.filter(status=StepStatus.DONE).exists()
    started = unowned.exclude(status=StepStatus.NOT_STARTED)
    lost = set(RaciAssignment.history.filter(history_type="-", role=Role.ACCOUNTABLE).values_list("step_id", flat=True))
    assert set(started.values_list("pk", flat=True)) <= lost


def every_submitted_sheet_rates_every_criterion_and_standings_are_stored():
    criteria = dict(ScorecardCriterion.objects.values_list("scorecard_id").annotate(n=Count("pk")))
    for sheet in RatingSheet.objects.select_related("candidate").annotate(n=Count("ratings")):
        assert sheet.submitted_at is not None
        assert sheet.n == criteria[sheet.candidate.scorecard_id]
    assert not Candidate.objects.filter(rank__isnull=True).exists()
    assert not Rating.objects.filter(score__isnull=True).exists()


def the_subjects_have_their_shape():
    subject = Project.objects.get(name=builder.SUBJECT_PAGE)
    people = RaciAssignment.objects.filter(step__project=subject).values("user").distinct()
    assert people.count() == 30
    statuses = list(subject.steps.order_by("number").values_list("status", flat=True))
    assert statuses[:5] == [StepStatus.DONE] * 4 + [StepStatus.IN_PROGRESS]
    assert subject.scorecard.candidates.count() == SHAPE.page_candidates
    scorecard = Project.objects.get(name=builder.SUBJECT_SCORECARD).scorecard
    assert scorecard.candidates.count() == SHAPE.scorecard_candidates
    sheets = RatingSheet.objects.filter(candidate__scorecard=scorecard, submitted_at__isnull=False)
    assert sheets.count() == SHAPE.scorecard_candidates * SHAPE.scorecard_raters


def every_measured_page_answers_as_the_benchmark_expects():
    pages = Pages()
    for page in PAGES:
        assert pages.time(page.name)["bytes"] >= 0  # checks the status (and that a matrix save saved)
    assert pages.queries("project list") > 0
    attribution = pages.query_times("dashboard", repeats=1)  # --queries: each SELECT run again alone
    assert len(attribution["queries"]) == pages.queries("dashboard") and attribution["request_ms"] > 0
