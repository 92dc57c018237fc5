"""What the stack inventory does when something happens elsewhere (connected in ``InventoryConfig.ready``)."""

from inventory.services import tool_from_finished_project
from projects.signals import project_finished


def add_chosen_vendor(sender, *, project, actor=None, **kwargs) -> None:
    """A project finished: its chosen vendor joins the stack (once; see ``tool_from_finished_project``)."""
    tool_from_finished_project(project, finished_by=actor)


def connect() -> None:
    project_finished.connect(add_chosen_vendor, dispatch_uid="inventory.add_chosen_vendor")
