"""Demo data for the joint roadmap, added by ``seed_demo`` (idempotent): this year's shared vision,
written by the CMO, and a mark on each demo project (quick wins and strategic bets).

Runs after the projects and intake demos. A vision that exists is left as it is, and so is a
project someone already marked, so running it twice changes nothing.
"""

from django.utils import timezone

from governance.models import User
from projects.models import Project
from roadmap import services
from roadmap.models import Mark, RoadmapMark, Vision

VISION = (
    "By the end of the year every customer sees one brand, wherever they meet us: one customer view "
    "shared by Marketing and IT, consent respected in every channel, and no tool bought twice.\n\n"
    "Marketing owns the why and the customer outcome; IT owns how it runs safely. Every step of every "
    "project has an accountable owner on one side and a partner on the other."
)
MARKS = {
    "Customer data platform": Mark.STRATEGIC,
    "Marketing automation migration": Mark.STRATEGIC,
    "Website personalization": Mark.QUICK_WIN,
    "Social listening": Mark.QUICK_WIN,
    "Consent and preference centre": Mark.STRATEGIC,
    "Marketing data warehouse": Mark.STRATEGIC,
    "Event management platform": Mark.QUICK_WIN,
}


def seed(people: dict[str, User]) -> None:
    cmo = people["cmo"]
    year = timezone.localdate().year
    if not Vision.objects.filter(year=year).exists():
        services.vision_save(actor=cmo, year=year, text=VISION, expected_version=0)
    marked = set(RoadmapMark.objects.values_list("project_id", flat=True))
    for project in Project.objects.filter(name__in=MARKS).exclude(pk__in=marked):
        services.mark_set(actor=cmo, project=project, kind=MARKS[project.name])
