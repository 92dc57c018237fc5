"""The roadmap's demo data: this year's vision and a mark on each demo project, idempotent.

Run on its own (the people and two demo projects made here), so it does not depend on the rest of
``seed_demo``; ``seed_demo`` lists it in ``FRONT_DOOR_DEMOS``."""

import pytest
from django.utils import timezone

from governance.management.commands.seed_demo import FRONT_DOOR_DEMOS
from roadmap import demo
from roadmap.models import Mark, RoadmapMark, Vision

pytestmark = pytest.mark.django_db


def test_the_demo_writes_this_years_vision_and_marks_the_demo_projects(executive, owner, project_factory):
    assert "roadmap.demo" in FRONT_DOOR_DEMOS
    project_factory.create(owner=owner, name="Social listening")
    cdp = project_factory.create(owner=owner, name="Customer data platform")
    demo.seed({"cmo": executive})
    vision = Vision.objects.get(year=timezone.localdate().year)
    assert (vision.updated_by, vision.version) == (executive, 1)
    marks = dict(RoadmapMark.objects.values_list("project__name", "kind"))
    assert marks == {"Social listening": Mark.QUICK_WIN, "Customer data platform": Mark.STRATEGIC}
    RoadmapMark.objects.filter(project=cdp).update(kind=Mark.QUICK_WIN)  # someone changed it since
    demo.seed({"cmo": executive})  # again: nothing changes
    assert Vision.objects.get().version == 1
    assert RoadmapMark.objects.get(project=cdp).kind == Mark.QUICK_WIN
