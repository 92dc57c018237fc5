"""The figures above the dashboard's table, over every visible project whatever
the filters: the tiles and the stage chart."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from alignment.selectors import LatestAlignment, organization_alignment
from governance.models import User
from overview.portfolio import STEP_NAMES, Row
from projects.access import visible_projects
from projects.lifecycle import STEP_COUNT
from raci import selectors as raci_selectors


@dataclass
class Tiles:
    active: int
    unowned_steps: int
    overdue_steps: int
    reminders_this_week: int
    organization: LatestAlignment | None
    attention: int


def tiles(user: User, rows: list[Row]) -> Tiles:
    """The active projects' figures from the rows, the week's reminders and the organization's alignment (two queries)."""
    active = [r for r in rows if r.is_active]
    week_ago = timezone.now() - timedelta(days=7)
    return Tiles(
        active=len(active),
        unowned_steps=sum(r.unowned for r in active),
        overdue_steps=sum(r.overdue for r in active),
        reminders_this_week=raci_selectors.reminders_sent_since(visible_projects(user), week_ago),
        organization=organization_alignment(user),
        attention=sum(1 for r in active if r.attention),
    )


def stage_chart(rows: list[Row]) -> dict:
    """Active projects by current step, split by whether that step has an accountable owner."""
    owned = [0] * STEP_COUNT
    unowned = [0] * STEP_COUNT
    for row in rows:
        if row.is_active and row.current is not None:
            (owned if row.current.owned else unowned)[row.current.number - 1] += 1
    return {
        "labels": [f"{n}. {STEP_NAMES[n]}" for n in range(1, STEP_COUNT + 1)],
        "owned": owned,
        "unowned": unowned,
    }
