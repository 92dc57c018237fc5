"""Who may see and change a project: the one place that decides.

Every view, export, selector, service and task asks this module; every rule of
who may do what has a name here. The rules:

* nobody inactive (or anonymous) may do anything;
* a project is **visible** (``can_view``) to its members (owner, marketing
  sponsor, IT sponsor, IT lead, anyone holding a RACI role on one of its steps),
  to executives and to administrators; to anyone else it does not exist (404,
  so ids and slugs do not leak: ``NotVisible``);
* a visible project that the user may not change answers **403**
  (``PermissionDenied``);
* **manage** (``can_manage``: edit the project, plan its steps, its RACI matrix,
  its candidates, invite raters): owner, IT lead, sponsors, executives,
  administrators;
* **participate** (``can_participate``: rate vendors, answer a project round):
  members only, since a rating is a member's own evidence, not an executive's read;
* **step transitions** (``can_transition_step``): those who manage, plus the
  step's Accountable and Responsible people;
* **deciding the vendor** (``can_decide_vendor``): step 5's Accountable person or
  an executive propose (and withdraw) it; each side's sponsor signs their side
  (``can_sign_vendor_decision``); the budget owner's sponsor breaks a
  disagreement (``can_break_vendor_tie``);
* **creating a project** (``can_create_project``): anyone active, for
  themselves; for someone else, executives and administrators;
* **alignment rounds**: seen (``can_see_round``) by whoever may view the
  project, or for an organization round by executives, administrators, its
  opener and its invitees; opened (``can_open_round``) by executives and
  administrators, or for a project round by its managers; closed
  (``can_close_round``) by those or whoever opened it; answered
  (``can_answer_round``) by invitees, who for a project round must be members;
* **scorecard figures** (``can_see_scorecard_figures``, the blind rule): a
  candidate's figures stay hidden from a viewer until they submitted their own
  rating of it, except for executives and administrators;
* **releasing a held reminder run** (``can_release_reminder_run``): administrators;
* **editing the organization's responsibility framework** (``can_edit_framework``):
  executives and administrators.
* **the duties of the RACI letters** (``raci.duties``): accepting or declining
  being Accountable (``can_acknowledge``) only by the person asked; answering a
  consultation (``can_answer_consultation``) only by a Consulted person, for
  themselves; waiving it (``can_waive_consultation``) only by the step's
  Accountable person.
* **liaisons** (who speaks for Marketing to IT and the reverse): the
  organization's named by executives and administrators
  (``can_name_organization_liaisons``), a project's by those who manage it
  (``can_name_project_liaisons``).
* **intake requests** (not yet a project): submitted by anyone active
  (``can_submit_intake``); seen (``can_see_intake_request``) by
  their requester, reviewers, approvers, administrators and whoever may see the
  project an approval created, and to anyone else they do not exist (404);
  changed and withdrawn by their requester (``can_change_intake_request``);
  reviewed by IT (``can_review_intake``); approved, rejected or their review
  waived by executives, the steering group and administrators
  (``can_approve_intake``); nobody reviews or decides their own request.
* **the stack inventory** (not tied to a project): everyone active sees it
  (``can_view_inventory``); administrators, executives and the IT and Marketing
  Ops departments add, edit, retire and import tools (``can_manage_inventory``).
* **the steering committee** (not tied to a project): its members are the
  people an administrator put on the steering group; members, executives and
  administrators see its meetings (``can_see_committee``), only members run
  them: meetings, agendas, decisions, minutes, actions (``can_run_committee``);
  an action is marked done by its owner or a member (``can_complete_committee_action``).

Services call ``require`` with a rule's answer before they read or write
anything else: it raises ``NotVisible`` (a ``PermissionDenied`` that is also an
``Http404``, so Django answers 404) or ``PermissionDenied`` (403).
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from governance.models import Department, User
from projects.models import LifecycleStep, Project

# RACI role codes, read here by value so this layer never imports raci.
ACCOUNTABLE = "A"
RESPONSIBLE = "R"
VENDOR_STEP_KEY = "vendor"


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"
    PARTICIPATE = "participate"


class NotVisible(Http404, PermissionDenied):
    """Refused because the user may not even see the project.

    A ``PermissionDenied`` for callers that only ask "allowed or not", and an
    ``Http404`` for Django, which checks ``Http404`` first: a page answers 404,
    as if the project did not exist.
    """


def require(user: User, project: Project | None, allowed: bool, refusal: str) -> None:
    """Refuse ``user`` unless ``allowed`` (the answer of one of the rules below).

    Raises ``NotVisible`` (404) when ``user`` may not see ``project`` at all,
    whatever ``allowed`` says, and ``PermissionDenied`` (403) with ``refusal``
    when ``allowed`` is false. ``project`` is None for an action on no project
    (creating one, an organization round, a reminder run).
    """
    if project is not None and not can_view(user, project):
        raise NotVisible("No such project.")
    if not allowed:
        raise PermissionDenied(refusal)


def is_active_user(user: User) -> bool:
    """Only a signed-in, active person may do anything at all."""
    return bool(user.is_authenticated and user.is_active)


def visible_projects(user: User) -> QuerySet[Project]:
    """Every project ``user`` may see; the base of every project query.

    The same rule as ``can_view`` (``tests/test_visibility.py`` holds them together).
    """
    return Project.objects.visible_to(user)


def is_administrator(user: User) -> bool:
    """Staff and superusers, while active."""
    return is_active_user(user) and (user.is_staff or user.is_superuser)


def sees_everything(user: User) -> bool:
    """Administrators and executives see every project (but are not members of it)."""
    return is_administrator(user) or (is_active_user(user) and user.is_executive)


def _key_person_ids(project: Project) -> set[int]:
    return {
        pk
        for pk in (project.owner_id, project.marketing_sponsor_id, project.it_sponsor_id, project.it_lead_id)
        if pk is not None
    }


def is_member(user: User, project: Project) -> bool:
    """Owner, sponsors, IT lead, or anyone holding a RACI role on one of its steps; active only."""
    if not is_active_user(user):
        return False
    if user.pk in _key_person_ids(project):
        return True
    known = getattr(project, "_role_of", None)  # read with the project (get_project_or_404)
    if known is not None and known[0] == user.pk:
        return known[1]
    return LifecycleStep.objects.filter(project=project, assignments__user=user).exists()


def member_ids(project: Project) -> set[int]:
    """Ids of every member of ``project`` (one query), active or not."""
    ids = set(
        LifecycleStep.objects.filter(project=project, assignments__isnull=False).values_list(
            "assignments__user_id", flat=True
        )
    )
    return ids | _key_person_ids(project)


def can_view(user: User, project: Project) -> bool:
    """View: executives, administrators and members; to anyone else the project does not exist."""
    return sees_everything(user) or is_member(user, project)


def can_manage(user: User, project: Project) -> bool:
    """Manage (edit the project, plan steps, RACI matrix, candidates, invitations):
    owner, sponsors, IT lead, executives, administrators."""
    if not is_active_user(user):
        return False
    return sees_everything(user) or user.pk in _key_person_ids(project)


def can_participate(user: User, project: Project) -> bool:
    """Participate (rate vendors, answer a project round): members only, never by
    virtue of seeing everything."""
    return is_member(user, project)


def can(user: User, project: Project, action: Action) -> bool:
    if action == Action.VIEW:
        return can_view(user, project)
    if action == Action.MANAGE:
        return can_manage(user, project)
    if action == Action.PARTICIPATE:
        return can_participate(user, project)
    raise ValueError(f"Unknown action {action!r}")


def _holds_role(user: User, step: LifecycleStep, roles: tuple[str, ...]) -> bool:
    if not is_active_user(user):
        return False
    prefetched = getattr(step, "assignment_list", None)  # raci.selectors.steps_with_people
    if prefetched is not None:
        return any(a.user_id == user.pk and a.role in roles for a in prefetched)
    return step.assignments.filter(user=user, role__in=roles).exists()


def can_transition_step(user: User, step: LifecycleStep) -> bool:
    """Start, finish, block or reopen a step: those who manage the project, plus
    the step's Accountable and Responsible people."""
    return can_manage(user, step.project) or _holds_role(user, step, (ACCOUNTABLE, RESPONSIBLE))


