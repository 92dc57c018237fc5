"""Projects, their steps and their RACI matrix. Thin: parse, call the service or
selector, serialize. Every rule, and every refusal's words, are the services'."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as InputError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.pagination import Pagination
from api.schema import ERRORS, NUMBER, PAGE_PARAMETERS, SLUG, TRANSITION, errors_for, paginated, path_schema
from projects import access
from projects import selectors as project_selectors
from projects import services as project_services
from raci import selectors as raci_selectors
from raci import services as raci_services


def project_of(request, slug: str, action: access.Action = access.Action.VIEW):
    """The project ``slug`` if the caller may see it (else 404) and do ``action`` (else 403),
    checked before the body is read (``projects.access``); the service checks again."""
    return access.get_project_or_404(request.user, slug, action)


def step_of(project, number: int):
    """The project's step ``number``; 404 for any other number, however large."""
    if not 1 <= number <= 32767:
        raise Http404("No such step.")
    return access.get_step_or_404(project, number)


def _detail(project) -> dict:
    data = s.ProjectSerializer(project).data
    data["version"] = project_selectors.project_version(project)
    return data


def _parsed(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ProjectList(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[c for c, _ in s.ProjectStatus.choices]),
            OpenApiParameter("sponsor", int, description="User id of either sponsor."),
            OpenApiParameter("mine", bool, description="Only projects you own, sponsor, lead or hold a role in."),
            OpenApiParameter("q", str, description="Words in the name, problem or people."),
            OpenApiParameter("sort", str, description="A column (name, status, owner, target…), -column descending."),
            *PAGE_PARAMETERS,
        ],
        responses={200: paginated(s.ProjectSerializer, "Projects"), **errors_for(400, 404)},
        operation_id="projects_list",
    )
    def get(self, request):
        """Projects you may see, filtered; in a stable order (the sort, then name, then id)."""
        search = project_selectors.project_search(request.user, request.query_params)
        if search.is_bound and not search.is_valid():
            raise InputError({field: list(messages) for field, messages in search.errors.items()})
        paginator = Pagination()
        page = paginator.paginate_queryset(search.qs, request, view=self)
        return paginator.get_paginated_response(s.ProjectSerializer(page, many=True).data)

    @extend_schema(request=s.ProjectWriteSerializer, responses={201: s.ProjectDetailSerializer, **errors_for(400, 403)})
    def post(self, request):
        """Create a project and its ten steps (``projects.services.project_create``)."""
        data = _parsed(s.ProjectWriteSerializer, request)
        project = project_services.project_create(actor=request.user, **data)
        return Response(_detail(project), status=status.HTTP_201_CREATED)


@path_schema(SLUG)
class ProjectDetail(APIView):
    @extend_schema(responses={200: s.ProjectDetailSerializer, **errors_for(404)})
    def get(self, request, slug: str):
        return Response(_detail(project_of(request, slug)))

    @extend_schema(
        request=s.ProjectUpdateSerializer, responses={200: s.ProjectDetailSerializer, **errors_for(400, 403, 404, 409)}
    )
    def patch(self, request, slug: str):
        """Change some fields (``projects.services.project_update``); send the ``version`` you read."""
        project = project_of(request, slug, access.Action.MANAGE)
        data = dict(_parsed(s.ProjectUpdateSerializer, request))
        version = data.pop("version")
        project = project_services.project_update(actor=request.user, project=project, expected_version=version, **data)
        return Response(_detail(project))


def _step_data(step) -> dict:
    return s.StepSerializer(step).data


@path_schema(SLUG)
class StepList(APIView):
    @extend_schema(responses={200: s.StepSerializer(many=True), **errors_for(404)})
    def get(self, request, slug: str):
        """The ten steps in order, with their Accountable and Responsible people."""
        project = project_of(request, slug)
        return Response([_step_data(step) for step in raci_selectors.steps_with_people(project)])


@path_schema(SLUG, NUMBER)
class StepDetail(APIView):
    @extend_schema(responses={200: s.StepDetailSerializer, **errors_for(404)})
    def get(self, request, slug: str, number: int):
        project = project_of(request, slug)
        step = next((st for st in raci_selectors.steps_with_people(project) if st.number == number), None)
        if step is None:
            step_of(project, number)  # raises the same 404 as a page
        data = _step_data(step)
        data["version"] = project_selectors.step_version(step)
        return Response(data)


@path_schema(SLUG)
class StepPlan(APIView):
    @extend_schema(request=s.PlanSerializer, responses={200: s.StepSerializer(many=True), **errors_for(400, 403, 404)})
    def post(self, request, slug: str):
        """Set several steps' due dates, all or nothing (``projects.services.steps_plan``).
        A step whose date changed since the ``version`` you read is refused under ``due_<number>``."""
        project = project_of(request, slug, access.Action.MANAGE)
        items = _parsed(s.PlanSerializer, request)["steps"]
        plans = {item["number"]: item["due_date"] for item in items}
        versions = {item["number"]: item.get("version") for item in items}
        project_services.steps_plan(actor=request.user, project=project, plans=plans, expected_versions=versions)
        return Response([_step_data(step) for step in raci_selectors.steps_with_people(project)])


