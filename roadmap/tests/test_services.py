"""The roadmap's writes: the shared vision (saved, refused when stale, refused for non-executives)
and a project's mark (set, removed, refused)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.access import NotVisible
from projects.services import StaleEdit
from roadmap.models import Mark, RoadmapMark, Vision
from roadmap.services import mark_set, vision_save

pytestmark = pytest.mark.django_db


def test_an_executive_writes_the_first_vision_of_a_year(executive):
    vision = vision_save(actor=executive, year=2027, text="  One customer view.  ", expected_version=0)
    assert (vision.year, vision.text, vision.version, vision.updated_by) == (2027, "One customer view.", 1, executive)


def test_saving_again_adds_a_version(executive, admin_user):
    vision_save(actor=executive, year=2027, text="One view.", expected_version=0)
    vision = vision_save(actor=admin_user, year=2027, text="One view, one stack.", expected_version=1)
    assert (vision.version, vision.updated_by) == (2, admin_user)
    assert Vision.objects.count() == 1


def test_a_stale_save_writes_nothing_and_says_who(executive, admin_user):
    vision_save(actor=executive, year=2027, text="One view.", expected_version=0)
    vision_save(actor=admin_user, year=2027, text="Their words.", expected_version=1)
    with pytest.raises(StaleEdit) as stale:
        vision_save(actor=executive, year=2027, text="My words.", expected_version=1)
    assert stale.value.version == 2
    assert admin_user.display_name in str(stale.value)
    assert Vision.objects.get(year=2027).text == "Their words."


def test_a_first_vision_written_meanwhile_is_stale(executive, admin_user):
    vision_save(actor=admin_user, year=2027, text="Theirs.", expected_version=0)
    with pytest.raises(StaleEdit):
        vision_save(actor=executive, year=2027, text="Mine.", expected_version=0)
    assert Vision.objects.get(year=2027).text == "Theirs."


@pytest.mark.parametrize("persona", ["owner", "member", "outsider", "it_lead"])
def test_only_executives_and_administrators_write_the_vision(request, persona):
    with pytest.raises(PermissionDenied) as refusal:
        vision_save(actor=request.getfixturevalue(persona), year=2027, text="Mine.", expected_version=0)
    assert not isinstance(refusal.value, NotVisible)
    assert not Vision.objects.exists()


@pytest.mark.parametrize(("year", "text"), [(1999, "Text."), (2101, "Text."), (2027, "   "), (2027, "x" * 4001)])
def test_a_bad_year_or_text_is_refused(executive, year, text):
    with pytest.raises(ValidationError):
        vision_save(actor=executive, year=year, text=text, expected_version=0)
    assert not Vision.objects.exists()


def test_a_manager_marks_and_unmarks_a_project(project, owner, it_lead):
    mark = mark_set(actor=owner, project=project, kind=Mark.QUICK_WIN)
    assert (mark.kind, mark.set_by) == (Mark.QUICK_WIN, owner)
    mark = mark_set(actor=it_lead, project=project, kind=Mark.STRATEGIC)
    assert RoadmapMark.objects.get(project=project).kind == Mark.STRATEGIC
    assert mark_set(actor=owner, project=project, kind="") is None
    assert not RoadmapMark.objects.exists()


def test_marking_is_refused_to_a_member_and_hidden_from_an_outsider(project, member, outsider):
    with pytest.raises(PermissionDenied) as refusal:
        mark_set(actor=member, project=project, kind=Mark.QUICK_WIN)
    assert not isinstance(refusal.value, NotVisible)
    with pytest.raises(NotVisible):
        mark_set(actor=outsider, project=project, kind=Mark.QUICK_WIN)
    assert not RoadmapMark.objects.exists()


def test_an_unknown_mark_is_refused(project, executive):
    with pytest.raises(ValidationError):
        mark_set(actor=executive, project=project, kind="someday")
    assert not RoadmapMark.objects.exists()
