import pytest
from django.db import IntegrityError, transaction

from projects.lifecycle import LIFECYCLE
from projects.models import LifecycleStep, StepStatus


@pytest.mark.django_db
def test_project_has_the_ten_lifecycle_steps_in_order(project_factory):
    project = project_factory.create()
    steps = list(project.steps.order_by("number"))
    assert [s.number for s in steps] == list(range(1, 11))
    assert [s.key for s in steps] == [
        "problem",
        "outcomes",
        "requirements",
        "technologies",
        "vendor",
        "build",
        "management",
        "testing",
        "launch",
        "maintenance",
    ]
    assert [s.name for s in steps] == [t.name for t in LIFECYCLE]
    assert all(s.status == StepStatus.NOT_STARTED for s in steps)


@pytest.mark.django_db
def test_a_step_number_is_unique_per_project_in_the_database(project_factory):
    project = project_factory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        LifecycleStep.objects.create(project=project, number=3, key="extra", name="Extra", suggested_side="it")


@pytest.mark.django_db
def test_an_eleventh_step_is_refused_by_the_database(project_factory):
    project = project_factory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        LifecycleStep.objects.create(project=project, number=11, key="extra", name="Extra", suggested_side="it")


@pytest.mark.django_db
def test_a_done_step_without_completion_time_is_refused_by_the_database(project_factory):
    project = project_factory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        project.steps.filter(number=1).update(status=StepStatus.DONE, completed_at=None)
