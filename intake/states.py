"""The states of an intake request and the moves between them: defined here and nowhere else.

    submitted ──start review──► in review ──approve──► approved
        │                        │  ▲   └──reject───► rejected
        │                        ▼  │
        │                needs information   (the requester edits and resubmits, or a reviewer resumes)
        │
    any open state ──withdraw (the requester)──► withdrawn
    any open state ──duplicate of … (a reviewer or an approver)──► duplicate

Open states are submitted, in review and needs information; every other state
is final: nothing moves a request out of it. Who may make each move is a role
of the person towards the request (``REQUESTER``, ``REVIEWER``, ``APPROVER``);
``intake.services`` asks ``projects.access`` whether the actor holds it.
Approving has its own service (``request_approve``: it creates the project),
and is listed here so the state machine is complete.
"""

from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    NEEDS_INFORMATION = "needs_information", "Needs information"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DUPLICATE = "duplicate", "Duplicate"


OPEN_STATES = (State.SUBMITTED, State.IN_REVIEW, State.NEEDS_INFORMATION)
FINAL_STATES = (State.APPROVED, State.REJECTED, State.WITHDRAWN, State.DUPLICATE)

REQUESTER, REVIEWER, APPROVER = "requester", "reviewer", "approver"


@dataclass(frozen=True)
class Move:
    to_state: str
    from_states: tuple[str, ...]
    who: tuple[str, ...]  # REQUESTER, REVIEWER, APPROVER: any one of them may make it
    label: str  # the button
    reason_required: bool
    reason_label: str


MOVES: tuple[Move, ...] = (
    Move(
        State.IN_REVIEW,
        (State.SUBMITTED, State.NEEDS_INFORMATION),
        (REVIEWER, APPROVER),
        "Start the review",
        False,
        "Note (optional)",
    ),
    Move(
        State.IN_REVIEW,
        (State.NEEDS_INFORMATION,),
        (REQUESTER,),
        "Send back for review",
        False,
        "What did you add? (optional)",
    ),
    Move(
        State.NEEDS_INFORMATION,
        (State.SUBMITTED, State.IN_REVIEW),
        (REVIEWER, APPROVER),
        "Ask for information",
        True,
        "What is missing?",
    ),
    Move(State.APPROVED, (State.IN_REVIEW,), (APPROVER,), "Approve", True, "Decision note"),
    Move(State.REJECTED, (State.IN_REVIEW,), (APPROVER,), "Reject", True, "Why is it rejected?"),
    Move(State.WITHDRAWN, OPEN_STATES, (REQUESTER,), "Withdraw", False, "Why (optional)"),
    Move(State.DUPLICATE, OPEN_STATES, (REVIEWER, APPROVER), "Mark as a duplicate", True, "Why is it a duplicate?"),
)
# Moves made through ``request_transition``; approval goes through ``request_approve``.
TRANSITION_STATES = (State.IN_REVIEW, State.NEEDS_INFORMATION, State.REJECTED, State.WITHDRAWN, State.DUPLICATE)


def can_move(from_state: str, to_state: str) -> bool:
    """Whether the machine has a move from ``from_state`` to ``to_state`` (whoever makes it)."""
    return any(m.to_state == to_state and from_state in m.from_states for m in MOVES)


def find_move(from_state: str, to_state: str, roles: set[str]) -> Move | None:
    """The move from ``from_state`` to ``to_state`` that someone holding ``roles`` may make, if any."""
    for move in MOVES:
        if move.to_state == to_state and from_state in move.from_states and roles.intersection(move.who):
            return move
    return None


def moves_for(from_state: str, roles: set[str]) -> list[Move]:
    """The moves someone holding ``roles`` may make from ``from_state``, one per target state."""
    found: dict[str, Move] = {}
    for move in MOVES:
        if from_state in move.from_states and roles.intersection(move.who):
            found.setdefault(move.to_state, move)
    return list(found.values())


def is_open(state: str) -> bool:
    return state in OPEN_STATES


def _label(state: str) -> str:
    return State(state).label.lower() if state in State.values else str(state)


def refusal(from_state: str, to_state: str, roles: set[str] | None = None) -> str:
    """Why a request in ``from_state`` cannot move to ``to_state`` (by someone
    holding ``roles``, when given), in words."""
    if from_state in FINAL_STATES:
        return f"This request is {_label(from_state)}: that is final, so it cannot change any more."
    sources = {
        s
        for m in MOVES
        if m.to_state == to_state and (roles is None or roles.intersection(m.who))
        for s in m.from_states
    }
    if not sources:
        return f"A request cannot be moved to “{_label(to_state)}”."
    allowed = " or ".join(_label(s) for s in State.values if s in sources)
    return f"This request is {_label(from_state)}: it can be moved to {_label(to_state)} only when it is {allowed}."
