"""Writes to projects and their steps. Step *transitions* live in raci.services,
since the RACI rules gate them.

Each service refuses first, through ``projects.access``, an actor the rule does
not allow (``NotVisible`` when they may not see the project, else
``PermissionDenied``), before it reads or writes anything else.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from governance.models import Side, User
from projects import access, figures, selectors
from projects.lifecycle import LIFECYCLE, SuggestedSide
from projects.models import LifecycleStep, Project, ProjectStatus
from projects.signals import project_finished

# Paths under /projects/ that a project slug must not take.
RESERVED_SLUGS = {"new", "import", "liaisons"}

PROJECT_FIELDS = (
    "name",
    "problem",
    "status",
    "marketing_sponsor",
    "it_sponsor",
    "it_lead",
    "budget_owner_side",
    "requirements_side",
    "target_launch",
)


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "project"
    if base in RESERVED_SLUGS:
        base = f"{base}-project"
    slug, n = base, 2
    taken = Project.objects.exclude(pk=exclude_pk) if exclude_pk else Project.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def validate_people(*, marketing_sponsor: User | None, it_sponsor: User | None, it_lead: User | None) -> None:
    """The side checks of a project's key people: the marketing sponsor on the
    Marketing side, the IT sponsor and IT lead in IT, every one active. Pass
    only the people being set (None for the rest). Admin's project form calls it
    too (``projects.admin``): no way around the rule."""
    errors = {}
    if marketing_sponsor is not None and marketing_sponsor.side != Side.MARKETING:
        errors["marketing_sponsor"] = (
            "The marketing sponsor must be on the Marketing side (Marketing or Marketing Ops)."
        )
    if it_sponsor is not None and it_sponsor.side != Side.IT:
        errors["it_sponsor"] = "The IT sponsor must be in IT."
    if it_lead is not None and it_lead.side != Side.IT:
        errors["it_lead"] = "The IT lead must be in IT."
    for field, person in (("marketing_sponsor", marketing_sponsor), ("it_sponsor", it_sponsor), ("it_lead", it_lead)):
        if person is not None and not person.is_active and field not in errors:
            errors[field] = f"{person.display_name} is no longer active."
    if errors:
        raise ValidationError(errors)


def project_create(
    *,
    actor: User,
    name: str,
    problem: str,
    marketing_sponsor: User | None = None,
    it_sponsor: User | None = None,
    it_lead: User | None = None,
    budget_owner_side: str = Side.MARKETING,
    requirements_side: str = Side.MARKETING,
    target_launch: date | None = None,
    status: str = "active",
    owner: User | None = None,
) -> Project:
    """Create a project owned by ``owner`` (default: the actor) with its ten steps.

    Who: anyone active, for themselves; for another owner, an executive or an
    administrator (``access.can_create_project``). The project and all ten
    steps are written in one transaction: a project never exists with fewer
    than ten steps.
    """
    access.require(
        actor,
        None,
        access.can_create_project(actor, owner=owner),
        "Only executives and administrators create a project for someone else.",
    )
    validate_people(marketing_sponsor=marketing_sponsor, it_sponsor=it_sponsor, it_lead=it_lead)
    _check_text({"name": name, "problem": problem})
    fields = {
        "name": name,
        "problem": problem,
        "status": status,
        "owner": owner or actor,
        "marketing_sponsor": marketing_sponsor,
        "it_sponsor": it_sponsor,
        "it_lead": it_lead,
        "budget_owner_side": budget_owner_side,
        "requirements_side": requirements_side,
        "target_launch": target_launch,
    }
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _create_with_steps(actor, fields)
        except IntegrityError:
            # Two projects of the same name created at once: take the next slug.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create_with_steps(actor: User, fields: dict) -> Project:
    project = Project(slug=_unique_slug(fields["name"]), **fields)
    project._history_user = actor
    project.save()
    bulk_create_with_history(
        [
            LifecycleStep(
                project=project,
                number=template.number,
                key=template.key,
                name=template.name,
                guidance=template.guidance,
                suggested_side=_suggested_side(template.suggested_side, project.requirements_side),
            )
            for template in LIFECYCLE
        ],
        LifecycleStep,
        default_user=actor,
    )
    figures.refresh([project.pk])  # portfolio figures: the bulk insert sends no signal (projects.figures)
    return project


def _suggested_side(template_side: str, requirements_side: str) -> str:
    if template_side == SuggestedSide.PER_PROJECT:
        return SuggestedSide.IT if requirements_side == Side.IT else SuggestedSide.MARKETING
    return template_side


class StaleEdit(ValidationError):
    """Refused: someone saved the same thing after the editor opened it.

    ``changes`` says what they changed (who, when, field: before → after, from
    the history), ``version`` is the version now, to re-apply against.
    """

    def __init__(self, what: str, changes: list[str], version: int):
        self.changes = changes
        self.version = version
        super().__init__(
            f"Someone saved this {what} after you opened it; nothing was saved, so as not to undo their change. "
            "Changed since: " + "; ".join(changes) + "."
        )


@transaction.atomic
def project_update(*, actor: User, project: Project, expected_version: int | None = None, **changes) -> Project:
    """Change a project's fields; a new requirements side re-labels step 3.

    ``expected_version`` is the ``projects.selectors.project_version`` the edit
    page was opened at: when a field of the project was changed since, nothing
    is written and ``StaleEdit`` says what, so a stale page never undoes a save.

    Who: those who manage the project (``access.can_manage``).
    """
    access.require(
        actor,
        project,
        access.can_manage(actor, project),
        "Only the project's owner, sponsors, IT lead and executives change it.",
    )
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))}")
    # The row lock serializes two saves of the project, so the version check
    # sees the other one's committed change.
    project = Project.objects.select_for_update().get(pk=project.pk)
    if expected_version is not None and expected_version != selectors.project_version(project):
        since = selectors.project_changes_since(project, expected_version, PROJECT_FIELDS)
        if since:
            raise StaleEdit("project", since, selectors.project_version(project))
    # Only the people being set: someone who left since does not block an unrelated edit.
    validate_people(
        marketing_sponsor=changes.get("marketing_sponsor"),
        it_sponsor=changes.get("it_sponsor"),
        it_lead=changes.get("it_lead"),
    )
    _check_text(changes)
    was_done = project.status == ProjectStatus.DONE
    for field, value in changes.items():
        setattr(project, field, value)
    project._history_user = actor
    project.save()
    if not was_done and project.status == ProjectStatus.DONE:
        # After the commit: apps above (the stack inventory) act only on a finish that happened,
        # and their failure (logged) never undoes it. See projects.signals.
        transaction.on_commit(lambda: project_finished.send(sender=Project, project=project, actor=actor), robust=True)
    if "requirements_side" in changes:
        step = project.steps.select_for_update().get(key="requirements")
        side = _suggested_side(SuggestedSide.PER_PROJECT, project.requirements_side)
        if step.suggested_side != side:
            step.suggested_side = side
            step._history_user = actor
            step.save(update_fields=["suggested_side"])
    return project


STEP_PLAN_FIELDS = ("due_date", "outcome")


@transaction.atomic
def step_update(
    *,
    actor: User,
    step: LifecycleStep,
    due_date: date | None,
    outcome: str | None = None,
    expected_version: int | None = None,
) -> LifecycleStep:
    """Change a step's plan (due date, outcome); its status moves only through raci.services.

    ``expected_version`` is the ``projects.selectors.step_version`` the plan
    page was opened at: when the plan was changed since, nothing is written
    and ``StaleEdit`` says what (a status change since does not count).

    Who: those who manage the project (``access.can_manage``).
    """
    access.require(
        actor,
        step.project,
        access.can_manage(actor, step.project),
        "Only the project's owner, sponsors, IT lead and executives plan its steps.",
    )
    step = LifecycleStep.objects.select_for_update().get(pk=step.pk)
    if expected_version is not None and expected_version != selectors.step_version(step):
        since = selectors.step_changes_since(step, expected_version, STEP_PLAN_FIELDS)
        if since:
            raise StaleEdit("step's plan", since, selectors.step_version(step))
    _check_text({"outcome": outcome or ""})
    step.due_date = due_date
    if outcome is not None:
        step.outcome = outcome
    step._history_user = actor
    step.save(update_fields=["due_date", "outcome"])
    return step


# A due date further than this from today is taken for a typo (2205 for 2025).
PLAN_HORIZON_YEARS = 10


def steps_plan(
    *,
    actor: User,
    project: Project,
    plans: dict[int, date | None],
    expected_versions: dict[int, int | None] | None = None,
) -> list[LifecycleStep]:
    """Set the due dates of several of ``project``'s steps at once (the plan page),
    all or nothing; returns the steps whose date changed.

    ``plans`` maps a step number to its new due date (None clears it); steps not
    in it are left alone, so a page posts only the dates its user changed.
    ``expected_versions`` maps a step number to the ``projects.selectors.step_version``
    the page was opened at: a step whose due date was changed since is refused,
    so a stale page never undoes someone else's date. Every problem is raised
    at once, one message per step, as a ``ValidationError`` keyed ``due_<number>``.

    Who: those who manage the project (``access.can_manage``), as for ``step_update``.
    """
    access.require(
        actor,
        project,
        access.can_manage(actor, project),
        "Only the project's owner, sponsors, IT lead and executives plan its steps.",
    )
    expected_versions = expected_versions or {}
    with transaction.atomic(), figures.deferred():  # one refresh of the portfolio figures, not ten
        steps = {s.number: s for s in LifecycleStep.objects.select_for_update().filter(project=project)}
        errors = {}
        for number, due in sorted(plans.items()):
            step = steps.get(number)
            problem = _plan_problem(step, due, expected_versions.get(number)) if step else f"There is no step {number}."
            if problem:
                errors[f"due_{number}"] = problem
        if errors:
            raise ValidationError(errors)
        changed = []
        for number, due in sorted(plans.items()):
            step = steps[number]
            if step.due_date != due:
                step.due_date = due
                step._history_user = actor
                step.save(update_fields=["due_date"])
                changed.append(step)
        return changed


def _plan_problem(step: LifecycleStep, due: date | None, expected_version: int | None) -> str:
    """Why ``step`` cannot take ``due`` ("" when it can)."""
    if expected_version is not None and expected_version != selectors.step_version(step):
        since = selectors.step_changes_since(step, expected_version, ("due_date",))
        if since:
            return (
                f"Step {step.number}, {step.name}: someone changed its due date after you opened this page "
                f"({'; '.join(since)}). Your date is kept here: check it and save again."
            )
    today = timezone.localdate()
    if due is not None and abs(due.year - today.year) > PLAN_HORIZON_YEARS:
        return f"Step {step.number}, {step.name}: {due:%d %b %Y} is more than {PLAN_HORIZON_YEARS} years away. A typo?"
    return ""


def _check_text(values: dict) -> None:
    """PostgreSQL stores no NUL character in text: refuse it as input, by field."""
    errors = {
        field: "This text contains a character that cannot be stored (NUL); remove it."
        for field, value in values.items()
        if isinstance(value, str) and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)
