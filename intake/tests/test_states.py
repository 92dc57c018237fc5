"""The state machine on its own: which moves exist, who makes them, what is final."""

import pytest

from intake.states import (
    APPROVER,
    FINAL_STATES,
    MOVES,
    OPEN_STATES,
    REQUESTER,
    REVIEWER,
    State,
    can_move,
    find_move,
    moves_for,
    refusal,
)


def test_every_state_is_open_or_final():
    assert set(OPEN_STATES) | set(FINAL_STATES) == set(State.values)
    assert not set(OPEN_STATES) & set(FINAL_STATES)


@pytest.mark.parametrize("final", FINAL_STATES)
def test_nothing_leaves_a_final_state(final):
    assert not any(final in move.from_states for move in MOVES)
    assert moves_for(final, {REQUESTER, REVIEWER, APPROVER}) == []
    assert "final" in refusal(final, State.IN_REVIEW)


def test_the_moves_of_the_issue():
    assert can_move(State.SUBMITTED, State.IN_REVIEW)
    assert can_move(State.IN_REVIEW, State.NEEDS_INFORMATION)
    assert can_move(State.NEEDS_INFORMATION, State.IN_REVIEW)
    assert can_move(State.IN_REVIEW, State.APPROVED) and can_move(State.IN_REVIEW, State.REJECTED)
    assert not can_move(State.SUBMITTED, State.APPROVED) and not can_move(State.NEEDS_INFORMATION, State.REJECTED)
    for state in OPEN_STATES:
        assert can_move(state, State.WITHDRAWN) and can_move(state, State.DUPLICATE)


def test_who_makes_each_move():
    assert find_move(State.IN_REVIEW, State.APPROVED, {REVIEWER}) is None
    assert find_move(State.IN_REVIEW, State.APPROVED, {APPROVER}) is not None
    assert find_move(State.SUBMITTED, State.WITHDRAWN, {REVIEWER, APPROVER}) is None
    assert find_move(State.SUBMITTED, State.WITHDRAWN, {REQUESTER}) is not None
    # the requester sends a request back for review only once information was asked for
    assert find_move(State.SUBMITTED, State.IN_REVIEW, {REQUESTER}) is None
    assert find_move(State.NEEDS_INFORMATION, State.IN_REVIEW, {REQUESTER}).label == "Send back for review"
    assert "only when it is needs information" in refusal(State.SUBMITTED, State.IN_REVIEW, {REQUESTER})


def test_a_reason_is_required_where_the_requester_must_be_told_why():
    required = {m.to_state for m in MOVES if m.reason_required}
    assert required == {State.NEEDS_INFORMATION, State.APPROVED, State.REJECTED, State.DUPLICATE}
