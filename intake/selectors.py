"""Intake reads: which requests a person may see, what waits for them, what blocks an approval.

Every read takes the viewer and shows only what ``projects.access`` lets them
see (``visible_requests`` is the same rule as ``access.can_see_intake_request``;
a test holds the two together).
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from governance.models import User
from intake.models import (
    AppliesTo,
    IntakeRequest,
    ITReview,
    Outcome,
    RequestEvent,
    ReviewAnswer,
    ReviewCheck,
    ReviewKind,
)
from intake.states import APPROVER, OPEN_STATES, REQUESTER, REVIEWER, State, moves_for
from inventory.selectors import overlaps as inventory_overlaps
from projects import access
from projects.lifecycle import LIFECYCLE
from projects.models import Project
from projects.selectors import LogEntry
from raci.framework import plan_for_people
from raci.models import FrameworkRole, Role


def visible_requests(viewer: User) -> QuerySet[IntakeRequest]:
    """Every request ``viewer`` may see (``access.can_see_intake_request``)."""
    if not access.is_active_user(viewer):
        return IntakeRequest.objects.none()
    if access.can_review_intake(viewer) or access.can_approve_intake(viewer):
        return IntakeRequest.objects.all()
    return IntakeRequest.objects.filter(Q(requester=viewer) | Q(project__in=access.visible_projects(viewer)))


def can_see(viewer: User, request: IntakeRequest) -> bool:
    return access.can_see_intake_request(viewer, requester_id=request.requester_id, project=request.project)


def request_for(viewer: User, pk: int) -> IntakeRequest:
    """The request ``pk`` if ``viewer`` may see it; ``NotVisible`` (404) otherwise, whether or not it exists."""
    request = (
        IntakeRequest.objects.select_related("category", "requester", "project", "duplicate_of", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if request is None or not can_see(viewer, request):
        raise access.NotVisible("No such request.")
    return request


# --- Reviews: which one a request needs, and what blocks its approval ------------------------------


def required_review(request: IntakeRequest) -> str:
    """The review a request needs before approval: security and privacy when it
    touches personal data (never waived), otherwise integration and overlap
    (which an approver may waive with a reason)."""
    return ReviewKind.SECURITY_PRIVACY if request.touches_personal_data else ReviewKind.INTEGRATION_OVERLAP


def current_reviews(request: IntakeRequest) -> dict[str, ITReview]:
    """The current review of each kind (the latest recorded), by kind (one query)."""
    return {review.kind: review for review in request.reviews.filter(is_current=True).select_related("reviewer")}


def approval_blockers(request: IntakeRequest, reviews: dict[str, ITReview] | None = None) -> list[str]:
    """Why the request cannot be approved as its reviews stand ([] when nothing blocks it)."""
    reviews = current_reviews(request) if reviews is None else reviews
    blockers = []
    needed = required_review(request)
    if needed == ReviewKind.SECURITY_PRIVACY and needed not in reviews:
        blockers.append(
            "It stores or processes personal data: someone in IT must record the security and privacy review first."
        )
    elif needed == ReviewKind.INTEGRATION_OVERLAP and needed not in reviews and request.waived_by_id is None:
        blockers.append(
            "IT has not recorded the integration and overlap review yet (an approver may waive it, with a reason)."
        )
    for review in reviews.values():
        if review.outcome == Outcome.REJECT:
            blockers.append(f"The {review.get_kind_display().lower()} recommends rejecting it.")
    return blockers


def checks_for(kind: str) -> list[ReviewCheck]:
    """The active checklist items of a review of ``kind``, in order."""
    return list(
        ReviewCheck.objects.filter(is_active=True, applies_to__in=[kind, AppliesTo.BOTH]).order_by("position", "key")
    )


def _with_review_flags(queryset: QuerySet[IntakeRequest]) -> QuerySet[IntakeRequest]:
    current = ITReview.objects.filter(request=OuterRef("pk"), is_current=True)
    return queryset.annotate(
        has_security=Exists(current.filter(kind=ReviewKind.SECURITY_PRIVACY)),
        has_integration=Exists(current.filter(kind=ReviewKind.INTEGRATION_OVERLAP)),
        has_rejection=Exists(current.filter(outcome=Outcome.REJECT)),
    )


# The required review is recorded (or, without personal data, waived): the same
# rule as ``approval_blockers``' first part, for a queryset annotated by ``_with_review_flags``.
REVIEW_DONE = Q(touches_personal_data=True, has_security=True) | (
    Q(touches_personal_data=False) & (Q(has_integration=True) | Q(waived_by__isnull=False))
)


def waiting_condition(viewer: User) -> Q | None:
    """What waits for ``viewer`` (None: nothing can): for IT reviewers, open
    requests under review without their required review; for approvers, requests
    in review whose review is done; for a requester, their requests needing
    information. Never a reviewer's or an approver's own request."""
    if not access.is_active_user(viewer):
        return None
    parts = [Q(requester=viewer, state=State.NEEDS_INFORMATION)]
    if access.can_review_intake(viewer):
        parts.append(Q(state__in=[State.SUBMITTED, State.IN_REVIEW]) & ~REVIEW_DONE & ~Q(requester=viewer))
    if access.can_approve_intake(viewer):
        parts.append(Q(state=State.IN_REVIEW) & REVIEW_DONE & ~Q(requester=viewer))
    return reduce(or_, parts)


def waiting_for(viewer: User) -> QuerySet[IntakeRequest]:
    """The requests waiting for ``viewer``'s review, approval or answer, oldest first.

    Not narrowed by ``visible_requests``: every part of ``waiting_condition`` is a
    request the viewer sees already (their own, or any for a reviewer or an
    approver), and the projects they may see would add a read of the portfolio
    to a query that reads a handful of requests.
    """
    condition = waiting_condition(viewer)
    if condition is None:
        return IntakeRequest.objects.none()
    return (
        _with_review_flags(IntakeRequest.objects.all())
        .filter(condition)
        .select_related("category", "requester")
        .order_by("created_at", "pk")
    )


# --- The list -------------------------------------------------------------------------------------------


def request_list(viewer: User, *, state="", category=None, side="", touches=None, waiting=False):
    """The requests ``viewer`` may see, narrowed by the filters, newest first, with
    the review flags; and the count per state of the same requests before the
    state filter (two queries, however many requests)."""
    base = _with_review_flags(visible_requests(viewer))
    if category is not None:
        base = base.filter(category=category)
    if side:
        base = base.filter(budget_side=side)
    if touches is not None:
        base = base.filter(touches_personal_data=touches)
    if waiting:
        condition = waiting_condition(viewer)
        base = base.filter(condition) if condition is not None else base.none()
    counts = dict(base.order_by().values_list("state").annotate(n=Count("pk")))
    shown = base.filter(state=state) if state else base
    shown = shown.select_related("category", "requester").order_by("-created_at", "-pk")
    return shown, {s: counts.get(s, 0) for s in State.values}


# --- One request's page ---------------------------------------------------------------------------------


@dataclass
class RequestPage:
    """Everything a request's page shows, read for one viewer."""

    request: IntakeRequest
    events: list[RequestEvent]
    reviews: list[ITReview]  # every review, current and superseded, oldest first, with their answers
    current: dict[str, ITReview]
    replaces: list
    overlaps: list
    blockers: list[str]
    required: str
    moves: list = field(default_factory=list)  # states.Move the viewer may make now
    may_edit: bool = False
    may_review: bool = False
    may_approve: bool = False
    may_waive: bool = False