# --- The duties of the RACI letters (raci.duties): plain values, so this layer imports no raci ---


def can_acknowledge(user: User, *, accountable_id: int | None) -> bool:
    """Accept or decline being Accountable for a step: only the person made Accountable,
    for themselves (nobody acknowledges for someone else, not even an administrator)."""
    return is_active_user(user) and accountable_id is not None and user.pk == accountable_id


def can_answer_consultation(user: User, *, consulted_ids: set[int]) -> bool:
    """Answer a step's consultation: only a person Consulted on that step, for themselves."""
    return is_active_user(user) and user.pk in consulted_ids


def can_waive_consultation(user: User, *, accountable_id: int | None) -> bool:
    """Waive a Consulted person's answer: only the step's Accountable person."""
    return is_active_user(user) and accountable_id is not None and user.pk == accountable_id


def can_decide_vendor(user: User, project: Project) -> bool:
    """Choose (or withdraw the choice of) the vendor: an executive or step 5's Accountable person."""
    if not is_active_user(user):
        return False
    if user.is_executive:
        return True
    step = project.steps.filter(key=VENDOR_STEP_KEY).first()
    return step is not None and _holds_role(user, step, (ACCOUNTABLE,))


def sponsor_id_of(project: Project, side: str) -> int | None:
    """The id of ``project``'s sponsor for ``side`` ("marketing" or "it"), or None when not named."""
    return {"marketing": project.marketing_sponsor_id, "it": project.it_sponsor_id}.get(side)


