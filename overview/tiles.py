"""The figures above the dashboard's table, over every visible project whatever
the filters: the tiles and the stage chart, from aggregate queries (the
portfolio's projects grouped by status and current step: one query, a few dozen
groups whatever the number of projects)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from alignment.selectors import LatestAlignment, organization_alignment
from governance.models import User
from overview.portfolio import STEP_NAMES
from projects.access import visible_projects
from projects.lifecycle import STEP_COUNT
from projects.models import LifecycleStep, Project, ProjectStatus, StepStatus
from raci import selectors as raci_selectors


@dataclass(frozen=True)
class Group:
    """Projects of one status whose current step is ``current`` (owned or not)."""

    status: str
    current: int | None
    owned: bool
    projects: int
    unowned_steps: int
    attention: int


@dataclass
class Tiles:
    active: int
    unowned_steps: int
    overdue_steps: int
    reminders_this_week: int
    organization: LatestAlignment | None
    attention: int


def groups(projects: QuerySet[Project]) -> list[Group]:
    """``projects`` (``portfolio.Portfolio.projects``) counted by status and current step (one query)."""
    rows = (
        projects.order_by()
        .values("status", current=F("figures__current_number"), owned=F("figures__current_owned"))
        .annotate(
            projects=Count("pk"),
            unowned_steps=Coalesce(Sum("figures__steps_unowned"), 0),
            needing=Count("pk", filter=Q(attention__gt=0)),
        )
    )
    return [
        Group(r["status"], r["current"], bool(r["owned"]), r["projects"], r["unowned_steps"], r["needing"])
        for r in rows
    ]


def total(counted: list[Group]) -> int:
    return sum(g.projects for g in counted)


def overdue_steps(user: User, today: date) -> int:
    """Steps of active projects not done and due before ``today`` (one query: the steps from
    the open-due index alone, ``step_open_due_project_idx``, joined to the active projects)."""
    active = visible_projects(user).filter(status=ProjectStatus.ACTIVE)
    return LifecycleStep.objects.filter(project__in=active, due_date__lt=today).exclude(status=StepStatus.DONE).count()


def tiles(user: User, counted: list[Group]) -> Tiles:
    """The active projects' figures from the groups, the overdue steps, the week's reminders
    and the organization's alignment (three queries)."""
    active = [g for g in counted if g.status == ProjectStatus.ACTIVE]
    week_ago = timezone.now() - timedelta(days=7)
    return Tiles(
        active=total(active),
        unowned_steps=sum(g.unowned_steps for g in active),
        overdue_steps=overdue_steps(user, timezone.localdate()),
        reminders_this_week=raci_selectors.reminders_sent_since(visible_projects(user), week_ago),
        organization=organization_alignment(user),
        attention=sum(g.attention for g in active),
    )


def stage_chart(counted: list[Group]) -> dict:
    """Active projects by current step, split by whether that step has an accountable owner."""
    owned = [0] * STEP_COUNT
    unowned = [0] * STEP_COUNT
    for group in counted:
        if group.status == ProjectStatus.ACTIVE and group.current is not None:
            (owned if group.owned else unowned)[group.current - 1] += group.projects
    return {
        "labels": [f"{n}. {STEP_NAMES[n]}" for n in range(1, STEP_COUNT + 1)],
        "owned": owned,
        "unowned": unowned,
    }
