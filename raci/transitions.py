"""Step transitions as rules: which exist, and from which statuses each may start.

Read by pages (which buttons a step shows) and by ``raci.services.step_transition``
(which performs them); nothing here writes.
"""

from projects.models import LifecycleStep, StepStatus


class Transition:
    START = "start"
    FINISH = "finish"
    BLOCK = "block"
    REOPEN = "reopen"

    ALL = (START, FINISH, BLOCK, REOPEN)
    LABELS = {START: "Start", FINISH: "Finish", BLOCK: "Block", REOPEN: "Reopen"}
    PAST = {START: "started", FINISH: "finished", BLOCK: "blocked", REOPEN: "reopened"}
    SOURCES = {
        START: (StepStatus.NOT_STARTED, StepStatus.BLOCKED),
        FINISH: (StepStatus.IN_PROGRESS,),
        BLOCK: (StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS),
        REOPEN: (StepStatus.DONE,),
    }


def available_transitions(step: LifecycleStep) -> list[str]:
    """The transitions ``step``'s status allows (whoever may perform them: ``projects.access``)."""
    return [t for t in Transition.ALL if step.status in Transition.SOURCES[t]]
