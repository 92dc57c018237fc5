"""Demo liaisons: the organization's on both sides, and one project that names its own IT liaison."""

from governance.models import Side, User
from projects.liaison_services import liaison_set
from projects.models import Liaison, Project

OWN_LIAISON_PROJECT = "Social listening"


def seed(people: dict[str, User]) -> None:
    """Idempotent: a side that already has a liaison is left as it is."""
    executive = people["cio"]
    for side, username in ((Side.MARKETING, "mops"), (Side.IT, "itlead")):
        if not Liaison.objects.filter(project__isnull=True, side=side).exists():
            liaison_set(actor=executive, side=side, user=people[username])
    project = Project.objects.filter(name=OWN_LIAISON_PROJECT).first()
    if project is not None and not project.liaisons.filter(side=Side.IT).exists():
        liaison_set(actor=project.owner, side=Side.IT, user=people["integrator"], project=project)
