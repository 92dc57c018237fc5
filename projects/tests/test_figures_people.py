"""A person's side or active flag feeds the stored portfolio figures; other saves of a person cost nothing."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import assign
from governance.models import Department
from projects.models import ProjectFigures
from raci.models import Role


def test_a_login_save_reads_nothing_for_the_figures(project, it_lead):
    with CaptureQueriesContext(connection) as queries:
        it_lead.last_login = timezone.now()
        it_lead.save(update_fields=["last_login"])
    assert len(queries) == 1  # the UPDATE alone


def test_a_move_to_another_side_refreshes_the_figures_of_their_projects(project, it_lead):
    assign(project.steps.get(number=1), it_lead, Role.ACCOUNTABLE)
    assert ProjectFigures.objects.get(project=project).current_it
    it_lead.department = Department.MARKETING
    it_lead.save()
    figures = ProjectFigures.objects.get(project=project)
    assert (figures.current_it, figures.current_marketing) == (False, True)


def test_a_save_that_changes_neither_leaves_the_figures_alone(project, it_lead):
    assign(project.steps.get(number=1), it_lead, Role.ACCOUNTABLE)
    with CaptureQueriesContext(connection) as queries:
        it_lead.first_name = "Ivo"
        it_lead.save()
    assert not any("projects_projectfigures" in q["sql"] for q in queries)
