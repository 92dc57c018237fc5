"""The organization's responsibility framework: reads and pure planning.

The framework is a default RACI: for each of the ten steps, which project role
(owner, sponsors, IT lead, and the organization's named Marketing Ops and IT
security people) is Responsible, Accountable, Consulted or Informed. This
module reads it (one query each) and turns it into cells of a project's
matrix:

* ``plan_for_people(people)``: who gets which letter on which step, for the
  people given by framework role (one letter per person and step: the
  strongest, A > R > C > I); ``plan(people)`` also reports what could not be
  planned (nobody named, or no longer active);
* ``preview_apply(project)``: what applying the framework to a project would
  add, what already matches and where a role set by hand differs (kept by
  default, replaced with ``replace=True``); ``ApplyPreview.rows`` is what
  ``raci.services.matrix_save`` is given;
* ``departures(project)``: where a project's matrix departs from the framework,
  in plain words per step.

The writes are in ``raci.framework_services``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format

from governance.models import User
from projects.access import can_manage
from projects.lifecycle import LIFECYCLE, SuggestedSide
from projects.models import Project
from raci.models import (
    FrameworkEntry,
    FrameworkRevision,
    FrameworkRole,
    OrganizationPost,
    OrganizationRole,
    RaciAssignment,
    Role,
)
from raci.selectors import matrix_version

# A > R > C > I: when two framework roles are one person on a step, the strongest letter wins.
STRENGTH = {Role.ACCOUNTABLE: 0, Role.RESPONSIBLE: 1, Role.CONSULTED: 2, Role.INFORMED: 3}
PROJECT_ROLES = (FrameworkRole.OWNER, FrameworkRole.MARKETING_SPONSOR, FrameworkRole.IT_SPONSOR, FrameworkRole.IT_LEAD)
ORGANIZATION_ROLES = tuple(OrganizationPost.values)
STEP_NAMES = {step.number: step.name for step in LIFECYCLE}

Letters = dict[tuple[int, str], str]  # (step number, framework role) -> letter


class Planned(NamedTuple):
    """One cell a project's matrix gets from the framework."""

    step_number: int
    user: User
    letter: str
    framework_role: str


@dataclass(frozen=True)
class Gap:
    """A framework cell that could not be planned: nobody holds the role, or they left."""

    step_number: int
    framework_role: str
    letter: str
    reason: str

    @property
    def text(self) -> str:
        if self.letter == Role.ACCOUNTABLE:
            return f"Step {self.step_number} would have no Accountable: {self.reason}."
        return f"Step {self.step_number}: no {Role(self.letter).label.lower()} {role_label(self.framework_role)}: {self.reason}."


@dataclass
class Plan:
    planned: list[Planned]
    gaps: list[Gap]

    @property
    def accountable_gaps(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.letter == Role.ACCOUNTABLE]


def role_label(framework_role: str) -> str:
    """A framework role as a sentence says it: "IT lead", "project owner", "Marketing Ops"."""
    label = FrameworkRole(framework_role).label
    return label if framework_role in ORGANIZATION_ROLES or label.startswith("IT") else label.lower()


# --- Reads ---------------------------------------------------------------------------------


def framework_letters() -> Letters:
    """The framework as ``{(step number, framework role): letter}`` (one query)."""
    return {(n, r): letter for n, r, letter in FrameworkEntry.objects.values_list("step_number", "role", "letter")}


def organization_people() -> dict[str, User | None]:
    """The organization's named people by framework role (None: nobody named; one query)."""
    people: dict[str, User | None] = dict.fromkeys(ORGANIZATION_ROLES)
    for post in OrganizationRole.objects.select_related("user"):
        people[post.role] = post.user
    return people


def framework_version() -> int:
    """The framework's version: the number of its latest save (0 before any; one query)."""
    return FrameworkRevision.objects.aggregate(latest=Max("number"))["latest"] or 0


def revision_lines(revisions) -> list[str]:
    """Each revision's changes, one line each: who, when, what."""
    lines = []
    for revision in revisions:
        who = revision.saved_by.display_name if revision.saved_by else "Someone"
        when = date_format(timezone.localtime(revision.saved_at), "j M Y H:i")
        lines += [f"{who}, {when}: {change}" for change in revision.changes]
    return lines


def framework_changes_since(version: int) -> list[str]:
    """What changed in the framework after ``version``, oldest first (one query)."""
    revisions = FrameworkRevision.objects.filter(number__gt=version).select_related("saved_by").order_by("number")
    return revision_lines(revisions)