def can_sign_vendor_decision(user: User, project: Project, side: str) -> bool:
    """Sign ``side``'s position (agree, or disagree with a comment) on a proposed
    vendor decision: that side's sponsor of the project, while active; nobody
    signs for the other side."""
    return is_active_user(user) and user.pk is not None and user.pk == sponsor_id_of(project, side)


def can_break_vendor_tie(user: User, project: Project, *, disagreement: bool) -> bool:
    """Break a disagreement over a proposed vendor decision (the budget owner
    breaks ties): the sponsor of the project's budget-owner side, while active,
    and only when a sponsor disagrees."""
    budget_owner_id = sponsor_id_of(project, project.budget_owner_side)
    return disagreement and is_active_user(user) and user.pk is not None and user.pk == budget_owner_id


def can_create_project(user: User, *, owner: User | None = None) -> bool:
    """Create a project: anyone active, owned by themselves; owned by someone
    else only by an executive or an administrator."""
    if not is_active_user(user):
        return False
    return owner is None or owner.pk == user.pk or sees_everything(user)


def can_open_round(user: User, project: Project | None) -> bool:
    """Open an alignment round: executives and administrators open any round
    (an organization round only they); a project's managers open its rounds."""
    if project is None:
        return sees_everything(user)
    return can_manage(user, project)


def can_close_round(user: User, project: Project | None, *, opened_by_id: int | None) -> bool:
    """Close a round early: whoever opened it (while active), or anyone who may open such a round."""
    if is_active_user(user) and opened_by_id == user.pk:
        return True
    return can_open_round(user, project)


def can_answer_round(user: User, project: Project | None, *, invited: bool) -> bool:
    """Answer a round: invitees only; a project round's invitees must (still) be members."""
    if not (invited and is_active_user(user)):
        return False
    return project is None or can_participate(user, project)


