"""Committee reads: who sits on it, its meetings, what the agenda would hold now,
and the parts it adds to other pages (My work, the calendar feed, the digest).

Every read that depends on the viewer takes it and answers only what
``projects.access`` lets them see.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from alignment.selectors import latest_project_alignment
from committee.models import Action, AgendaItem, ItemKind, Meeting
from governance.models import Side, User
from intake import selectors as intake_selectors
from intake.models import ITReview
from intake.states import State
from inventory.selectors import long_date, renewals_due
from projects import access
from projects.models import Project, ProjectStatus
from projects.registry import CalendarEvent
from raci.going_alone import going_alone_label
from scorecards import selectors as scorecard_selectors

RENEWAL_DAYS = 90
DIGEST_DAYS = 7  # the digest lists open actions due within a week, and overdue ones
MY_WORK_LIMIT = 25
HEADINGS = {
    ItemKind.INTAKE: "Intake requests waiting for approval",
    ItemKind.PROJECT: "Projects needing attention",
    ItemKind.VENDOR: "Vendor decisions waiting for a signature",
    ItemKind.RENEWAL: "Renewals due within 90 days",
    ItemKind.ACTION: "Open actions from earlier meetings",
}


# --- Members -------------------------------------------------------------------------------------------


@dataclass
class Members:
    """The committee by side: members are active people an administrator put on the
    steering group (``access.is_committee_member``)."""

    marketing: list[User] = field(default_factory=list)
    it: list[User] = field(default_factory=list)
    other: list[User] = field(default_factory=list)

    @property
    def everyone(self) -> list[User]:
        return [*self.marketing, *self.it, *self.other]

    @property
    def missing_sides(self) -> list[str]:
        """The sides with nobody on the committee (a warning on the members page)."""
        return [
            label for label, people in ((Side.MARKETING.label, self.marketing), (Side.IT.label, self.it)) if not people
        ]


def member_queryset() -> QuerySet[User]:
    return User.objects.filter(is_active=True, on_steering_group=True).order_by("first_name", "last_name", "username")


def members() -> Members:
    """Every member, by side (one query)."""
    found = Members()
    for person in member_queryset():
        {Side.MARKETING: found.marketing, Side.IT: found.it}.get(person.side, found.other).append(person)
    return found


# --- Meetings ------------------------------------------------------------------------------------------


def meetings(viewer: User) -> QuerySet[Meeting]:
    """The meetings ``viewer`` may see (all of them for whoever may see the committee), latest first."""
    if not access.can_see_committee(viewer):
        return Meeting.objects.none()
    return Meeting.objects.all()


def meeting_for(viewer: User, pk: int) -> Meeting:
    """The meeting ``pk`` if ``viewer`` may see the committee; ``NotVisible`` (404) otherwise."""
    meeting = meetings(viewer).select_related("created_by", "agenda_generated_by", "minuted_by").filter(pk=pk).first()
    if meeting is None:
        raise access.NotVisible("No such meeting.")
    return meeting


def next_meeting(viewer: User) -> Meeting | None:
    """The first meeting not minuted that starts today or later (or the latest not minuted)."""
    upcoming = meetings(viewer).filter(minuted_at__isnull=True)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return upcoming.filter(starts_at__gte=today).order_by("starts_at", "pk").first() or upcoming.first()


@dataclass
class MeetingPage:
    meeting: Meeting
    attendees: list[User]
    items: list[AgendaItem]
    actions: list[Action]
    can_run: bool
    can_edit: bool  # a member, and the meeting not minuted yet
    viewer_id: int

    def items_of(self, kind: str) -> list[AgendaItem]:
        return [item for item in self.items if item.kind == kind]

    @property
    def sections(self) -> list[tuple[str, str, list[AgendaItem]]]:
        """(kind, heading, items) for every kind, in agenda order."""
        return [(kind.value, HEADINGS[kind], self.items_of(kind.value)) for kind in ItemKind]


def meeting_page(viewer: User, meeting: Meeting) -> MeetingPage:
    """The agenda, decisions and actions of ``meeting`` (a fixed number of queries)."""
    actions_qs = Action.objects.select_related("owner", "done_by").order_by("due", "pk")
    items = list(
        meeting.items.select_related("decided_by", "project", "intake_request", "action__owner")
        .prefetch_related(Prefetch("actions", queryset=actions_qs))
        .order_by("position")
    )
    can_run = access.can_run_committee(viewer)
    return MeetingPage(
        meeting=meeting,
        attendees=list(meeting.attendees.order_by("first_name", "last_name", "username")),
        items=items,
        actions=list(meeting.actions.select_related("owner", "done_by", "item").order_by("due", "pk")),
        can_run=can_run,
        can_edit=can_run and not meeting.is_minuted,
        viewer_id=viewer.pk,
    )


# --- The agenda as the portfolio stands now (committee.services.agenda_generate stores it) ---------------


@dataclass(frozen=True)
class Proposed:
    """One agenda item before it is stored."""

    kind: str
    source: str
    title: str
    detail: str = ""
    project_id: int | None = None
    intake_request_id: int | None = None
    tool_id: int | None = None
    action_id: int | None = None


def intake_items(viewer: User) -> list[Proposed]:
    """Requests in review whose review is done: waiting for an approver's decision (two queries)."""
    current = Prefetch("reviews", queryset=ITReview.objects.filter(is_current=True), to_attr="current")
    requests = (
        intake_selectors.visible_requests(viewer)
        .filter(state=State.IN_REVIEW)
        .select_related("requester")
        .prefetch_related(current)
        .order_by("created_at", "pk")
    )
    found = []
    for request in requests:
        if intake_selectors.approval_blockers(request, {review.kind: review for review in request.current}):
            continue
        detail = f"Asked by {request.requester.display_name}; budget: {request.get_budget_side_display()}."
        found.append(
            Proposed(ItemKind.INTAKE, f"intake:{request.pk}", request.title, detail, intake_request_id=request.pk)
        )
    return found


