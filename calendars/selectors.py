"""Reads for the calendar feed: whose feed a token opens, and the person's step dates."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from calendars import tokens
from calendars.models import CalendarFeed
from governance.models import User
from projects.access import is_active_user, visible_projects
from projects.models import ProjectStatus, StepStatus
from projects.registry import CalendarEvent
from raci.models import RaciAssignment, Role

ROLE_WORDS = {Role.ACCOUNTABLE: "Accountable", Role.RESPONSIBLE: "Responsible"}


def feed_of(viewer: User) -> CalendarFeed | None:
    """``viewer``'s own feed, or ``None`` before they asked for one (one query)."""
    if not is_active_user(viewer):
        return None
    return CalendarFeed.objects.filter(user=viewer).first()


def feed_url(feed: CalendarFeed) -> str:
    """The absolute, secret URL of ``feed`` (on ``TANDEM_SITE_URL``)."""
    path = reverse("calendars:feed", kwargs={"token": tokens.make(feed.user_id, feed.key)})
    return settings.SITE_URL + path


def owner_of(token: str) -> User | None:
    """The active person whose current feed ``token`` opens; ``None`` for a forged,
    revoked (reset or stopped) or malformed token, or a deactivated account (one query)."""
    parsed = tokens.read(token)
    if parsed is None:
        return None
    user_id, key = parsed
    feed = CalendarFeed.objects.filter(user_id=user_id, key=key, user__is_active=True).select_related("user").first()
    return feed.user if feed else None


def step_events(viewer: User) -> list[CalendarEvent]:
    """The unfinished steps of active projects on which ``viewer`` is Accountable or
    Responsible and that have a due date: one all-day entry each, on the due date (one query)."""
    if not is_active_user(viewer):
        return []
    assignments = (
        RaciAssignment.objects.filter(
            Q(role=Role.ACCOUNTABLE) | Q(role=Role.RESPONSIBLE),
            user=viewer,
            step__due_date__isnull=False,
            step__project__in=visible_projects(viewer).filter(status=ProjectStatus.ACTIVE),
        )
        .exclude(step__status=StepStatus.DONE)
        .select_related("step__project")
        .order_by("step__due_date", "step__project__name", "step__number", "role")
    )
    events: dict[int, CalendarEvent] = {}
    for assignment in assignments:
        step = assignment.step
        if step.pk in events:  # one entry per step, whichever roles the person holds on it
            continue
        project = step.project
        role = ROLE_WORDS[assignment.role]
        events[step.pk] = CalendarEvent(
            uid=f"step-{step.pk}@tandem",
            summary=f"{project.name}: step {step.number}, {step.name} due",
            start=step.due_date,
            end=step.due_date + timedelta(days=1),
            url=reverse("project_detail", kwargs={"slug": project.slug}) + f"#step-{step.number}",
            description=f"You are {role} for this step. Status: {step.get_status_display()}.",
        )
    return list(events.values())
