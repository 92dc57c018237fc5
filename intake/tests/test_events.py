"""Deciding a request is announced (``projects.signals.intake_decided``) once, inside its transaction."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from intake import services
from intake.states import State
from intake.tests.conftest import approve, review, submit
from projects import signals


@contextmanager
def caught():
    seen = []

    def receiver(sender, **kwargs):
        seen.append(
            (kwargs["request"].pk, kwargs["state"], kwargs["project"], kwargs["actor"], connection.in_atomic_block)
        )

    signals.intake_decided.connect(receiver, weak=False, dispatch_uid="intake-events-test")
    try:
        yield seen
    finally:
        signals.intake_decided.disconnect(dispatch_uid="intake-events-test")


def test_approval_is_announced_with_its_project(requester, reviewer, approver, crm, people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    with caught() as seen:
        project = approve(approver, request, people)
    assert seen == [(request.pk, State.APPROVED, project, approver, True)]


def test_rejection_is_announced_and_other_moves_are_not(requester, reviewer, approver, crm):
    request = submit(requester, crm)
    with caught() as seen:
        review(reviewer, request)  # into review: not a decision
        request.refresh_from_db()
        with pytest.raises(PermissionDenied):  # the requester cannot reject their own request
            services.request_reject(actor=requester, request=request, reason="No.", expected_version=request.version)
        services.request_reject(actor=approver, request=request, reason="Too costly.", expected_version=request.version)
    assert seen == [(request.pk, State.REJECTED, None, approver, True)]