def project_reasons(project: Project, today: date, vendor, alignment) -> list[str]:
    """Why an active project needs the committee's attention, in words (the dashboard's reasons)."""
    figures = getattr(project, "figures", None)
    reasons = []
    if figures is not None and figures.steps_unowned:
        reasons.append(f"{figures.steps_unowned} step{'s' if figures.steps_unowned != 1 else ''} without an owner")
    if figures is not None and figures.next_due is not None and figures.next_due < today:
        reasons.append("a step is overdue")
    if vendor is not None and vendor.visible and vendor.flagged:
        which = "chosen" if vendor.chosen else "leading"
        reasons.append(f"the {which} vendor {vendor.name} is below the minimum on {', '.join(vendor.flagged)}")
    if alignment is not None and alignment.figures.big_gap:
        reasons.append(f"an alignment gap of {alignment.figures.gap:+.2f} levels between the sides")
    if figures is not None and (figures.marketing_going_alone or figures.it_going_alone):
        side = Side.MARKETING if figures.marketing_going_alone else Side.IT
        reasons.append(going_alone_label(side))
    return reasons


def project_items(viewer: User) -> list[Proposed]:
    """Active projects ``viewer`` may see with a reason for attention (four queries or so)."""
    projects = access.visible_projects(viewer).filter(status=ProjectStatus.ACTIVE).order_by()
    rows = list(projects.select_related("figures").order_by("name", "pk"))
    vendors = scorecard_selectors.portfolio_vendors(projects, viewer=viewer)
    alignments = latest_project_alignment(projects)
    today = timezone.localdate()
    found = []
    for project in rows:
        reasons = project_reasons(project, today, vendors.get(project.pk), alignments.get(project.pk))
        if reasons:
            detail = "; ".join(reasons)
            detail = detail[0].upper() + detail[1:] + "."
            found.append(
                Proposed(ItemKind.PROJECT, f"project:{project.pk}", project.name, detail, project_id=project.pk)
            )
    return found


def vendor_items(viewer: User) -> list[Proposed]:
    """Vendor decisions proposed and waiting for the sponsors' signatures
    (``scorecards.selectors.decisions_awaiting_signature``; one query)."""
    return [
        Proposed(
            ItemKind.VENDOR,
            f"vendor:{decision.pk}",
            f"{decision.scorecard.project.name}: {decision.candidate.name}",
            f"Proposed by {decision.decided_by.display_name}; waits for the sponsors' signatures.",
            project_id=decision.scorecard.project_id,
        )
        for decision in scorecard_selectors.decisions_awaiting_signature(viewer)
    ]


def renewal_items(viewer: User) -> list[Proposed]:
    """Tools of the stack renewing within 90 days (one query)."""
    return [
        Proposed(
            ItemKind.RENEWAL,
            f"tool:{tool.pk}",
            tool.name,
            f"Renews on {long_date(tool.renewal_date)}.",
            tool_id=tool.pk,
        )
        for tool in renewals_due(viewer, RENEWAL_DAYS)
    ]


