"""Roadmap writes: a project's quick-win or strategic mark, and the shared vision of a year.

Each service asks ``projects.access`` before it reads or writes anything else.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime

from governance.models import User
from projects import access
from projects.models import Project
from projects.services import StaleEdit
from roadmap.models import FIRST_YEAR, LAST_YEAR, Mark, RoadmapMark, Vision

VISION_MAX_LENGTH = 4000


@transaction.atomic
def mark_set(*, actor: User, project: Project, kind: str) -> RoadmapMark | None:
    """Mark ``project`` a quick win or strategic; ``kind`` empty removes the mark, so the
    roadmap shows the default again (the intake request's urgency, else strategic).

    Who: those who manage the project (``access.can_manage``: owner, sponsors, IT lead,
    executives, administrators).
    """
    access.require(
        actor,
        project,
        access.can_manage(actor, project),
        "Only the project's owner, sponsors, IT lead and executives mark it a quick win or strategic.",
    )
    if kind and kind not in Mark.values:
        raise ValidationError("Choose quick win or strategic.")
    if not kind:
        RoadmapMark.objects.filter(project=project).delete()
        return None
    mark, _ = RoadmapMark.objects.update_or_create(project=project, defaults={"kind": kind, "set_by": actor})
    return mark


def _changed_by(vision: Vision) -> list[str]:
    who = vision.updated_by.display_name if vision.updated_by else "someone"
    return [f"{who}, {date_format(localtime(vision.updated_at), 'j M Y H:i')}"]


def _check(year: int, text: str) -> str:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"A vision is for a year from {FIRST_YEAR} to {LAST_YEAR}.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the vision: an empty one says nothing."})
    if len(text) > VISION_MAX_LENGTH:
        raise ValidationError({"text": f"Keep the vision within {VISION_MAX_LENGTH} characters."})
    return text


def vision_save(*, actor: User, year: int, text: str, expected_version: int | None = None) -> Vision:
    """Write the shared vision of ``year``. ``expected_version`` is the version the edit page
    showed (0: no vision yet): when someone saved since, nothing is written and ``StaleEdit``
    says who and when, so a stale page never undoes their words.

    Who: executives and administrators (``access.sees_everything``).
    """
    access.require(
        actor, None, access.sees_everything(actor), "Only executives and administrators write the shared vision."
    )
    text = _check(year, text)
    try:
        with transaction.atomic():
            vision = Vision.objects.select_for_update().filter(year=year).first()
            if vision is None:
                if expected_version:
                    raise ValidationError("This vision no longer exists; reload the page.")
                return Vision.objects.create(year=year, text=text, updated_by=actor)
            if expected_version is not None and expected_version != vision.version:
                raise StaleEdit("vision", _changed_by(vision), vision.version)
            vision.text = text
            vision.updated_by = actor
            vision.version += 1
            vision.save()
            return vision
    except IntegrityError:
        # Someone wrote the first vision of this year between our read and our insert.
        vision = Vision.objects.select_related("updated_by").get(year=year)
        raise StaleEdit("vision", _changed_by(vision), vision.version) from None