def project_people(project: Project) -> dict[str, User | None]:
    """The project's people by framework role (owner, sponsors, IT lead)."""
    return {
        FrameworkRole.OWNER: project.owner,
        FrameworkRole.MARKETING_SPONSOR: project.marketing_sponsor,
        FrameworkRole.IT_SPONSOR: project.it_sponsor,
        FrameworkRole.IT_LEAD: project.it_lead,
    }


# --- Planning ------------------------------------------------------------------------------


def plan_for_people(people: dict[str, User | None]) -> list[Planned]:
    """The cells the framework gives ``people`` (keys: ``FrameworkRole`` values).

    The organization's Marketing Ops and IT security people are filled in from
    ``OrganizationRole`` when ``people`` gives none. One letter per person and
    step: the strongest (A > R > C > I) of the roles they hold. Missing and
    inactive people are skipped (``plan`` says which). Two queries.
    """
    return plan(people).planned


def plan(people: dict[str, User | None], *, letters: Letters | None = None, organization: dict | None = None) -> Plan:
    """``plan_for_people`` with what could not be planned (``Plan.gaps``)."""
    letters = framework_letters() if letters is None else letters
    if any(people.get(role) is None for role in ORGANIZATION_ROLES):
        organization = organization_people() if organization is None else organization
        people = {**{r: organization.get(r) for r in ORGANIZATION_ROLES}, **_given(people)}
    best: dict[tuple[int, int], Planned] = {}
    gaps: list[Gap] = []
    order = {role: index for index, role in enumerate(FrameworkRole.values)}
    for (number, role), letter in sorted(letters.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))):
        user = people.get(role)
        reason = _unplannable(role, user)
        if reason:
            gaps.append(Gap(number, role, letter, reason))
            continue
        cell = Planned(number, user, letter, role)
        held = best.get((number, user.pk))
        if held is None or STRENGTH[letter] < STRENGTH[held.letter]:
            best[(number, user.pk)] = cell
    planned = sorted(best.values(), key=lambda p: (p.step_number, STRENGTH[p.letter], order[p.framework_role]))
    return Plan(planned, gaps)


def _given(people: dict[str, User | None]) -> dict[str, User | None]:
    return {role: user for role, user in people.items() if user is not None}


def _unplannable(role: str, user: User | None) -> str:
    if user is None:
        where = "for the organization" if role in ORGANIZATION_ROLES else "for the project"
        return f"no {role_label(role)} named {where}"
    if not user.is_active:
        return f"{user.display_name} ({role_label(role)}) is no longer active"
    return ""