@path_schema(SLUG, NUMBER, TRANSITION)
class StepTransition(APIView):
    @extend_schema(request=s.TransitionSerializer, responses={200: s.StepDetailSerializer, **errors_for(400, 403, 404)})
    def post(self, request, slug: str, number: int, transition: str):
        """Start, finish, block or reopen a step (``raci.services.step_transition``, with its RACI gate)."""
        project = project_of(request, slug)
        step = step_of(project, number)
        access.require(
            request.user,
            project,
            access.can_transition_step(request.user, step),
            "You can see this step but not change its status.",
        )
        reason = _parsed(s.TransitionSerializer, request)["reason"]
        raci_services.step_transition(actor=request.user, step=step, transition=transition, reason=reason)
        return StepDetail().get(request, slug, number)


def matrix_data(project) -> dict:
    matrix = raci_selectors.matrix_for(project)
    numbers = {step.pk: step.number for step in matrix.steps}
    cells = [
        {"step": numbers[step_id], "person": user_id, "role": role}
        for (user_id, step_id), role in sorted(matrix.roles.items(), key=lambda item: (numbers[item[0][1]], item[0]))
    ]
    return {
        "version": raci_selectors.matrix_version(project),
        "steps": [{"id": st.pk, "number": st.number, "name": st.name} for st in matrix.steps],
        "people": s.PersonSerializer(matrix.people, many=True).data,
        "cells": cells,
    }


def _int_keys(mapping: dict, what: str) -> dict[int, object]:
    try:
        return {int(key): value for key, value in mapping.items()}
    except (TypeError, ValueError):
        raise InputError({what: [f"Every key is a {what} number (an integer)."]}) from None


@path_schema(SLUG)
class Matrix(APIView):
    @extend_schema(responses={200: s.MatrixSerializer, **errors_for(404)})
    def get(self, request, slug: str):
        """The RACI matrix: steps × people, the roles held, and its version."""
        return Response(matrix_data(project_of(request, slug)))

    @extend_schema(request=s.MatrixWriteSerializer, responses={200: s.MatrixSerializer, **ERRORS})
    def put(self, request, slug: str):
        """Replace the whole matrix atomically (``raci.services.matrix_save``): whoever is left out
        loses every role, and a step left out of a person's row loses that person's role."""
        project = project_of(request, slug, access.Action.MANAGE)
        data = _parsed(s.MatrixWriteSerializer, request)
        step_ids = {st.number: st.pk for st in project.steps.all()}
        rows = {}
        current = raci_selectors.matrix_for(project)
        for person in current.people:
            rows[person.pk] = dict.fromkeys(step_ids.values(), "")
        for user_id, roles in _int_keys(data["rows"], "person").items():
            unknown = set(_int_keys(roles, "step")) - set(step_ids)
            if unknown:
                raise InputError({"rows": [f"There is no step {min(unknown)}."]})
            rows[user_id] = dict.fromkeys(step_ids.values(), "")
            rows[user_id].update({step_ids[n]: role for n, role in _int_keys(roles, "step").items()})
        raci_services.matrix_save(actor=request.user, project=project, rows=rows, expected_version=data["version"])
        return Response(matrix_data(project))


@path_schema(SLUG, NUMBER)
class MatrixStep(APIView):
    @extend_schema(request=s.StepAssignmentsSerializer, responses={200: s.MatrixSerializer, **ERRORS})
    def put(self, request, slug: str, number: int):
        """Replace one step's assignments atomically (``raci.services.matrix_save``)."""
        project = project_of(request, slug, access.Action.MANAGE)
        step = step_of(project, number)
        data = _parsed(s.StepAssignmentsSerializer, request)
        current = raci_selectors.matrix_for(project)
        rows = {person.pk: {step.pk: ""} for person in current.people if current.role(person.pk, step.pk)}
        for user_id, role in _int_keys(data["assignments"], "person").items():
            rows[user_id] = {step.pk: role}
        raci_services.matrix_save(actor=request.user, project=project, rows=rows, expected_version=data["version"])
        return Response(matrix_data(project))


@path_schema(SLUG)
class Reminders(APIView):
    class Out(serializers.Serializer):
        recipient = s.PersonSerializer()
        sent_at = serializers.DateTimeField()
        steps = serializers.ListField(child=serializers.IntegerField(), help_text="Step numbers.")
        escalation = serializers.BooleanField()
        reason = serializers.CharField()

    @extend_schema(responses={200: Out(many=True), **errors_for(404)})
    def get(self, request, slug: str):
        """The reminders sent about the project, newest first (the last 20 e-mails)."""
        project = project_of(request, slug)
        digests = raci_selectors.project_reminders(project)
        return Response(
            [
                {
                    "recipient": s.PersonSerializer(d.recipient).data,
                    "sent_at": d.sent_at,
                    "steps": [st.number for st in d.steps],
                    "escalation": d.escalation,
                    "reason": d.reason,
                }
                for d in digests
            ]
        )
