from datetime import date

import pytest

from roadmap.quarters import Quarter

START = Quarter(2027, 1)  # the window the tests look at: Q1 2027 to Q4 2027


def plan(project, number: int, due: date) -> None:
    step = project.steps.get(number=number)
    step.due_date = due
    step.save(update_fields=["due_date"])


@pytest.fixture
def start():
    return START