def can_see_round(user: User, project: Project | None, *, opened_by_id: int | None, invited: bool) -> bool:
    """See an alignment round (and its results once closed): a project round, whoever
    may view the project; an organization round, executives, administrators, its
    opener and its invitees."""
    if project is not None:
        return can_view(user, project)
    return sees_everything(user) or (is_active_user(user) and (opened_by_id == user.pk or invited))


def can_see_scorecard_figures(user: User, *, has_submitted: bool) -> bool:
    """The blind rule: a candidate's scorecard figures show to executives and
    administrators, and to anyone else only once they submitted their own rating
    of that candidate (their judgement is formed before they see others').

    For a viewer who may see the project: callers read only visible projects.
    """
    return sees_everything(user) or (is_active_user(user) and has_submitted)


def can_release_reminder_run(user: User) -> bool:
    """Only an administrator lets a held reminder run go ahead."""
    return is_administrator(user)


# --- The organization's responsibility framework (raci.framework) ---------------------------


def can_edit_framework(user: User) -> bool:
    """Edit the organization's default RACI and name its Marketing Ops and IT
    security people: active executives and administrators."""
    return sees_everything(user)


# --- Liaisons (projects.liaison_services) ------------------------------------------------


def can_name_organization_liaisons(user: User) -> bool:
    """Name or clear the organization's Marketing and IT liaisons: active executives and administrators."""
    return sees_everything(user)


def can_name_project_liaisons(user: User, project: Project) -> bool:
    """Name or clear a project's own liaisons (standing in for the organization's): those who manage it."""
    return can_manage(user, project)


def get_project_or_404(user: User, slug: str, action: Action = Action.VIEW) -> Project:
    """The project ``slug`` if ``user`` may do ``action`` on it.

    Raises ``NotVisible`` (404) when the user may not see it (whether or not it
    exists) and PermissionDenied (403) when they may see it but not do ``action``.
    """
    # One project by its slug, and whether the user holds a role on it, in one query: the rule
    # of ``can_view`` for this one project, instead of every project the user may see
    # (``visible_projects``, a union over all their roles) narrowed to it.
    holds_role = LifecycleStep.objects.filter(project=OuterRef("pk"), assignments__user_id=user.pk)
    project = (
        Project.objects.select_related("owner", "marketing_sponsor", "it_sponsor", "it_lead")
        .annotate(viewer_holds_role=Exists(holds_role))
        .filter(slug=slug)
        .first()
    )
    if project is not None:
        project._role_of = (user.pk, project.viewer_holds_role)  # is_member reads it for this user
    if project is None or not can_view(user, project):
        raise NotVisible("No such project.")
    if action != Action.VIEW and not can(user, project, action):
        raise PermissionDenied("You can see this project but not change it.")
    return project


def get_step_or_404(project: Project, number: int) -> LifecycleStep:
    step = project.steps.filter(number=number).first()
    if step is None:
        raise Http404("No such step.")
    return step


def pickable_people() -> QuerySet[User]:
    """People who may be picked in any people dropdown: active users, by name."""
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


# --- Intake: requests for new tools and projects (intake app) ---------------------------
# The rules take plain values (the requester's id, the project an approval
# created), so this layer never imports intake. Four eyes: whoever asked for a
# tool never checks it (the IT review) nor decides on it (approval, rejection,
# waiving the review), administrators included; there are always other
# reviewers and approvers, and the request then waits for one of them.


def _not_own_request(user: User, requester_id: int | None) -> bool:
    return requester_id is None or user.pk != requester_id


def can_submit_intake(user: User) -> bool:
    """Submit a request for a new tool or project: anyone active."""
    return is_active_user(user)


def can_review_intake(user: User, *, requester_id: int | None = None) -> bool:
    """Record an IT review of a request (security and privacy, integration and
    overlap), start its review, ask for information, mark it a duplicate: active
    people of the IT department and administrators, never on their own request."""
    if not is_active_user(user):
        return False
    is_reviewer = is_administrator(user) or user.department == Department.IT
    return is_reviewer and _not_own_request(user, requester_id)


