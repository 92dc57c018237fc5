"""Writes of the organization's responsibility framework (``raci.framework`` reads it).

Rules, enforced here and, where a database can, by constraints:
* one letter per framework role per step, at most one Accountable per step
  (database); every step has exactly one Accountable role (here: a framework
  that leaves a step without one is refused, step by step);
* the named Marketing Ops and IT security people are active;
* a framework saved from a page opened before someone else's save is refused
  (``StaleFramework``), never applied over it: each save writes the next
  ``FrameworkRevision`` number, which is unique;
* applying the framework to a project writes through ``raci.services.matrix_save``,
  so every rule of the project's matrix, its history and its version check hold.

Who: the framework is edited by executives and administrators
(``access.can_edit_framework``); it is applied to a project by those who
manage the project (``access.can_manage``).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.models import User
from projects import access
from projects.lifecycle import STEP_COUNT
from projects.models import Project
from raci import framework
from raci.models import FrameworkEntry, FrameworkRevision, FrameworkRole, OrganizationPost, OrganizationRole, Role
from raci.services import MatrixResult, matrix_save

EntryKey = tuple[int, str]  # (step number, framework role)


class FrameworkError(ValidationError):
    """A refused framework: messages per cell, per step, per named person and overall."""

    def __init__(
        self,
        cell_errors: dict[EntryKey, list[str]] | None = None,
        step_errors: dict[int, list[str]] | None = None,
        people_errors: dict[str, list[str]] | None = None,
        general: list[str] | None = None,
    ):
        self.cell_errors = cell_errors or {}
        self.step_errors = step_errors or {}
        self.people_errors = people_errors or {}
        self.general = general or []
        messages = list(self.general)
        for group in (self.step_errors, self.cell_errors, self.people_errors):
            messages += [m for errors in group.values() for m in errors]
        super().__init__(messages)


class StaleFramework(FrameworkError):
    """Refused: someone saved the framework after the editor opened it.

    ``changes`` lists what they changed (who, when, what); ``version`` is the
    framework's version now, to save against.
    """

    def __init__(self, changes: list[str], version: int):
        self.changes = changes
        self.version = version
        super().__init__(
            general=["The framework changed since you opened it; nothing of yours was saved, so as not to undo it."]
        )


def framework_save(
    *,
    actor: User,
    entries: dict[EntryKey, str],
    people: dict[str, User | None],
    expected_version: int | None,
) -> FrameworkRevision | None:
    """Replace the whole framework and the organization's named people, all or nothing.

    ``entries`` maps ``(step number, framework role)`` to a letter ("" or a
    missing key: no letter); ``people`` maps ``OrganizationPost`` values to a
    user or None. Every step needs exactly one Accountable role; the named
    people must be active. When anything is wrong, nothing is written and
    ``FrameworkError`` says which cell, step or person is at fault.

    ``expected_version`` is the ``framework.framework_version`` the editor was
    opened at: when the framework has changed since, nothing is written and
    ``StaleFramework`` lists the changes. Returns the revision written, or
    None when nothing changed.

    Who: executives and administrators (``access.can_edit_framework``).
    """
    access.require(
        actor,
        None,
        access.can_edit_framework(actor),
        "Only executives and administrators edit the responsibility framework.",
    )
    wanted = _validated(entries, people)
    with transaction.atomic():
        current = framework.framework_version()
        if expected_version is not None and current != expected_version:
            raise StaleFramework(framework.framework_changes_since(expected_version), current)
        existing = {(e.step_number, e.role): e for e in FrameworkEntry.objects.all()}
        posts = {p.role: p for p in OrganizationRole.objects.select_related("user")}
        changes = _entry_changes(existing, wanted) + _people_changes(posts, people)
        if not changes:
            return None
        try:
            with transaction.atomic():
                revision = FrameworkRevision.objects.create(number=current + 1, saved_by=actor, changes=changes)
        except IntegrityError:  # another save took this number between our read and our write
            now = framework.framework_version()
            raise StaleFramework(framework.framework_changes_since(current), now) from None
        _write_entries(actor, existing, wanted)
        _write_people(actor, posts, people)
        return revision


def _validated(entries: dict[EntryKey, str], people: dict[str, User | None]) -> dict[EntryKey, str]:
    """The framework's letters (no blanks) after every rule holds; ``FrameworkError`` otherwise."""
    cell_errors: dict[EntryKey, list[str]] = defaultdict(list)
    step_errors: dict[int, list[str]] = defaultdict(list)
    people_errors: dict[str, list[str]] = defaultdict(list)
    general: list[str] = []
    wanted: dict[EntryKey, str] = {}
    for (number, role), letter in entries.items():
        if not (isinstance(number, int) and 1 <= number <= STEP_COUNT) or role not in FrameworkRole.values:
            general.append("The framework refers to a step or role that does not exist; reload the page.")
        elif letter and letter not in Role.values:
            cell_errors[(number, role)].append(f"“{str(letter)[:20]}” is not a RACI letter.")
        elif letter:
            wanted[(number, role)] = letter
    for number in range(1, STEP_COUNT + 1):
        accountable = [role for (n, role), letter in wanted.items() if n == number and letter == Role.ACCOUNTABLE]
        name = f"Step {number}, {framework.STEP_NAMES[number]}"
        if not accountable:
            step_errors[number].append(f"{name}, has no Accountable role: mark exactly one role A.")
        elif len(accountable) > 1:
            labels = " and ".join(FrameworkRole(r).label for r in sorted(accountable, key=FrameworkRole.values.index))
            step_errors[number].append(f"{name}, can have only one Accountable role; {labels} are both marked A.")
            for role in accountable:
                cell_errors[(number, role)].append(f"Only one A on step {number}.")
    for post, user in people.items():
        if post not in OrganizationPost.values:
            general.append("The framework names a person for a role that does not exist; reload the page.")
        elif user is not None and not user.is_active:
            people_errors[post].append(f"{user.display_name} is no longer active: name someone else, or nobody.")
    if cell_errors or step_errors or people_errors or general:
        raise FrameworkError(dict(cell_errors), dict(step_errors), dict(people_errors), sorted(set(general)))
    return wanted


