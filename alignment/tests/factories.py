"""Builders for alignment tests: a round answered by given people, closed or not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alignment.defaults import ensure_default_questionnaire
from alignment.models import AlignmentRound, RoundDimension
from alignment.services import answers_submit, round_open
from conftest import UserFactory
from governance.models import Department

KEYS = ["communication", "vision", "roles", "selection", "testing", "governance", "strategy", "support"]

# The hand-computed example: 4 Marketing-side and 3 IT-side respondents, levels per dimension in KEYS order.
MARKETING_ANSWERS = [
    [4, 4, 3, 2, 3, 3, 2, 3],
    [4, 3, 3, 2, 3, 3, 2, 3],
    [3, 4, 3, 2, 2, 3, 2, 3],
    [5, 3, 3, 2, 3, 3, 2, 3],
]
IT_ANSWERS = [
    [2, 3, 3, 2, 3, 3, 4, 3],
    [2, 3, 3, 2, 3, 3, 4, 3],
    [2, 3, 3, 4, 3, 3, 4, 3],
]


@pytest.fixture
def questionnaire(db):
    """The default questionnaire, even after a transactional test flushed it."""
    ensure_default_questionnaire()


def people(department: str, count: int) -> list:
    return [UserFactory(department=department) for _ in range(count)]


def answer(round_: AlignmentRound, user, levels: list[int], comments: dict[str, str] | None = None) -> None:
    comments = comments or {}
    dims = {d.key: d.pk for d in RoundDimension.objects.filter(round=round_)}
    answers_submit(
        actor=user,
        round_=round_,
        answers={dims[key]: (level, comments.get(key, "")) for key, level in zip(KEYS, levels, strict=True)},
    )


def close(round_: AlignmentRound, *, days_ago: int = 0) -> AlignmentRound:
    AlignmentRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(days=days_ago, seconds=1))
    round_.refresh_from_db()
    return round_


def answered_round(
    opener,
    marketing: list[list[int]],
    it: list[list[int]],
    *,
    other: list[list[int]] = (),
    project=None,
    invitees: list | None = None,
    title: str = "Spring round",
    closed: bool = True,
    days_ago: int = 0,
) -> tuple[AlignmentRound, list, list]:
    """A round opened by ``opener``, answered by new people (or the first of ``invitees``) with these levels."""
    m_people = people(Department.MARKETING_OPS, len(marketing))
    it_people = people(Department.IT, len(it))
    o_people = people(Department.OTHER, len(other))
    invited = [*m_people, *it_people, *o_people, *(invitees or [])]
    if project is not None:
        from conftest import assign

        for person in [*m_people, *it_people, *o_people]:
            assign(project.steps.get(number=2), person, "I")
    round_ = round_open(
        actor=opener, title=title, closes_on=timezone.localdate() + timedelta(days=7), invitees=invited, project=project
    )
    for person, levels in zip([*m_people, *it_people, *o_people], [*marketing, *it, *other], strict=True):
        answer(round_, person, levels)
    if closed:
        close(round_, days_ago=days_ago)
    return round_, m_people, it_people
