"""RACI writes and the step transitions they gate.

Rules, enforced here and, where a database can, by constraints:
* one role per person per step; at most one Accountable per step (database);
* nobody inactive can be given a role; an inactive person's A or R does not
  count (the step is unowned) but stays until removed, blocking no other save;
* a step cannot start without an (active) Accountable person, and cannot finish
  without an Accountable and a Responsible person; a finished step keeps both;
* a matrix saved from a page opened before someone else's save is refused
  (``StaleMatrix``), never applied over it;
* a step with no Accountable person is allowed while planning: reminders chase it.

Who may call them is decided by ``projects.access`` and checked first: the
matrix by those who manage the project, a step's transitions also by its
Accountable and Responsible people.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import User
from projects import access, figures, signals
from projects.models import LifecycleStep, Project, StepStatus
from raci import selectors, transitions
from raci.models import WORKING_ROLES, Consultation, RaciAssignment, ReminderRun, ReminderRunStatus, Role

Cell = tuple[int, int]  # (user id, step id)

# Called (after commit) with the project and the ids of in-progress steps that
# lost their Accountable person. The reminders module registers itself here.
accountable_removed_hooks: list[Callable[[Project, list[int]], None]] = []


class MatrixError(ValidationError):
    """A refused matrix: messages per cell and for the matrix as a whole."""

    def __init__(self, cell_errors: dict[Cell, list[str]], general: list[str]):
        self.cell_errors = cell_errors
        self.general = general
        messages = general + [m for cell in cell_errors.values() for m in cell]
        super().__init__(messages)


class StaleMatrix(MatrixError):
    """Refused: someone saved the matrix after the editor opened it.

    ``changes`` says what they changed (who, when, what: from the RACI history),
    ``version`` is the matrix's version now, to re-apply against.
    """

    def __init__(self, changes: list[str], version: int):
        self.changes = changes
        self.version = version
        super().__init__(
            {}, ["Someone saved this matrix after you opened it; nothing of yours was saved, so as not to undo it."]
        )


@dataclass
class MatrixResult:
    added: int = 0
    changed: int = 0
    removed: int = 0
    accountable_removed_in_progress: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


def matrix_save(
    *, actor: User, project: Project, rows: dict[int, dict[int, str]], expected_version: int | None = None
) -> MatrixResult:
    """Save the RACI matrix of ``project`` for the people in ``rows``, all or nothing.

    ``rows`` maps a user id to ``{step id: role code or ""}`` for the steps
    shown. People not in ``rows`` keep their roles (someone else may have added
    them meanwhile). Every rule is checked against the matrix as it would be
    after the save; if any fails, nothing is written and ``MatrixError`` says
    which cells are at fault.

    ``expected_version`` is the ``raci.selectors.matrix_version`` the editor
    was opened at: when the matrix has changed since, nothing is written and
    ``StaleMatrix`` lists the changes, so a page opened before someone else's
    save never reverts it. Pages always pass it.

    An inactive person can be given no role, but keeps the ones they hold
    until someone removes them: another cell's save is not refused for them.

    Who: those who manage the project (``access.can_manage``).
    """
    access.require(
        actor,
        project,
        access.can_manage(actor, project),
        "Only the project's owner, IT lead, sponsors and executives edit its RACI matrix.",
    )
    with transaction.atomic():
        # Lock the project's steps: two editors saving at once are serialized,
        # so the version and the rules are checked against what the other one committed.
        steps = {s.pk: s for s in LifecycleStep.objects.select_for_update().filter(project=project).order_by("number")}
        if expected_version is not None:
            current = selectors.matrix_version(project)
            if current != expected_version:
                raise StaleMatrix(selectors.matrix_changes_since(project, expected_version), current)
        existing = {(a.user_id, a.step_id): a for a in RaciAssignment.objects.filter(step__project=project)}
        # Everyone the matrix will name, so a refusal names the other Accountable person.
        users = User.objects.in_bulk(set(rows) | {user_id for user_id, _ in existing})

        cell_errors: dict[Cell, list[str]] = defaultdict(list)
        general: list[str] = []
        if set(rows) - set(users):
            general.append("Some people in the matrix no longer exist; reload the page.")
        final = _final(steps, rows, existing, cell_errors, general)
        _check_rules(steps, users, rows, final, cell_errors, general)
        _check_inactive(users, rows, existing, cell_errors)
        if cell_errors or general:
            raise MatrixError(dict(cell_errors), sorted(set(general)))

        with figures.deferred():  # portfolio figures: one refresh for every cell saved (projects.figures)
            result = _apply(actor, steps, rows, existing, final)
        _announce_accountable(actor, steps, existing, final)
        if result.accountable_removed_in_progress:
            removed = list(result.accountable_removed_in_progress)
            transaction.on_commit(lambda: _accountable_removed(project, removed))
        return result


def _announce_accountable(actor: User, steps: dict, existing: dict, final: dict[Cell, str]) -> None:
    """Send ``accountable_changed`` for each step whose Accountable person the save changed."""
    before = {step_id: user_id for (user_id, step_id), a in existing.items() if a.role == Role.ACCOUNTABLE}
    after = {step_id: user_id for (user_id, step_id), role in final.items() if role == Role.ACCOUNTABLE}
    for step_id in sorted(set(before) | set(after)):
        if before.get(step_id) != after.get(step_id):
            signals.accountable_changed.send(
                sender=LifecycleStep,
                step=steps[step_id],
                old_user_id=before.get(step_id),
                new_user_id=after.get(step_id),
                actor=actor,
            )


def _final(steps, rows, existing, cell_errors, general) -> dict[Cell, str]:
    """The matrix as it would be after the save: what exists, with ``rows`` applied."""
    final: dict[Cell, str] = {cell: a.role for cell, a in existing.items()}
    for user_id, cells in rows.items():
        for step_id, role in cells.items():
            if step_id not in steps:
                general.append("The matrix refers to a step of another project; reload the page.")
                continue
            if role and role not in Role.values:
                cell_errors[(user_id, step_id)].append(f"“{role[:20]}” is not a RACI role.")
                continue
            if role:
                final[(user_id, step_id)] = role
            else:
                final.pop((user_id, step_id), None)
    return final


def _accountable_removed(project: Project, step_ids: list[int]) -> None:
    for hook in accountable_removed_hooks:
        hook(project, step_ids)


def _check_rules(steps, users, rows, final, cell_errors, general) -> None:
    by_step: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (user_id, step_id), role in final.items():
        by_step[step_id][role].append(user_id)

    def name(user_id: int) -> str:
        user = users.get(user_id)
        return user.display_name if user else f"person #{user_id}"

    for step_id, step in steps.items():
        accountable = by_step[step_id][Role.ACCOUNTABLE]
        if len(accountable) > 1:
            names = " and ".join(sorted(name(u) for u in accountable))
            gone = [name(u) for u in accountable if u in users and not users[u].is_active]
            hint = f" {gone[0]} is no longer active: clear their A in the same save." if gone else ""
            for user_id in accountable:
                if user_id in rows:
                    cell_errors[(user_id, step_id)].append(
                        f"Step {step.number} can have only one Accountable person; {names} are both marked A.{hint}"
                    )
        if step.status == StepStatus.DONE:
            for role in WORKING_ROLES:
                if not by_step[step_id][role]:
                    label = Role(role).label
                    general.append(f"Step {step.number}, {step.name}, is done: it cannot lose its {label} person.")
                    for user_id in rows:
                        if step_id in rows[user_id]:
                            cell_errors[(user_id, step_id)].append(
                                f"Step {step.number} is done and needs its {label} person."
                            )
                            break


def _check_inactive(users, rows, existing, cell_errors) -> None:
    """An inactive person may be given no role (not even C or I); the roles they
    already hold stay as they are until removed, so they block no other save."""
    for user_id, cells in rows.items():
        user = users.get(user_id)
        if user is None or user.is_active:
            continue
        for step_id, role in cells.items():
            held = existing.get((user_id, step_id))
            if role and role in Role.values and (held is None or held.role != role):
                cell_errors[(user_id, step_id)].append(
                    f"{user.display_name} is no longer active and cannot be given a role ({Role(role).label})."
                )


def _apply(actor, steps, rows, existing, final) -> MatrixResult:
    result = MatrixResult()
    to_delete, to_update, to_create = [], [], []
    for user_id, cells in rows.items():
        for step_id in cells:
            cell = (user_id, step_id)
            old, new = existing.get(cell), final.get(cell)
            if old and not new:
                to_delete.append(old)
            elif old and new != old.role:
                to_update.append((old, new))
            elif new and not old:
                to_create.append(RaciAssignment(step_id=step_id, user_id=user_id, role=new))
    # Free Accountable slots before filling them: the one-A constraint is
    # checked row by row, so moving A from one person to another must first
    # remove the old A.
    to_update.sort(key=lambda pair: pair[0].role != Role.ACCOUNTABLE)
    lost_accountable: set[int] = set()
    for assignment in to_delete:
        if assignment.role == Role.ACCOUNTABLE:
            lost_accountable.add(assignment.step_id)
        assignment._history_user = actor
        assignment.delete()
        result.removed += 1
    for assignment, role in to_update:
        if assignment.role == Role.ACCOUNTABLE:
            lost_accountable.add(assignment.step_id)
        assignment.role = role
        assignment._history_user = actor
        assignment.save(update_fields=["role", "updated_at"])
        result.changed += 1
    for assignment in to_create:
        assignment._history_user = actor
        assignment.save()
        result.added += 1
    has_accountable = {step_id for (_, step_id), role in final.items() if role == Role.ACCOUNTABLE}
    result.accountable_removed_in_progress = sorted(
        step_id for step_id in lost_accountable - has_accountable if steps[step_id].status == StepStatus.IN_PROGRESS
    )
    return result


# --- Step transitions ------------------------------------------------------------


def step_transition(*, actor: User, step: LifecycleStep, transition: str, reason: str = "") -> LifecycleStep:
    """Move ``step`` through ``transition`` if the RACI rules allow it.

    Start and reopen need an Accountable person; finish needs an Accountable
    and a Responsible person. The step row is locked so the rule is checked
    against the matrix as committed.

    Who: those who manage the project and the step's Accountable and
    Responsible people (``access.can_transition_step``).
    """
    access.require(
        actor,
        step.project,
        access.can_transition_step(actor, step),
        "You can see this step but not change its status.",
    )
    T = transitions.Transition
    if transition not in T.ALL:
        raise ValidationError(f"“{transition[:40]}” is not a step action.")
    if "\x00" in reason:
        # PostgreSQL cannot store a NUL character in text: refuse it as input.
        raise ValidationError("The reason contains a character that cannot be stored (NUL); remove it.")
    with transaction.atomic():
        step = LifecycleStep.objects.select_for_update().get(pk=step.pk)
        if step.status not in T.SOURCES[transition]:
            raise ValidationError(
                f"Step {step.number}, {step.name}, is {step.get_status_display().lower()}: "
                f"it cannot be {_past(transition)}."
            )
        _check_gate(step, transition)
        old_status = step.status
        _move(step, transition, reason)
        step._history_user = actor
        step.save(update_fields=["status", "started_at", "completed_at", "blocked_reason"])
        signals.step_status_changed.send(
            sender=LifecycleStep,
            step=step,
            old_status=old_status,
            new_status=step.status,
            transition=transition,
            reason=step.blocked_reason if transition == T.BLOCK else "",
            actor=actor,
        )
        return step


class GateRefused(ValidationError):
    """Refused by the RACI gate (``raci.selectors.gate_refusal``): ``refusal`` says which role is missing."""

    def __init__(self, refusal: selectors.GateRefusal):
        self.refusal = refusal
        super().__init__(refusal.message)


def _check_gate(step: LifecycleStep, transition: str) -> None:
    """Start and reopen need an Accountable person, finish also a Responsible
    one; an inactive person's A or R does not count (``selectors.gate_refusal``,
    the rule pages use to offer only what can succeed)."""
    holders = RaciAssignment.objects.filter(step=step, role__in=(*WORKING_ROLES, Role.CONSULTED)).select_related("user")
    answered = Consultation.objects.filter(step=step).values_list("user_id", flat=True)
    refusal = selectors.gate_refusal(step, transition, list(holders), set(answered))
    if refusal is not None:
        raise GateRefused(refusal)


def _move(step: LifecycleStep, transition: str, reason: str) -> None:
    """Set the fields ``transition`` changes on ``step`` (not saved)."""
    T = transitions.Transition
    if transition == T.START:
        step.status = StepStatus.IN_PROGRESS
        step.started_at = step.started_at or timezone.now()
        step.blocked_reason = ""
    elif transition == T.FINISH:
        step.status = StepStatus.DONE
        step.completed_at = timezone.now()
    elif transition == T.BLOCK:
        step.status = StepStatus.BLOCKED
        step.blocked_reason = reason.strip()[:300]
    elif transition == T.REOPEN:
        step.status = StepStatus.IN_PROGRESS
        step.completed_at = None


def _past(transition: str) -> str:
    return transitions.Transition.PAST[transition]


# --- Reminder runs -----------------------------------------------------------------


def release_held_run(*, actor: User, run: ReminderRun) -> bool:
    """Let the next reminder run go ahead although it would e-mail more people
    than the limit (``raci.reminder_safety_net``); one run consumes the release.

    Who: administrators (``access.can_release_reminder_run``); anyone else gets
    ``PermissionDenied``. False when ``run`` is no longer held.
    """
    access.require(
        actor, None, access.can_release_reminder_run(actor), "Only administrators release held reminder runs."
    )
    released = ReminderRun.objects.filter(pk=run.pk, status=ReminderRunStatus.HELD).update(
        status=ReminderRunStatus.RELEASED, released_by=actor, released_at=timezone.now()
    )
    return released == 1