def _cell_name(key: EntryKey) -> str:
    number, role = key
    return f"Step {number}, {framework.STEP_NAMES[number]}: {FrameworkRole(role).label}"


def _entry_changes(existing: dict[EntryKey, FrameworkEntry], wanted: dict[EntryKey, str]) -> list[str]:
    changes = []
    for key in sorted(set(existing) | set(wanted), key=lambda k: (k[0], FrameworkRole.values.index(k[1]))):
        before = existing[key].letter if key in existing else ""
        after = wanted.get(key, "")
        if before != after:
            changes.append(f"{_cell_name(key)} {before or '—'} → {after or '—'}")
    return changes


def _people_changes(posts: dict[str, OrganizationRole], people: dict[str, User | None]) -> list[str]:
    changes = []
    for post, user in sorted(people.items()):
        before = posts[post].user if post in posts else None
        if (before.pk if before else None) != (user.pk if user else None):
            was = before.display_name if before else "nobody"
            now = user.display_name if user else "nobody"
            changes.append(f"{OrganizationPost(post).label} person: {was} → {now}")
    return changes


def _write_entries(actor: User, existing: dict[EntryKey, FrameworkEntry], wanted: dict[EntryKey, str]) -> None:
    """Delete, change, then add: an A leaves its old cell before it arrives in the new one."""
    updates = [(entry, wanted[key]) for key, entry in existing.items() if key in wanted and wanted[key] != entry.letter]
    for key, entry in existing.items():
        if key not in wanted:
            entry._history_user = actor
            entry.delete()
    for entry, letter in updates:
        if entry.letter == Role.ACCOUNTABLE:  # free the step's A slot first
            entry.letter = letter
            entry._history_user = actor
            entry.save(update_fields=["letter"])
    for entry, letter in updates:
        if entry.letter != letter:
            entry.letter = letter
            entry._history_user = actor
            entry.save(update_fields=["letter"])
    for (number, role), letter in wanted.items():
        if (number, role) not in existing:
            entry = FrameworkEntry(step_number=number, role=role, letter=letter)
            entry._history_user = actor
            entry.save()


def _write_people(actor: User, posts: dict[str, OrganizationRole], people: dict[str, User | None]) -> None:
    for post, user in people.items():
        row = posts.get(post) or OrganizationRole(role=post)
        if row.pk is not None and row.user_id == (user.pk if user else None):
            continue
        if row.pk is None and user is None:
            continue
        row.user = user
        row._history_user = actor
        row.save()


# --- Applying the framework to a project ---------------------------------------------------


@dataclass
class ApplyResult:
    """What ``framework_apply`` wrote: cells added, hand-set roles replaced or kept."""

    added: list = field(default_factory=list)
    replaced: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    unowned_after: list[int] = field(default_factory=list)
    matrix: MatrixResult = field(default_factory=MatrixResult)


def framework_apply(
    *, actor: User, project: Project, replace: bool = False, expected_version: int | None = None
) -> ApplyResult:
    """Fill ``project``'s RACI matrix from the framework.

    By default only what is missing is added: every role set by hand is kept.
    With ``replace``, the framework's letter wins where a hand-set role differs
    (and another person Accountable on a step the framework gives to someone
    else loses their A). People the framework does not name keep their roles.

    Written through ``raci.services.matrix_save``: all or nothing, with the
    matrix's rules (a done step keeps its A and R; ``MatrixError``) and history.
    ``expected_version`` is the matrix version the preview was shown at; when
    the matrix changed since, ``StaleMatrix`` is raised and nothing is written.
    Without it, the version read with the plan is used, so a save that lands in
    between is never overwritten either.

    Who: those who manage the project (``access.can_manage``).
    """
    access.require(
        actor,
        project,
        access.can_manage(actor, project),
        "Only the project's owner, IT lead, sponsors and executives apply the framework to its RACI matrix.",
    )
    preview = framework.preview_apply(project)
    version = preview.version if expected_version is None else expected_version
    result = matrix_save(actor=actor, project=project, rows=preview.rows(replace=replace), expected_version=version)
    return ApplyResult(
        added=preview.to_add,
        replaced=preview.conflicts if replace else [],
        kept=[] if replace else preview.conflicts,
        unowned_after=preview.unowned_after[replace],
        matrix=result,
    )
