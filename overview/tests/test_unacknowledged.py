"""Accountability not yet acknowledged (raci.duties) is a reason for attention on the dashboard."""

import pytest

from overview.portfolio import Portfolio, build_rows
from projects.access import visible_projects
from raci.models import Role
from raci.services import matrix_save

pytestmark = pytest.mark.django_db


def test_a_step_awaiting_acknowledgement_needs_attention(project, owner, it_lead, executive):
    flag = Portfolio.read(executive).attention_flags()["unacknowledged"]
    assert not visible_projects(executive).filter(flag).exists()
    step2 = project.steps.get(number=2)
    matrix_save(actor=owner, project=project, rows={it_lead.pk: {step2.pk: Role.ACCOUNTABLE}})
    assert list(visible_projects(executive).filter(Portfolio.read(executive).attention_flags()["unacknowledged"])) == [
        project
    ]
    (row,) = build_rows(executive, [project.pk])
    assert row.unacknowledged == 1
    assert "1 step awaiting acknowledgement by the Accountable person" in row.attention
