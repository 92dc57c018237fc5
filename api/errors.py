"""Every API error in one shape: ``{"errors": {<field>: [messages], "__all__": [messages]}}``.

* a field's problem under the field's name (a step's due date under ``due_<number>``,
  a rating under ``score_<criterion id>``, as the services name them);
* a RACI matrix cell's problem under ``matrix``: ``{"<step number>": {"<user id>": [...]}}``;
* anything about the request as a whole under ``__all__``.

Statuses: 400 a broken rule or bad input, 401 no or a bad credential, 403 visible but
not allowed (a read-only token writing included), 404 missing or not visible to the
caller, 409 a stale version (then ``version`` says the current one), 429 throttled.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from projects.models import LifecycleStep
from projects.services import StaleEdit as StaleProject
from raci.services import MatrixError, StaleMatrix
from scorecards.services import StaleEdit as StaleCandidate

ALL = "__all__"


def _messages(value) -> list:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def django_errors(exc: ValidationError) -> dict:
    """A Django ``ValidationError`` as the errors object: per field, or under ``__all__``."""
    if hasattr(exc, "error_dict"):
        return {(ALL if field == "__all__" else field): messages for field, messages in exc.message_dict.items()}
    return {ALL: list(exc.messages)}


def matrix_errors(exc: MatrixError) -> dict:
    """A refused matrix: general messages under ``__all__``, cell messages per step number and user id."""
    errors: dict = {}
    if exc.general:
        errors[ALL] = list(exc.general)
    if exc.cell_errors:
        numbers = dict(
            LifecycleStep.objects.filter(pk__in={step_id for _, step_id in exc.cell_errors}).values_list("pk", "number")
        )
        cells: dict = {}
        for (user_id, step_id), messages in exc.cell_errors.items():
            cells.setdefault(str(numbers.get(step_id, step_id)), {})[str(user_id)] = list(messages)
        errors["matrix"] = cells
    return errors


def _drf_errors(data) -> dict:
    if isinstance(data, dict):
        if set(data) == {"detail"}:
            return {ALL: _messages(data["detail"])}
        return {(ALL if key in ("non_field_errors", "detail") else key): value for key, value in data.items()}
    return {ALL: _messages(data)}


def exception_handler(exc, context):
    """DRF's handler, then every answer reshaped to ``{"errors": …}``; Django's own
    refusals (``ValidationError``, ``PermissionDenied``, ``Http404``) mapped first."""
    if isinstance(exc, Http404):  # before PermissionDenied: projects.access.NotVisible is both
        return Response({"errors": {ALL: ["Not found."]}}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, (StaleProject, StaleMatrix)):
        body = {"errors": {ALL: list(exc.messages) + list(exc.changes)}, "version": exc.version}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, StaleCandidate):
        body = {"errors": {ALL: list(exc.messages)}, "version": exc.current.version}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, MatrixError):
        return Response({"errors": matrix_errors(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ValidationError):
        return Response({"errors": django_errors(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        message = str(exc) or "You may not do this."
        return Response({"errors": {ALL: [message]}}, status=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": _drf_errors(response.data)}
    return response


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone changed this after you read it."
