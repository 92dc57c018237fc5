"""RACI reads shared by pages, exports and tasks. No per-row queries."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from governance.models import User
from projects.models import LifecycleStep, Project
from raci.models import RaciAssignment, Role


def accountable_exists() -> Exists:
    """True for a step (in an outer query over steps) that has an Accountable person."""
    return Exists(RaciAssignment.objects.filter(step=OuterRef("pk"), role=Role.ACCOUNTABLE))


def unowned_steps() -> QuerySet[LifecycleStep]:
    """Steps with no Accountable person."""
    return LifecycleStep.objects.filter(~accountable_exists())


def with_unowned_count(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate ``unowned_count``: the project's steps with no Accountable person."""
    counts = (
        unowned_steps().filter(project=OuterRef("pk")).order_by().values("project").annotate(n=Count("pk")).values("n")
    )
    return projects.annotate(unowned_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


def steps_with_people(project: Project) -> list[LifecycleStep]:
    """The project's ten steps in order, each with ``accountable`` (a user or
    None), ``responsible`` (users) and ``assignment_list``; two queries."""
    steps = list(
        project.steps.order_by("number").prefetch_related(
            Prefetch(
                "assignments",
                queryset=RaciAssignment.objects.select_related("user").order_by("role", "user__first_name"),
                to_attr="assignment_list",
            )
        )
    )
    for step in steps:
        step.accountable = next((a.user for a in step.assignment_list if a.role == Role.ACCOUNTABLE), None)
        step.responsible = [a.user for a in step.assignment_list if a.role == Role.RESPONSIBLE]
    return steps


@dataclass
class Matrix:
    steps: list[LifecycleStep]
    people: list[User]
    roles: dict[tuple[int, int], str]  # (user id, step id) -> role

    def role(self, user_id: int, step_id: int) -> str:
        return self.roles.get((user_id, step_id), "")


def matrix_for(project: Project, *, extra_people: Iterable[int] = ()) -> Matrix:
    """The project's RACI matrix: people (key people first, then role holders,
    then ``extra_people``) × the ten steps. Three queries, whatever the size."""
    steps = list(project.steps.order_by("number"))
    assignments = list(RaciAssignment.objects.filter(step__project=project).values_list("user_id", "step_id", "role"))
    roles = {(user_id, step_id): role for user_id, step_id, role in assignments}
    ordered_ids = [p.pk for p in project.key_people]
    for user_id in [u for u, _, _ in assignments] + list(extra_people):
        if user_id not in ordered_ids:
            ordered_ids.append(user_id)
    users = User.objects.in_bulk(ordered_ids)
    key_ids = {p.pk for p in project.key_people}
    rest = sorted(
        (users[i] for i in ordered_ids if i in users and i not in key_ids),
        key=lambda u: (u.first_name.lower(), u.last_name.lower(), u.username),
    )
    people = [users[i] for i in ordered_ids if i in key_ids and i in users] + rest
    return Matrix(steps=steps, people=people, roles=roles)


def matrix_history(project: Project) -> list:
    """RACI changes of the project as readable ``Change`` rows, oldest first per assignment."""
    from projects.selectors import Change

    records = list(
        RaciAssignment.history.filter(step__project=project)
        .select_related("history_user", "user", "step")
        .order_by("id", "history_date", "history_id")
    )
    changes, previous = [], {}
    for record in records:
        step = f"Step {record.step.number}, {record.step.name}"
        role = Role(record.role).label
        person = record.user.display_name
        if record.history_type == "+":
            rows = [(person, "—", role)]
        elif record.history_type == "-":
            rows = [(person, role, "—")]
        else:
            before = previous.get(record.id)
            if before is None or before == record.role:
                previous[record.id] = record.role
                continue
            rows = [(person, Role(before).label, role)]
        previous[record.id] = record.role
        changes.append(Change(record.history_date, record.history_user, step, "RACI", rows))
    return changes
