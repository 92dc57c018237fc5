"""Who may see and change a project: the one place that decides.

Every view, export, selector and task asks this module. The rules (DESIGN.md):

* a project is **visible** to its members (owner, marketing sponsor, IT sponsor,
  IT lead, anyone holding a RACI role on one of its steps), to executives and to
  administrators; to anyone else it does not exist (404, so ids and slugs do not
  leak);
* a visible project that the user may not change answers **403**;
* **manage** (edit the project, its RACI matrix, its candidates, invite raters,
  open an alignment round for it): owner, IT lead, sponsors, executives,
  administrators;
* **participate** (rate vendors, answer a project round): members only, since a
  rating is a member's own evidence, not an executive's read;
* **step transitions**: those who manage, plus the step's Accountable and
  Responsible people;
* **deciding the vendor**: step 5's Accountable person or an executive.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from governance.models import User
from projects.models import LifecycleStep, Project

# RACI role codes, read here by value so this layer never imports raci.
ACCOUNTABLE = "A"
RESPONSIBLE = "R"
VENDOR_STEP_KEY = "vendor"


class Action(StrEnum):
    VIEW = "view"
    MANAGE = "manage"
    PARTICIPATE = "participate"


def visible_projects(user: User) -> QuerySet[Project]:
    """Every project ``user`` may see; the base of every project query."""
    return Project.objects.visible_to(user)


def is_administrator(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)


def sees_everything(user: User) -> bool:
    return is_administrator(user) or (user.is_authenticated and user.is_active and user.is_executive)


def _key_person_ids(project: Project) -> set[int]:
    return {
        pk
        for pk in (project.owner_id, project.marketing_sponsor_id, project.it_sponsor_id, project.it_lead_id)
        if pk is not None
    }


def is_member(user: User, project: Project) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk in _key_person_ids(project):
        return True
    return LifecycleStep.objects.filter(project=project, assignments__user=user).exists()


def member_ids(project: Project) -> set[int]:
    """Ids of every member of ``project`` (one query)."""
    ids = set(
        LifecycleStep.objects.filter(project=project, assignments__isnull=False).values_list(
            "assignments__user_id", flat=True
        )
    )
    return ids | _key_person_ids(project)


def can_view(user: User, project: Project) -> bool:
    return sees_everything(user) or is_member(user, project)


def can_manage(user: User, project: Project) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return sees_everything(user) or user.pk in _key_person_ids(project)


def can(user: User, project: Project, action: Action) -> bool:
    if action == Action.VIEW:
        return can_view(user, project)
    if action == Action.MANAGE:
        return can_manage(user, project)
    if action == Action.PARTICIPATE:
        return is_member(user, project)
    raise ValueError(f"Unknown action {action!r}")


def _holds_role(user: User, step: LifecycleStep, roles: tuple[str, ...]) -> bool:
    prefetched = getattr(step, "assignment_list", None)  # raci.selectors.steps_with_people
    if prefetched is not None:
        return any(a.user_id == user.pk and a.role in roles for a in prefetched)
    return step.assignments.filter(user=user, role__in=roles).exists()


def can_transition_step(user: User, step: LifecycleStep) -> bool:
    return can_manage(user, step.project) or _holds_role(user, step, (ACCOUNTABLE, RESPONSIBLE))


def can_decide_vendor(user: User, project: Project) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_executive:
        return True
    step = project.steps.filter(key=VENDOR_STEP_KEY).first()
    return step is not None and _holds_role(user, step, (ACCOUNTABLE,))


def get_project_or_404(user: User, slug: str, action: Action = Action.VIEW) -> Project:
    """The project ``slug`` if ``user`` may do ``action`` on it.

    Raises Http404 when the user may not see it (whether or not it exists) and
    PermissionDenied (403) when they may see it but not do ``action``.
    """
    project = (
        visible_projects(user)
        .select_related("owner", "marketing_sponsor", "it_sponsor", "it_lead")
        .filter(slug=slug)
        .first()
    )
    if project is None:
        raise Http404("No such project.")
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


def can_release_reminder_run(user: User) -> bool:
    """Only an administrator lets a held reminder run go ahead."""
    return is_administrator(user)
