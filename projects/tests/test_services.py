import pytest
from django.core.exceptions import ValidationError

from governance.models import Department, Side
from projects.lifecycle import SuggestedSide
from projects.models import LifecycleStep, Project
from projects.services import project_create, project_update


@pytest.mark.django_db
def test_project_create_makes_owner_the_actor_and_records_history(user_factory):
    maya = user_factory(department=Department.MARKETING_OPS)
    project = project_create(actor=maya, name="CDP", problem="Data everywhere.")
    assert project.owner == maya
    assert project.slug == "cdp"
    record = project.history.get()
    assert record.history_type == "+" and record.history_user == maya


@pytest.mark.django_db
def test_same_name_gets_a_new_slug_and_reserved_slug_is_avoided(user_factory):
    maya = user_factory()
    first = project_create(actor=maya, name="CDP", problem="x")
    second = project_create(actor=maya, name="CDP", problem="y")
    reserved = project_create(actor=maya, name="New", problem="z")
    assert (first.slug, second.slug, reserved.slug) == ("cdp", "cdp-2", "new-project")


@pytest.mark.django_db
def test_steps_are_created_in_the_same_transaction_as_the_project(user_factory, monkeypatch):
    maya = user_factory()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("projects.services.bulk_create_with_history", explode)
    with pytest.raises(RuntimeError):
        project_create(actor=maya, name="Half made", problem="x")
    assert not Project.objects.filter(name="Half made").exists()
    assert LifecycleStep.objects.count() == 0


@pytest.mark.django_db
def test_sponsors_must_be_on_the_right_side(user_factory):
    maya = user_factory(department=Department.MARKETING_OPS)
    marketer = user_factory(department=Department.MARKETING)
    with pytest.raises(ValidationError) as error:
        project_create(actor=maya, name="X", problem="x", it_sponsor=marketer, it_lead=marketer)
    assert set(error.value.error_dict) == {"it_sponsor", "it_lead"}
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_requirements_side_decides_step_three_suggestion(user_factory):
    maya = user_factory()
    project = project_create(actor=maya, name="X", problem="x", requirements_side=Side.IT)
    assert project.steps.get(number=3).suggested_side == SuggestedSide.IT
    project_update(actor=maya, project=project, requirements_side=Side.MARKETING)
    assert project.steps.get(number=3).suggested_side == SuggestedSide.MARKETING