def can_approve_intake(user: User, *, requester_id: int | None = None) -> bool:
    """Approve or reject a request, waive its integration review, and do what
    reviewers do short of recording the IT review: active executives, members of
    the steering group an administrator names, and administrators, never on
    their own request."""
    if not is_active_user(user):
        return False
    is_approver = is_administrator(user) or user.is_executive or user.on_steering_group
    return is_approver and _not_own_request(user, requester_id)


def can_see_intake_request(user: User, *, requester_id: int, project: Project | None = None) -> bool:
    """See a request: its requester, every reviewer and approver (seeing them
    all is their job), administrators, and whoever may see the project its
    approval created; to anyone else it does not exist."""
    if not is_active_user(user):
        return False
    if user.pk == requester_id or can_review_intake(user) or can_approve_intake(user):
        return True
    return project is not None and can_view(user, project)


def can_change_intake_request(user: User, *, requester_id: int) -> bool:
    """Edit, resubmit or withdraw a request: its requester, while active."""
    return is_active_user(user) and user.pk == requester_id


def require_intake(user: User, visible: bool, allowed: bool, refusal: str) -> None:
    """``require`` for a request: ``NotVisible`` (404) when ``visible`` (the
    answer of ``can_see_intake_request``) is false, else ``PermissionDenied``
    with ``refusal`` when ``allowed`` is false."""
    if not visible:
        raise NotVisible("No such request.")
    if not allowed:
        raise PermissionDenied(refusal)


# --- The stack inventory (inventory app) -----------------------------------------------

INVENTORY_DEPARTMENTS = (Department.IT, Department.MARKETING_OPS)


def can_view_inventory(user: User) -> bool:
    """See the stack inventory (tools, costs, renewals): everyone active."""
    return is_active_user(user)


def can_manage_inventory(user: User) -> bool:
    """Add, edit, retire and import tools of the stack: active administrators,
    executives, and people in the IT or Marketing Ops departments (who run the stack)."""
    if not is_active_user(user):
        return False
    return is_administrator(user) or user.is_executive or user.department in INVENTORY_DEPARTMENTS


# --- The steering committee (committee app) -----------------------------------------------


def is_committee_member(user: User) -> bool:
    """A member of the steering committee: active, and put on the steering group by an administrator."""
    return is_active_user(user) and bool(user.on_steering_group)


def can_see_committee(user: User) -> bool:
    """See the committee's meetings, agendas and minutes: its members, executives and administrators."""
    return is_committee_member(user) or sees_everything(user)


def can_run_committee(user: User) -> bool:
    """Create and edit meetings, generate agendas, decide items, write minutes, assign actions:
    members only (an executive or an administrator who is not on the steering group reads)."""
    return is_committee_member(user)


def can_complete_committee_action(user: User, *, owner_id: int) -> bool:
    """Mark a committee action done (or open again): its owner, or a member of the committee."""
    return is_active_user(user) and (user.pk == owner_id or is_committee_member(user))


# --- Webhooks, Slack and Teams (integrations app) ------------------------------------------


def can_manage_integrations(user: User, project: Project | None) -> bool:
    """Subscribe a URL or a chat channel to events, see its secret's owner page and
    delivery log, send a delivery again: for a project, those who manage it
    (``can_manage``); for the whole organization, administrators only."""
    if project is None:
        return is_administrator(user)
    return can_manage(user, project)


def require_committee(user: User, visible: bool, allowed: bool, refusal: str) -> None:
    """``require`` for the committee: ``NotVisible`` (404) when ``visible`` (usually
    ``can_see_committee``) is false, else ``PermissionDenied`` with ``refusal``."""
    if not visible:
        raise NotVisible("No such meeting.")
    if not allowed:
        raise PermissionDenied(refusal)
