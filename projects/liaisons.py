"""Reading liaisons: who speaks for Marketing to IT, and for IT to Marketing.

A project's own liaison on a side stands in for the organization's; a project
without one falls back to the organization's (``liaisons_for``). A liaison who
is no longer active counts as nobody, so the fallback (or "nobody named")
shows instead of a person who left. The writes are in
``projects.liaison_services``.

The parts shown on other pages (the project page's sidebar card, My work,
the e-mail digest) are registered in ``projects.apps``.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Window

from governance.models import Side, User
from projects import access
from projects.models import Liaison, Project, ProjectStatus

SIDES = tuple(Side.values)
MY_WORK_PROJECTS = 25  # project names listed under one liaison before "and N more"


def _active(liaisons: QuerySet[Liaison]) -> QuerySet[Liaison]:
    return liaisons.filter(user__is_active=True).select_related("user")


def organization_liaisons() -> dict[str, User | None]:
    """The organization's active liaison per side (None: nobody named), one query."""
    found = {liaison.side: liaison.user for liaison in _active(Liaison.objects.filter(project__isnull=True))}
    return {side: found.get(side) for side in SIDES}


def liaisons_for(project: Project) -> dict[str, tuple[User, bool] | None]:
    """``{side: (person, is_fallback)}`` for ``project``, one query: its own liaison
    on a side, else the organization's (``is_fallback`` True), else None."""
    rows = _active(Liaison.objects.filter(Q(project=project) | Q(project__isnull=True)))
    own = {row.side: row.user for row in rows if row.project_id is not None}
    organization = {row.side: row.user for row in rows if row.project_id is None}
    result: dict[str, tuple[User, bool] | None] = {}
    for side in SIDES:
        if side in own:
            result[side] = (own[side], False)
        elif side in organization:
            result[side] = (organization[side], True)
        else:
            result[side] = None
    return result


def people_of_side(side: str) -> QuerySet[User]:
    """Who may be named ``side``'s liaison: active people of that side, by name."""
    return access.pickable_people().on_side(side)


# --- The project page's sidebar card --------------------------------------------------------


@dataclass(frozen=True)
class SideLiaison:
    side: str
    label: str
    person: User | None
    is_fallback: bool  # the organization's, standing in: the project named nobody of its own


def side_rows(found: dict[str, tuple[User, bool] | None]) -> list[SideLiaison]:
    """``liaisons_for``'s answer as rows, Marketing first."""
    rows = []
    for side in SIDES:
        person, fallback = found[side] or (None, False)
        rows.append(SideLiaison(side, Side(side).label, person, fallback))
    return rows


def sidebar_part(viewer: User, project: Project) -> dict:
    """The project page's "Liaisons" card (one query): each side's liaison, the project's
    own or the organization's; those who manage the project get a link to change them."""
    return {
        "sides": side_rows(liaisons_for(project)),
        "can_edit": access.can_name_project_liaisons(viewer, project),
        "project": project,
    }


# --- My work ----------------------------------------------------------------------------------


def member_projects(viewer: User) -> QuerySet[Project]:
    """The active projects ``viewer`` is a member of (owner, sponsor, IT lead, a RACI role)."""
    return Project.objects.member_of(viewer).filter(status=ProjectStatus.ACTIVE)


@dataclass
class Counterpart:
    """One liaison the viewer deals with, and on which of their projects (the first
    ``MY_WORK_PROJECTS`` by name, of ``total``)."""

    label: str
    person: User
    organization: bool  # the organization's (for every project without its own)
    projects: list[Project]
    total: int = 0

    @property
    def shown_projects(self) -> list[Project]:
        return self.projects[:MY_WORK_PROJECTS]

    @property
    def more(self) -> int:
        return max(0, self.total - MY_WORK_PROJECTS)


def my_work_part(viewer: User) -> dict | None:
    """My work: the liaisons of the other side on the viewer's projects ("Your liaisons"),
    and where the viewer is a liaison. People in neither side see both sides' liaisons. None
    when there is nothing to say: one query then (the reminder sweep asks for everyone it
    mails), and one more per side with an organization liaison, however many projects the
    viewer has (the first ``MY_WORK_PROJECTS`` are read, and counted)."""
    if not access.is_active_user(viewer):
        return None
    sides = [side for side in SIDES if side != viewer.side]
    mine = member_projects(viewer).values("pk")
    theirs = Q(side__in=sides, user__is_active=True) & (Q(project__isnull=True) | Q(project__in=mine))
    rows = list(Liaison.objects.filter(Q(user=viewer) | theirs).select_related("user", "project"))
    if not rows:
        return None
    held = sorted((r for r in rows if r.user_id == viewer.pk), key=lambda r: (r.project_id is not None, str(r.project)))
    counterparts = _counterparts(viewer, [r for r in rows if r.side in sides and r.user.is_active])
    if not held and not counterparts:
        return None
    return {"held": held, "counterparts": counterparts}


def _counterparts(viewer: User, rows: list[Liaison]) -> list[Counterpart]:
    """Each liaison of ``rows`` (the other side's, active) with the viewer's projects they speak
    for: a project's own liaison for it, the organization's for every other (one query a side)."""
    found: dict[tuple[str, int, bool], Counterpart] = {}
    for side in sorted({row.side for row in rows}):
        label = Side(side).label
        own = sorted((row for row in rows if row.side == side and row.project_id), key=lambda r: r.project.name)
        for row in own:
            counterpart = found.setdefault((side, row.user_id, False), Counterpart(label, row.user, False, []))
            counterpart.projects.append(row.project)
            counterpart.total += 1
        organization = next((row.user for row in rows if row.side == side and row.project_id is None), None)
        if organization is None:
            continue
        rest = (
            member_projects(viewer)
            .exclude(pk__in=[row.project_id for row in own])
            .annotate(total=Window(Count("pk")))
            .only("pk", "name", "slug")
            .order_by("name", "pk")[:MY_WORK_PROJECTS]
        )
        shown = list(rest)
        total = shown[0].total if shown else 0
        if shown or not own:  # the organization's speaks for some of the viewer's projects, or for all to come
            found[(side, organization.pk, True)] = Counterpart(label, organization, True, shown, total)
    return sorted(found.values(), key=lambda c: (c.label, not c.organization, c.person.display_name))


# --- The e-mail digest --------------------------------------------------------------------


def digest_part(person: User) -> dict | None:
    """The digest's line "your IT liaison is …": the liaisons of the other side on the
    person's projects (as on My work); None when nobody is named."""
    part = my_work_part(person)
    if part is None or not part["counterparts"]:
        return None
    return {"counterparts": part["counterparts"]}
