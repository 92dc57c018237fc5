"""The stored portfolio figures (``ProjectFigures``): kept current in the
transaction of every change they depend on.

The portfolio dashboard filters, sorts, pages and sums every project a person
may see. Recomputing each project's ten steps and their Accountable people on
every request made its cost grow with the whole portfolio (``docs/benchmarks.md``);
these figures are what that computation gives, stored one row per project, so
the dashboard reads columns instead.

What is stored is computed by the read side, which registers the function
(``register``: ``overview`` does, from its ``AppConfig.ready()``, with
``overview.portfolio.stored_figures``), since the figures read RACI, an app
above this one. This module decides *when* they are refreshed, always inside
the transaction that made the change, so they never disagree with a committed
change:

* a step saved or deleted (its status, due date, ...);
* a RACI assignment saved or deleted (Accountable people, who takes part);
* a person whose department or active flag changed (every project they hold
  a role on: their side and whether their A counts);
* a project's steps created in bulk (``projects.services.project_create``
  calls ``refresh``).

The first three arrive as model signals (``connect``), so services, the admin
and tests are all covered. A write that sends no signal (``QuerySet.update``,
``bulk_create``, raw SQL, a data import) must call ``refresh`` (or
``refresh_all``) itself. ``deferred()`` gathers the refreshes of a block that
saves many rows (the RACI matrix) into one at its end. The figures depend on
neither the day nor the viewer: overdue steps and vendors are read live by the
dashboard. The alignment figures come from stored round summaries:
``alignment.summaries`` refreshes them when it stores or clears one, and
``alignment.signals`` when a round is deleted.

A migration that adds or changes a figure computes every project's figures
with ``refresh_all`` (today's code), and the earlier ones then do nothing:
today's code writes today's columns, which an older migration's table lacks.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from projects.models import LifecycleStep, Project, ProjectFigures

FIELDS = [  # what a refresh writes (the database computes the generated ones)
    field.name
    for field in ProjectFigures._meta.get_fields()
    if field.concrete and not field.primary_key and not field.generated
]
BATCH = 500

Compute = Callable[[QuerySet[Project]], dict[int, dict]]
_computers: list[Compute] = []
_pending: ContextVar[list | None] = ContextVar("figures_pending", default=None)  # inside deferred()


def register(compute: Compute) -> None:
    """Use ``compute(projects) -> {project id: {field: value}}`` to compute the figures
    (registering again replaces: ``ready()`` may run more than once)."""
    _computers[:] = [compute]


def refresh(projects: QuerySet[Project] | Iterable[int]) -> None:
    """Compute and store the figures of ``projects`` (a queryset or project ids), now,
    or at the end of the enclosing ``deferred()`` block."""
    if isinstance(projects, QuerySet):
        # By id: a queryset filtered through steps or assignments must not repeat a project in the sums.
        projects = Project.objects.filter(pk__in=projects.values("pk"))
    else:
        projects = Project.objects.filter(pk__in=list(projects))
    pending = _pending.get()
    if pending is not None:
        pending.append(projects)
        return
    if not _computers:
        return
    figures = _computers[0](projects.order_by())
    ProjectFigures.objects.bulk_create(
        [ProjectFigures(project_id=pk, **values) for pk, values in figures.items()],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=FIELDS,
    )


def refresh_all() -> int:
    """Recompute every project's figures (after a bulk import or a restore); returns how many."""
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        refresh(ids[start : start + BATCH])
    return len(ids)


@contextmanager
def deferred():
    """Within the block, gather every refresh and run one at its end (only if the block succeeds)."""
    if _pending.get() is not None:
        yield  # an outer block refreshes
        return
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        condition = Q()
        for projects in pending:
            condition |= Q(pk__in=projects.values("pk"))
        refresh(Project.objects.filter(condition))


# --- When: the model signals ---------------------------------------------------------------


def _started_here(sender, origin) -> bool:
    """A deletion that began with rows of ``sender`` (not a project's or a step's cascade:
    the deleted project takes its figures with it; a deleted step refreshes its own)."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is sender


def _step_changed(sender, instance, raw=False, origin=None, **kwargs) -> None:
    if raw or (origin is not None and not _started_here(sender, origin)):
        return
    refresh(Project.objects.filter(pk=instance.project_id))


def _assignment_changed(sender, instance, raw=False, origin=None, **kwargs) -> None:
    if raw or (origin is not None and not _started_here(sender, origin)):
        return
    refresh(Project.objects.filter(pk__in=LifecycleStep.objects.filter(pk=instance.step_id).values("project_id")))


_PERSON_FIELDS = ("is_active", "department")


def _person_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a person is saved: what the figures read of them, as stored (one query), unless
    the save cannot change it (a new person, or ``update_fields`` without those fields, as a
    login's ``last_login``). Read here, not kept from ``post_init``: loading people (thousands
    in a reminder sweep) must cost nothing."""
    instance._figures_before = None
    if raw or instance._state.adding or (update_fields is not None and not set(_PERSON_FIELDS) & set(update_fields)):
        return
    instance._figures_before = sender._default_manager.filter(pk=instance.pk).values_list(*_PERSON_FIELDS).first()


def _person_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A person's side or active flag changed: the projects they hold a role on."""
    before, instance._figures_before = getattr(instance, "_figures_before", None), None
    if created or raw or before is None or tuple(before) == (instance.is_active, instance.department):
        return
    refresh(Project.objects.filter(steps__assignments__user=instance))


def connect() -> None:
    """Keep the figures current on the model signals (idempotent)."""
    post_save.connect(_step_changed, sender=LifecycleStep, dispatch_uid="figures_step_saved")
    post_delete.connect(_step_changed, sender=LifecycleStep, dispatch_uid="figures_step_deleted")
    post_save.connect(_assignment_changed, sender="raci.RaciAssignment", dispatch_uid="figures_raci_saved")
    post_delete.connect(_assignment_changed, sender="raci.RaciAssignment", dispatch_uid="figures_raci_deleted")
    pre_save.connect(_person_saving, sender=settings.AUTH_USER_MODEL, dispatch_uid="figures_person_saving")
    post_save.connect(_person_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="figures_person_saved")
