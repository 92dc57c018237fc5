"""Demo data for this app, added by ``seed_demo`` (idempotent): the organization's
responsibility framework, following each step's suggested side, with Maya
(``mops``) as the Marketing Ops person and Dev (``security``) as the IT security one."""

from governance.models import User
from raci.framework import framework_version
from raci.framework_services import framework_save
from raci.models import FrameworkRole, OrganizationPost

OWN, MS, IS, IL = FrameworkRole.OWNER, FrameworkRole.MARKETING_SPONSOR, FrameworkRole.IT_SPONSOR, FrameworkRole.IT_LEAD
MO, SEC = FrameworkRole.MARKETING_OPS, FrameworkRole.IT_SECURITY

# Step number -> {framework role: letter}; one A per step, on the step's suggested side.
DEFAULT_FRAMEWORK: dict[int, dict[str, str]] = {
    1: {OWN: "A", MO: "R", MS: "C", IL: "I", IS: "I"},  # Define the problem (Marketing)
    2: {MS: "A", OWN: "R", MO: "C", IS: "C", IL: "I"},  # Desired outcomes (Marketing)
    3: {OWN: "A", IL: "R", MO: "R", SEC: "C", MS: "I", IS: "I"},  # Requirements (decided per project)
    4: {IL: "A", SEC: "C", OWN: "C", MO: "C", IS: "I"},  # Offer up technologies (IT, with Marketing)
    5: {OWN: "A", IL: "R", MO: "C", SEC: "C", IS: "C", MS: "I"},  # Choose a vendor (joint; budget owner)
    6: {IL: "A", SEC: "C", MO: "C", OWN: "I", IS: "I"},  # Build and integrate (IT)
    7: {IL: "A", OWN: "C", MS: "I", IS: "I"},  # Project management (IT)
    8: {IL: "A", MO: "R", SEC: "C", OWN: "C"},  # Testing (IT, then Marketing)
    9: {MO: "A", OWN: "R", MS: "C", IL: "C"},  # Launch (Marketing)
    10: {IL: "A", SEC: "R", MO: "C", IS: "I", OWN: "I"},  # Ongoing maintenance (IT)
}


def default_entries() -> dict[tuple[int, str], str]:
    """``DEFAULT_FRAMEWORK`` as ``framework_save`` takes it."""
    return {(number, role): letter for number, cells in DEFAULT_FRAMEWORK.items() for role, letter in cells.items()}


def seed(people: dict[str, User]) -> None:
    """Save the default framework once, as the demo administrator; a framework
    that was ever saved (here or by someone since) is left as it is."""
    if framework_version() > 0:
        return
    framework_save(
        actor=people["admin"],
        entries=default_entries(),
        people={
            OrganizationPost.MARKETING_OPS: people.get("mops"),
            OrganizationPost.IT_SECURITY: people.get("security"),
        },
        expected_version=0,
    )