# --- A project against the framework -------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A planned cell compared with the project's matrix.

    ``current`` is the person's letter on the step now ("" for none);
    ``holder`` the other person Accountable on the step when the framework
    gives A to ``planned.user`` (None otherwise).
    """

    planned: Planned
    step_id: int
    current: str
    holder: User | None = None

    @property
    def step_number(self) -> int:
        return self.planned.step_number

    @property
    def step_name(self) -> str:
        return STEP_NAMES.get(self.step_number, "")

    @property
    def user(self) -> User:
        return self.planned.user

    @property
    def letter(self) -> str:
        return self.planned.letter

    @property
    def letter_label(self) -> str:
        return Role(self.letter).label

    @property
    def who(self) -> str:
        return f"{self.user.display_name} ({role_label(self.planned.framework_role)})"

    @property
    def matches(self) -> bool:
        return self.current == self.letter

    @property
    def is_conflict(self) -> bool:
        """The person holds another letter, or someone else is Accountable where the framework names them."""
        return not self.matches and (bool(self.current) or self.holder is not None)

    def kept_text(self) -> str:
        """A conflict, as the preview says it when the hand-set role is kept."""
        parts = []
        if self.current:
            parts.append(f"{self.who} stays {Role(self.current).label}")
        if self.holder is not None:
            parts.append(f"{self.holder.display_name} stays Accountable")
        return f"{', and '.join(parts)}; the framework says {self.who} is {self.letter_label}."

    def replaced_text(self) -> str:
        """A conflict, as the preview says it when the framework wins."""
        parts = []
        if self.current:
            parts.append(f"{self.who}: {Role(self.current).label} → {self.letter_label}")
        else:
            parts.append(f"{self.who} becomes {self.letter_label}")
        if self.holder is not None:
            parts.append(f"{self.holder.display_name} loses their Accountable role")
        return "; ".join(parts) + "."


@dataclass
class Comparison:
    """The framework's plan for a project next to the project's matrix."""

    project: Project
    version: int  # the matrix version the comparison was read at
    steps: dict[int, int]  # step number -> step id
    cells: list[Cell]
    gaps: list[Gap]
    accountable: dict[int, User]  # step number -> the person Accountable now
    framework_accountable: dict[int, str]  # step number -> the framework role given A


def compare(project: Project, *, letters: Letters | None = None, read_version: bool = True) -> Comparison:
    """Read the project's matrix and the framework's plan for it (five queries;
    less ``letters`` when given, less the version without ``read_version``)."""
    # The version first: a later save makes the comparison stale, never silently old.
    version = matrix_version(project) if read_version else 0
    steps = dict(project.steps.values_list("number", "pk"))
    assignments = RaciAssignment.objects.filter(step__project=project).select_related("user", "step")
    current: dict[tuple[int, int], str] = {}
    accountable: dict[int, User] = {}
    for assignment in assignments:
        current[(assignment.user_id, assignment.step.number)] = assignment.role
        if assignment.role == Role.ACCOUNTABLE:
            accountable[assignment.step.number] = assignment.user
    letters = framework_letters() if letters is None else letters
    result = plan(project_people(project), letters=letters)
    cells = []
    for planned in result.planned:
        if planned.step_number not in steps:
            continue
        now = current.get((planned.user.pk, planned.step_number), "")
        holder = accountable.get(planned.step_number)
        other = holder if planned.letter == Role.ACCOUNTABLE and holder and holder.pk != planned.user.pk else None
        cells.append(Cell(planned, steps[planned.step_number], now, other))
    framework_accountable = {n: r for (n, r), letter in letters.items() if letter == Role.ACCOUNTABLE}
    return Comparison(project, version, steps, cells, result.gaps, accountable, framework_accountable)


@dataclass
class ApplyPreview:
    """What applying the framework to a project would do."""

    version: int  # the project's matrix version the preview was read at
    to_add: list[Cell] = field(default_factory=list)
    matching: list[Cell] = field(default_factory=list)
    conflicts: list[Cell] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    unowned_after: dict[bool, list[int]] = field(default_factory=dict)  # replace? -> steps with no A after

    @property
    def has_framework(self) -> bool:
        return bool(self.to_add or self.matching or self.conflicts or self.gaps)

    def changes(self, *, replace: bool) -> bool:
        return bool(self.to_add or (replace and self.conflicts))

    def rows(self, *, replace: bool = False) -> dict[int, dict[int, str]]:
        """``matrix_save``'s rows: add what is missing; with ``replace``, the
        framework's letter also where a hand-set role differs (and the other
        Accountable person loses their A)."""
        rows: dict[int, dict[int, str]] = defaultdict(dict)
        if replace:
            for cell in self.conflicts:
                if cell.holder is not None:
                    rows[cell.holder.pk][cell.step_id] = ""
            for cell in self.conflicts:
                rows[cell.user.pk][cell.step_id] = cell.letter
        for cell in self.to_add:
            rows[cell.user.pk][cell.step_id] = cell.letter
        return dict(rows)


def preview_apply(project: Project) -> ApplyPreview:
    """What applying the framework to ``project`` would add, keep and (on
    request) replace; a fixed number of queries."""
    comparison = compare(project)
    preview = ApplyPreview(version=comparison.version, gaps=comparison.gaps)
    for cell in comparison.cells:
        if cell.matches:
            preview.matching.append(cell)
        elif cell.is_conflict:
            preview.conflicts.append(cell)
        else:
            preview.to_add.append(cell)
    for replace in (False, True):
        preview.unowned_after[replace] = _unowned_after(comparison, preview, replace=replace)
    return preview


def _unowned_after(comparison: Comparison, preview: ApplyPreview, *, replace: bool) -> list[int]:
    """Step numbers that would have no active Accountable person after applying:
    the Accountable people now, less those whose A the rows clear or change,
    plus those the rows make Accountable."""
    numbers = {step_id: number for number, step_id in comparison.steps.items()}
    holder = {number: user for number, user in comparison.accountable.items() if user.is_active}
    given: set[int] = set()
    for user_id, cells in preview.rows(replace=replace).items():
        for step_id, letter in cells.items():
            number = numbers[step_id]
            if letter == Role.ACCOUNTABLE:
                given.add(number)
            elif number in holder and holder[number].pk == user_id:
                del holder[number]
    return [n for n in sorted(comparison.steps) if n not in holder and n not in given]


# --- Departures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Departure:
    step_number: int
    kind: str  # "missing", "different", "accountable", "unowned"
    text: str

    @property
    def step_name(self) -> str:
        return STEP_NAMES.get(self.step_number, "")


def departures(project: Project, *, letters: Letters | None = None) -> list[Departure]:
    """Where ``project``'s matrix departs from the framework, step by step, in
    plain words. People the framework does not name are no departure unless
    they hold A. Four queries (less the framework's ``letters`` when given; and
    the project's people if not yet read)."""
    comparison = compare(project, letters=letters, read_version=False)
    found = [_departure(cell) for cell in comparison.cells if not cell.matches]
    covered = {cell.step_number for cell in comparison.cells if cell.letter == Role.ACCOUNTABLE}
    for number in sorted(comparison.steps):
        role = comparison.framework_accountable.get(number)
        if role is None or number in covered:
            continue
        who = f"the {role_label(role)}, and {'the organization' if role in ORGANIZATION_ROLES else 'the project'}"
        holder = comparison.accountable.get(number)
        if holder is not None:
            text = f"{holder.display_name} is Accountable; the framework gives that to {who} names nobody active."
            found.append(Departure(number, "accountable", text))
        else:
            found.append(
                Departure(number, "unowned", f"No Accountable; the framework gives it to {who} names nobody active.")
            )
    return sorted(found, key=lambda d: d.step_number)


def _departure(cell: Cell) -> Departure:
    if cell.holder is not None:
        text = f"{cell.holder.display_name} is Accountable; the framework makes {cell.who} Accountable."
        return Departure(cell.step_number, "accountable", text)
    if cell.current:
        text = f"{cell.who} is {Role(cell.current).label}; the framework says {cell.letter_label}."
        return Departure(cell.step_number, "different", text)
    return Departure(cell.step_number, "missing", f"{cell.who} has no role; the framework says {cell.letter_label}.")


# --- The framework as a page shows it ------------------------------------------------------


@dataclass(frozen=True)
class FrameworkStep:
    """One step of the framework: its letters by role, and the same in a sentence."""

    number: int
    name: str
    side: str
    letters: list[tuple[str, str]]  # (framework role, letter or "") in column order
    summary: str

    @property
    def has_accountable(self) -> bool:
        return any(letter == Role.ACCOUNTABLE for _, letter in self.letters)


def framework_steps(letters: Letters, organization: dict[str, User | None]) -> list[FrameworkStep]:
    """The ten steps with their letters and plain-language summary (no query)."""
    return [
        FrameworkStep(
            number=step.number,
            name=step.name,
            side=SuggestedSide(step.suggested_side).label,
            letters=[(role, letters.get((step.number, role), "")) for role in FrameworkRole.values],
            summary=step_summary(step.number, letters, organization),
        )
        for step in LIFECYCLE
    ]


def step_summary(number: int, letters: Letters, organization: dict[str, User | None]) -> str:
    """One step of the framework in words, e.g. "Marketing Ops (Maya Patel) is
    accountable; IT lead responsible; project owner and IT security consulted."."""
    by_letter: dict[str, list[str]] = defaultdict(list)
    for role in FrameworkRole.values:
        letter = letters.get((number, role))
        if letter:
            person = organization.get(role)
            name = role_label(role) + (f" ({person.display_name})" if person is not None else "")
            by_letter[letter].append(name)
    parts = []
    for letter in STRENGTH:
        names = by_letter.get(letter)
        if names:
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            verb = " is " if letter == Role.ACCOUNTABLE else " "
            parts.append(joined + verb + Role(letter).label.lower())
    if not parts:
        return "Nothing set yet."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


# --- The project page's sidebar card (registered in raci.apps) -----------------------------

SIDEBAR_LINES = 5
CARD_ORDER = {"unowned": 0, "accountable": 1, "different": 2, "missing": 3}


def sidebar_card(viewer: User, project: Project) -> dict | None:
    """The "Responsibility framework" card: whether the project's matrix matches
    the framework, or its first departures; nothing before there is a framework."""
    letters = framework_letters()
    if not letters:
        return None
    # The steps left without their Accountable person first: the card shows only a few lines.
    found = sorted(departures(project, letters=letters), key=lambda d: (CARD_ORDER[d.kind], d.step_number))
    return {
        "departures": found[:SIDEBAR_LINES],
        "more": max(0, len(found) - SIDEBAR_LINES),
        "can_apply": can_manage(viewer, project),
    }