def roles_of(viewer: User, request: IntakeRequest) -> set[str]:
    """The viewer's roles towards the request (states.REQUESTER, REVIEWER, APPROVER)."""
    roles = set()
    if access.can_change_intake_request(viewer, requester_id=request.requester_id):
        roles.add(REQUESTER)
    if access.can_review_intake(viewer, requester_id=request.requester_id):
        roles.add(REVIEWER)
    if access.can_approve_intake(viewer, requester_id=request.requester_id):
        roles.add(APPROVER)
    return roles


def request_page(viewer: User, request: IntakeRequest) -> RequestPage:
    """The request's timeline, reviews, overlaps and what ``viewer`` may do now (a fixed number of queries)."""
    events = list(request.events.select_related("actor").order_by("at", "pk"))
    reviews = list(
        request.reviews.select_related("reviewer")
        .prefetch_related(Prefetch("answers", queryset=ReviewAnswer.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    current = {r.kind: r for r in reviews if r.is_current}
    replaces = list(request.replaces.select_related("category").order_by("name"))
    roles = roles_of(viewer, request)
    is_open = request.state in OPEN_STATES
    needs_waiver = not request.touches_personal_data and ReviewKind.INTEGRATION_OVERLAP not in current
    return RequestPage(
        request=request,
        events=events,
        reviews=reviews,
        current=current,
        replaces=replaces,
        overlaps=inventory_overlaps(category=request.category, replaces=replaces),
        blockers=approval_blockers(request, current),
        required=required_review(request),
        moves=[m for m in moves_for(request.state, roles) if m.to_state != State.APPROVED],
        may_edit=REQUESTER in roles and request.state in (State.SUBMITTED, State.NEEDS_INFORMATION),
        may_review=REVIEWER in roles and request.state in (State.SUBMITTED, State.IN_REVIEW),
        may_approve=APPROVER in roles and request.state == State.IN_REVIEW,
        may_waive=APPROVER in roles
        and is_open
        and request.state != State.NEEDS_INFORMATION
        and needs_waiver
        and request.waived_by_id is None,
    )


DUPLICATE_CHOICES = 200


def duplicate_choices(viewer: User, request: IntakeRequest) -> QuerySet[IntakeRequest]:
    """Requests this one may be marked a duplicate of: any other the viewer sees that is not a duplicate itself
    (the page offers the latest ``DUPLICATE_CHOICES``; any of them is accepted)."""
    return visible_requests(viewer).exclude(pk=request.pk).exclude(state=State.DUPLICATE).order_by("-created_at")


# --- Parts shown on other apps' pages (projects.registry) -----------------------------------------------


def my_work_part(viewer: User) -> dict | None:
    """My work: requests waiting for the viewer (None when nothing waits)."""
    waiting = list(waiting_for(viewer)[:26])
    if not waiting:
        return None
    for request in waiting:
        request.waiting_as = _waiting_as(viewer, request)
    return {"requests": waiting[:25], "more": len(waiting) > 25}


def _waiting_as(viewer: User, request: IntakeRequest) -> str:
    if request.requester_id == viewer.pk:
        return "Add the information asked for"
    if request.state == State.IN_REVIEW and _review_done(request) and access.can_approve_intake(viewer):
        return "Decide: approve or reject"
    return "Record the IT review"


def _review_done(request: IntakeRequest) -> bool:
    if request.touches_personal_data:
        return request.has_security
    return request.has_integration or request.waived_by_id is not None


def tile_part(viewer: User) -> dict | None:
    """The dashboard tile: how many requests wait for the viewer's review or
    approval; shown to reviewers and approvers only."""
    if not (access.can_review_intake(viewer) or access.can_approve_intake(viewer)):
        return None
    return {"count": waiting_for(viewer).count()}


def sidebar_part(viewer: User, project: Project) -> dict | None:
    """The project page's card: the request the project came from, its approval and
    reviews; without one, "No intake request" for executives and administrators."""
    request = (
        IntakeRequest.objects.filter(project=project)
        .select_related("requester", "decided_by", "waived_by")
        .prefetch_related(
            Prefetch("reviews", queryset=ITReview.objects.filter(is_current=True).select_related("reviewer"))
        )
        .first()
    )
    if request is None:
        return {"request": None} if access.sees_everything(viewer) else None
    reviews = list(request.reviews.all())
    return {"request": request, "reviews": reviews, "linked": can_see(viewer, request)}


def decision_log(project: Project) -> list[LogEntry]:
    """The project's intake record as decision-log entries: each IT review
    recorded, a waived review and the approval (two queries; one, giving [],
    for a project created without a request)."""
    request = IntakeRequest.objects.filter(project=project).select_related("decided_by", "waived_by").first()
    if request is None:
        return []
    entries = []
    for review in request.reviews.select_related("reviewer").order_by("created_at", "pk"):
        detail = " ".join(p for p in (review.conditions and f"Conditions: {review.conditions}", review.notes) if p)
        what = f"Intake: {review.get_kind_display().lower()}, {review.get_outcome_display().lower()}"
        entries.append(LogEntry(review.created_at, review.reviewer, what, detail))
    if request.waived_by_id is not None:
        entries.append(
            LogEntry(request.waived_at, request.waived_by, "Intake: integration review waived", request.waiver_reason)
        )
    if request.decided_at is not None:
        what = f"Intake request “{request.title}” approved: project created"
        entries.append(LogEntry(request.decided_at, request.decided_by, what, request.decision_note))
    return entries


# --- The approval's preview: who gets which role on which step ------------------------------------------


@dataclass
class PreviewStep:
    number: int
    name: str
    letters: dict[str, list[str]]  # RACI letter -> "Name (framework role)", in the framework's order

    @property
    def accountable(self) -> list[str]:
        return self.letters.get(Role.ACCOUNTABLE, [])


def approval_preview(people: dict[str, User | None]) -> list[PreviewStep]:
    """The RACI matrix the framework would give a project with ``people`` (owner,
    marketing_sponsor, it_sponsor, it_lead; None for someone not chosen yet), step
    by step (``raci.framework.plan_for_people``; two queries)."""
    planned = plan_for_people(dict(people))
    steps = [PreviewStep(t.number, t.name, {letter: [] for letter in Role.values}) for t in LIFECYCLE]
    by_number = {step.number: step for step in steps}
    for cell in planned:
        step = by_number.get(cell.step_number)
        if step is not None:
            role = FrameworkRole(cell.framework_role).label if cell.framework_role in FrameworkRole.values else ""
            step.letters[cell.letter].append(f"{cell.user.display_name} ({role})" if role else cell.user.display_name)
    return steps
