"""The ten lifecycle steps every project walks through: defined here and nowhere else."""

from dataclasses import dataclass

from django.db import models


class SuggestedSide(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    IT = "it", "IT"
    PER_PROJECT = "per_project", "Marketing or IT (decided per project)"
    IT_WITH_MARKETING = "it_with_marketing", "IT, jointly with Marketing"
    JOINT = "joint", "Joint; the budget owner breaks ties"
    IT_THEN_MARKETING = "it_then_marketing", "IT, then Marketing"


@dataclass(frozen=True)
class StepTemplate:
    number: int
    key: str
    name: str
    suggested_side: str
    guidance: str


LIFECYCLE: tuple[StepTemplate, ...] = (
    StepTemplate(
        1,
        "problem",
        "Define the problem",
        SuggestedSide.MARKETING,
        "State the business problem in the customer's and the business's terms, before any tool is named.",
    ),
    StepTemplate(
        2,
        "outcomes",
        "Define desired outcomes",
        SuggestedSide.MARKETING,
        "Write the proposal: measurable outcomes, with the CMO and the CIO as sponsors.",
    ),
    StepTemplate(
        3,
        "requirements",
        "Define the requirements",
        SuggestedSide.PER_PROJECT,
        "Functional and technical requirements. Decide per project whether Marketing or IT is accountable.",
    ),
    StepTemplate(
        4,
        "technologies",
        "Offer up technologies",
        SuggestedSide.IT_WITH_MARKETING,
        "IT offers build-or-buy options jointly with Marketing; candidates go on the vendor scorecard.",
    ),
    StepTemplate(
        5,
        "vendor",
        "Choose a vendor",
        SuggestedSide.JOINT,
        "Both sides choose on equal footing from the scorecard; the budget owner breaks ties.",
    ),
    StepTemplate(
        6,
        "build",
        "Build and integrate the solution",
        SuggestedSide.IT,
        "IT builds and integrates the chosen solution with the existing stack and data.",
    ),
    StepTemplate(
        7,
        "management",
        "Project management",
        SuggestedSide.IT,
        "Keep the project on time and to quality; report progress to both sponsors.",
    ),
    StepTemplate(
        8,
        "testing",
        "Testing",
        SuggestedSide.IT_THEN_MARKETING,
        "IT tests stability first, then Marketing validates the solution against the requirements.",
    ),
    StepTemplate(
        9,
        "launch",
        "Launch",
        SuggestedSide.MARKETING,
        "Position the solution, train users, drive adoption and celebrate the launch.",
    ),
    StepTemplate(
        10,
        "maintenance",
        "Ongoing maintenance",
        SuggestedSide.IT,
        "Keep the solution running and escalate to the vendor when needed.",
    ),
)

STEP_COUNT = len(LIFECYCLE)
STEP_KEYS = tuple(step.key for step in LIFECYCLE)
