"""Naming and clearing liaisons: the person who speaks for one side (Marketing or IT) to the other.

The organization has at most one liaison per side; a project may name its own,
who then stands in for the organization's on that project
(``projects.liaisons.liaisons_for`` reads them with the fallback). Every write
is kept in the history (django-simple-history), by whom and when.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.models import Side, User
from projects import access
from projects.models import Liaison, Project

ORGANIZATION_REFUSAL = "Only executives and administrators name the organization's liaisons."
PROJECT_REFUSAL = "Only the project's owner, sponsors, IT lead and executives name its liaisons."


def _require(actor: User, project: Project | None) -> None:
    if project is None:
        access.require(actor, None, access.can_name_organization_liaisons(actor), ORGANIZATION_REFUSAL)
    else:
        access.require(actor, project, access.can_name_project_liaisons(actor, project), PROJECT_REFUSAL)


def _check(side: str, user: User) -> None:
    _check_side(side)
    label = Side(side).label
    if not user.is_active:
        raise ValidationError({"user": f"{user.display_name} is no longer active: name someone who is."})
    if user.side != side:
        raise ValidationError(
            {"user": f"The {label} liaison must be on the {label} side; {user.display_name} is in {user.side_label}."}
        )


def liaison_set(*, actor: User, side: str, user: User, project: Project | None = None) -> Liaison:
    """Name ``user`` the ``side`` liaison of ``project`` (None: of the organization),
    replacing whoever held it. The person must be active and on that side.

    Who: for the organization, executives and administrators
    (``access.can_name_organization_liaisons``); for a project, those who manage it
    (``access.can_name_project_liaisons``).
    """
    _require(actor, project)
    _check(side, user)
    with _one_at_a_time():
        return _set(actor, side, user, project)


def liaison_clear(*, actor: User, side: str, project: Project | None = None) -> bool:
    """Clear the ``side`` liaison of ``project`` (None: of the organization); True when
    there was one. A project without its own falls back to the organization's.

    Who: as for ``liaison_set``.
    """
    _require(actor, project)
    _check_side(side)
    with transaction.atomic():
        return _clear(actor, side, project)


def liaisons_save(*, actor: User, people: dict[str, User | None], project: Project | None = None) -> list[str]:
    """Set both sides at once (the forms): ``people`` maps a side to its liaison, None to
    clear it; sides not in it are left alone. All or nothing; every problem is raised at
    once, keyed by side. Returns the sides that changed.

    Who: as for ``liaison_set``.
    """
    _require(actor, project)
    errors = {}
    for side, user in people.items():
        try:
            if user is None:
                _check_side(side)
            else:
                _check(side, user)
        except ValidationError as error:
            errors[side] = error.messages
    if errors:
        raise ValidationError(errors)
    changed = []
    with _one_at_a_time():
        current = {row.side: row.user_id for row in Liaison.objects.filter(project=project)}
        for side, user in sorted(people.items()):
            if current.get(side) == (user.pk if user else None):
                continue
            if user is None:
                _clear(actor, side, project)
            else:
                _set(actor, side, user, project)
            changed.append(side)
    return changed


@contextmanager
def _one_at_a_time():
    """One transaction; the one-per-side constraint's clash (two people naming the same
    liaison at the same moment) becomes a message instead of an error page."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(
            "Someone named a liaison at the same moment; nothing was saved. Reload the page and try again."
        ) from None


def _check_side(side: str) -> None:
    if side not in Side.values:
        raise ValidationError({"side": f"“{side}” is not a side: marketing or it."})


def _set(actor: User, side: str, user: User, project: Project | None) -> Liaison:
    liaison = Liaison.objects.select_for_update().filter(side=side, project=project).first()
    if liaison is None:
        liaison = Liaison(side=side, project=project, user=user)
    elif liaison.user_id == user.pk:
        return liaison
    liaison.user = user
    liaison._history_user = actor
    liaison.save()
    return liaison


def _clear(actor: User, side: str, project: Project | None) -> bool:
    liaison = Liaison.objects.select_for_update().filter(side=side, project=project).first()
    if liaison is None:
        return False
    liaison._history_user = actor
    liaison.delete()
    return True
