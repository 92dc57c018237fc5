"""Project reads shared by pages, exports and tasks."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime

from governance.models import User
from projects.access import visible_projects
from projects.models import LifecycleStep, Project, StepStatus

if TYPE_CHECKING:
    from projects.filters import ProjectFilter


def project_search(user: User, params, *, annotate: Callable[[QuerySet], QuerySet] | None = None) -> "ProjectFilter":
    """The project list of ``user``: visible projects narrowed by the search, filters and sort in
    ``params`` (a QueryDict; ``projects.filters``); ``.qs`` is the result. ``annotate`` adds the
    columns an app above this one computes (raci's count of steps without an owner), before the sort,
    so that every column sorts in the database."""
    from projects.filters import ProjectFilter, ordered, sponsors_of

    visible = visible_projects(user)
    base = visible.select_related("owner", "it_lead", "marketing_sponsor", "it_sponsor")
    if annotate is not None:
        base = annotate(base)
    return ProjectFilter(params, queryset=ordered(base, None), viewer=user, sponsors=sponsors_of(visible))


@dataclass
class Change:
    when: datetime
    who: User | None
    subject: str
    summary: str
    changes: list[tuple[str, str, str]]  # field label, before, after


def _display(record, field_name: str) -> str:
    field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, field.attname)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return date_format(localtime(value), "j M Y H:i")
    if isinstance(value, date):
        return date_format(value, "j M Y")
    if field.is_relation:
        related = getattr(record, field_name, None)
        return str(related) if related is not None else "—"
    return str(value)


def history_changes(records: list, subject) -> list[Change]:
    """Turn historical records (oldest first, one object's) into readable changes."""
    changes: list[Change] = []
    previous = None
    for record in records:
        if record.history_type == "+":
            changes.append(Change(record.history_date, record.history_user, subject(record), "created", []))
        elif record.history_type == "-":
            changes.append(Change(record.history_date, record.history_user, subject(record), "deleted", []))
        elif previous is not None:
            delta = record.diff_against(previous)
            rows = [
                (
                    str(record.instance_type._meta.get_field(c.field).verbose_name),
                    _display(previous, c.field),
                    _display(record, c.field),
                )
                for c in delta.changes
            ]
            if rows:
                changes.append(Change(record.history_date, record.history_user, subject(record), "changed", rows))
        previous = record
    return changes


def project_history(project: Project) -> list[Change]:
    """Changes to the project and its steps, newest first (two queries)."""
    project_records = list(
        Project.history.filter(id=project.pk)
        .select_related("history_user", "owner", "marketing_sponsor", "it_sponsor", "it_lead")
        .order_by("history_date", "history_id")
    )
    step_records = list(
        LifecycleStep.history.filter(project_id=project.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    changes = history_changes(project_records, lambda r: "Project")
    by_step: dict[int, list] = {}
    for record in step_records:
        by_step.setdefault(record.id, []).append(record)
    for records in by_step.values():
        # Step creation is part of project creation: show only later changes.
        changes += [
            c for c in history_changes(records, lambda r: f"Step {r.number}, {r.name}") if c.summary != "created"
        ]
    return sorted(changes, key=lambda c: c.when, reverse=True)


@dataclass(frozen=True)
class Completion:
    number: int
    name: str
    when: datetime
    who: User | None


def step_completions(project: Project) -> list[Completion]:
    """Every time one of the project's steps was finished, and by whom, newest first (one query).

    Read from the step history: a record that is done with a completion time
    not seen before for that step is a finish (a reopened step finished again
    appears twice).
    """
    records = (
        LifecycleStep.history.filter(project_id=project.pk, status=StepStatus.DONE)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    seen: set[tuple[int, datetime]] = set()
    completions = []
    for record in records:
        key = (record.id, record.completed_at)
        if key in seen:
            continue
        seen.add(key)
        completions.append(Completion(record.number, record.name, record.completed_at, record.history_user))
    return sorted(completions, key=lambda c: c.when, reverse=True)


@dataclass(frozen=True)
class LogEntry:
    """One line of a project's decision log: a step finished, a vendor chosen or withdrawn."""

    when: datetime
    who: User | None
    what: str
    detail: str = ""


def completion_log(project: Project) -> list[LogEntry]:
    """The project's step completions as decision-log entries, newest first (one query)."""
    return [LogEntry(c.when, c.who, f"Finished step {c.number}, {c.name}") for c in step_completions(project)]


# --- Versions: what an edit page was opened at, and what changed since -------------------------


def project_version(project: Project) -> int:
    """The project's version: the id of its latest history record (0 before any)."""
    return (
        Project.history.filter(id=project.pk).order_by("-history_id").values_list("history_id", flat=True).first() or 0
    )


def step_version(step: LifecycleStep) -> int:
    """The step's version: the id of its latest history record (0 before any)."""
    return (
        LifecycleStep.history.filter(id=step.pk).order_by("-history_id").values_list("history_id", flat=True).first()
        or 0
    )


def _changes_since(records: list, version: int, fields: tuple[str, ...]) -> list[str]:
    """Lines (who, when, field: before → after) for the changes to ``fields`` in
    ``records`` (one object's, oldest first) made after ``version``."""
    lines, previous = [], None
    for record in records:
        if previous is not None and record.history_id > version:
            for change in record.diff_against(previous, included_fields=list(fields)).changes:
                label = str(record.instance_type._meta.get_field(change.field).verbose_name)
                who = record.history_user.display_name if record.history_user else "Someone (outside Tandem's pages)"
                when = date_format(localtime(record.history_date), "j M Y H:i")
                before, after = _display(previous, change.field), _display(record, change.field)
                lines.append(f"{who}, {when}: {label}: {before} → {after}")
        previous = record
    return lines


def project_changes_since(project: Project, version: int, fields: tuple[str, ...]) -> list[str]:
    """What changed in ``fields`` of the project after ``version`` (one query)."""
    records = (
        Project.history.filter(id=project.pk)
        .select_related("history_user", "owner", "marketing_sponsor", "it_sponsor", "it_lead")
        .order_by("history_id")
    )
    return _changes_since(list(records), version, fields)


def step_changes_since(step: LifecycleStep, version: int, fields: tuple[str, ...]) -> list[str]:
    """What changed in ``fields`` of the step after ``version`` (one query)."""
    records = LifecycleStep.history.filter(id=step.pk).select_related("history_user").order_by("history_id")
    return _changes_since(list(records), version, fields)


def project_as_of(project: Project, version: int) -> Project | None:
    """The project as it was at ``version`` (its history record), None when unknown."""
    record = Project.history.filter(id=project.pk, history_id=version).first()
    return record.instance if record is not None else None


def step_as_of(step: LifecycleStep, version: int) -> LifecycleStep | None:
    """The step as it was at ``version`` (its history record), None when unknown."""
    record = LifecycleStep.history.filter(id=step.pk, history_id=version).first()
    return record.instance if record is not None else None