def action_items(meeting: Meeting) -> list[Proposed]:
    """Open actions of earlier meetings: they come back until marked done (one query)."""
    earlier = (
        Action.objects.filter(done_at__isnull=True, meeting__starts_at__lt=meeting.starts_at)
        .exclude(meeting=meeting)
        .select_related("owner", "meeting")
        .order_by("due", "pk")
    )
    return [
        Proposed(
            ItemKind.ACTION,
            f"action:{action.pk}",
            action.description[:300],
            f"{action.owner.display_name}, due {long_date(action.due)} (from {action.meeting}).",
            project_id=action.project_id,
            action_id=action.pk,
        )
        for action in earlier
    ]


def proposed_agenda(viewer: User, meeting: Meeting) -> list[Proposed]:
    """What the agenda of ``meeting`` holds as the portfolio stands now, as ``viewer`` sees it."""
    return [
        *intake_items(viewer),
        *project_items(viewer),
        *vendor_items(viewer),
        *renewal_items(viewer),
        *action_items(meeting),
    ]


# --- Actions -------------------------------------------------------------------------------------------


def open_actions_of(person: User) -> QuerySet[Action]:
    """``person``'s open actions, soonest due first."""
    return (
        Action.objects.filter(owner=person, done_at__isnull=True)
        .select_related("meeting", "project")
        .order_by("due", "pk")
    )


def overdue_action_project_ids(today: date | None = None) -> QuerySet:
    """Ids of the projects with an open committee action past its due date (a reason for attention)."""
    today = today or timezone.localdate()
    return (
        Action.objects.filter(done_at__isnull=True, due__lt=today, project__isnull=False)
        .order_by()
        .values("project_id")
        .distinct()
    )


def my_work_part(viewer: User) -> dict | None:
    """My work: the viewer's open committee actions (None when there are none; one query)."""
    if not access.is_active_user(viewer):
        return None
    actions = list(open_actions_of(viewer)[: MY_WORK_LIMIT + 1])
    if not actions:
        return None
    today = timezone.localdate()
    for action in actions:
        action.overdue = action.due < today
    return {"actions": actions[:MY_WORK_LIMIT], "more": len(actions) > MY_WORK_LIMIT}


def digest_part(person: User) -> dict | None:
    """The digest's section: ``person``'s open actions due within a week or overdue (None: nothing)."""
    if not access.is_active_user(person):
        return None
    today = timezone.localdate()
    actions = list(open_actions_of(person).filter(due__lte=today + timedelta(days=DIGEST_DAYS)))
    if not actions:
        return None
    for action in actions:
        action.overdue = action.due < today
    return {"actions": actions, "my_work_url": settings.SITE_URL + reverse("my_work")}


def digest_recipients() -> list[int]:
    """Ids of the active people with an open action due within a week or overdue."""
    soon = timezone.localdate() + timedelta(days=DIGEST_DAYS)
    return list(
        Action.objects.filter(done_at__isnull=True, due__lte=soon, owner__is_active=True)
        .order_by()
        .values_list("owner_id", flat=True)
        .distinct()
    )


# --- The calendar feed -----------------------------------------------------------------------------------


def meeting_event(meeting: Meeting) -> CalendarEvent:
    end: datetime = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    return CalendarEvent(
        uid=f"committee-meeting-{meeting.pk}@tandem",
        summary=meeting.title,
        start=meeting.starts_at,
        end=end,
        url=meeting.get_absolute_url(),
        description="Steering committee meeting." + (f" Call: {meeting.call_link}" if meeting.call_link else ""),
        location=meeting.location or meeting.call_link,
    )


def calendar_events(viewer: User) -> list[CalendarEvent]:
    """Meetings the viewer attends or, as a member, runs (from 30 days ago) and the viewer's open actions."""
    if not access.is_active_user(viewer):
        return []
    since = timezone.now() - timedelta(days=30)
    shown = Meeting.objects.filter(starts_at__gte=since)
    if not access.is_committee_member(viewer):
        shown = shown.filter(attendees=viewer) if access.can_see_committee(viewer) else Meeting.objects.none()
    events = [meeting_event(meeting) for meeting in shown.order_by("starts_at", "pk").distinct()]
    for action in open_actions_of(viewer):
        events.append(
            CalendarEvent(
                uid=f"committee-action-{action.pk}@tandem",
                summary=f"Committee action due: {action.description[:80]}",
                start=action.due,
                url=reverse("my_work"),
                description=action.description,
            )
        )
    return events


def overdue_actions_count(today: date | None = None) -> Coalesce:
    """For a project (in a query over projects): how many open committee actions on it are past due."""
    today = today or timezone.localdate()
    overdue = (
        Action.objects.filter(project=OuterRef("pk"), done_at__isnull=True, due__lt=today)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(overdue, output_field=IntegerField()), 0)
