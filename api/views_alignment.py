"""Alignment rounds: list, open, read (results only once closed, under the anonymity rule
of ``alignment.anonymity``: a side's figure is null below the respondent threshold), answer."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alignment import selectors
from alignment.models import RoundDimension
from alignment.services import answers_submit, round_open
from api.pagination import Pagination
from api.schema import ID, PAGE_PARAMETERS, errors_for, paginated, path_schema
from api.serializers import PersonSerializer
from governance.models import User
from projects import access

# drf-spectacular names a "pk" path parameter "id" (SCHEMA_COERCE_PATH_PK).
ROUND = OpenApiParameter("id", ID, OpenApiParameter.PATH, description="Round id.")


class RoundOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    project = serializers.CharField(
        source="project.slug", allow_null=True, help_text="Null: a whole-organization round."
    )
    opened_by = PersonSerializer()
    opened_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    is_open = serializers.BooleanField()


class FiguresOut(serializers.Serializer):
    overall = serializers.FloatField(allow_null=True)
    marketing = serializers.FloatField(allow_null=True)
    it = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True, help_text="Marketing's mean minus IT's.")
    overall_n = serializers.IntegerField()
    marketing_n = serializers.IntegerField()
    it_n = serializers.IntegerField()


class DimensionOut(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    question = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    figures = FiguresOut(allow_null=True, help_text="Null while the round is open.")


class RoundDetailOut(RoundOut):
    invited = serializers.BooleanField(help_text="Whether you were invited.")
    answered = serializers.BooleanField(help_text="Whether you have answered.")
    figures = FiguresOut(allow_null=True, help_text="Null while the round is open.")
    dimensions = DimensionOut(many=True)


class RoundIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    closes_on = serializers.DateField()
    invitees = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    project = serializers.SlugField(required=False, allow_null=True, help_text="A project round: its slug.")


class AnswerIn(serializers.Serializer):
    dimension = serializers.IntegerField()
    level = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AnswersIn(serializers.Serializer):
    answers = AnswerIn(many=True)


def _figures(figures) -> dict:
    return {
        "overall": figures.overall,
        "marketing": figures.marketing,
        "it": figures.it,
        "gap": figures.gap,
        "overall_n": figures.overall_n,
        "marketing_n": figures.marketing_n,
        "it_n": figures.it_n,
    }


def _detail(round_, invitation, viewer) -> dict:
    data = RoundOut(round_).data
    results = None if round_.is_open else selectors.round_results(round_, viewer=viewer)
    by_dimension = {d.dimension.pk: d.figures for d in results.dimensions} if results else {}
    data.update(
        invited=invitation is not None,
        answered=bool(invitation and invitation.answered_at),
        figures=_figures(results.figures) if results else None,
        dimensions=[
            {
                "id": d.pk,
                "position": d.position,
                "name": d.name,
                "question": d.question,
                "levels": list(d.levels),
                "figures": _figures(by_dimension[d.pk]) if d.pk in by_dimension else None,
            }
            for d in RoundDimension.objects.filter(round=round_).order_by("position")
        ],
    )
    return data


class Rounds(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(RoundOut, "Rounds"), **errors_for(400, 404)},
        operation_id="alignment_rounds_list",
    )
    def get(self, request):
        """Rounds you may see, newest first."""
        rounds = selectors.rounds_visible_to(request.user).order_by("-opened_at", "-pk")
        paginator = Pagination()
        page = paginator.paginate_queryset(rounds, request, view=self)
        return paginator.get_paginated_response(RoundOut(page, many=True).data)

    @extend_schema(request=RoundIn, responses={201: RoundDetailOut, **errors_for(400, 403, 404)})
    def post(self, request):
        """Open a round (``alignment.services.round_open``): the organization's, or a project's."""
        serializer = RoundIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slug = data.pop("project", None)
        project = access.get_project_or_404(request.user, slug) if slug else None
        round_ = round_open(actor=request.user, project=project, **data)
        round_, invitation = selectors.round_for(request.user, round_.pk)
        return Response(_detail(round_, invitation, request.user), status=status.HTTP_201_CREATED)


@path_schema(ROUND)
class Round(APIView):
    @extend_schema(responses={200: RoundDetailOut, **errors_for(404)})
    def get(self, request, pk: int):
        """A round, its questions, and once it has closed its figures (null for a side with too few answers)."""
        round_, invitation = selectors.round_for(request.user, pk)
        return Response(_detail(round_, invitation, request.user))


@path_schema(ROUND)
class RoundAnswers(APIView):
    @extend_schema(request=AnswersIn, responses={200: RoundDetailOut, **errors_for(400, 403, 404)})
    def put(self, request, pk: int):
        """Give or change your answers, one per dimension (``alignment.services.answers_submit``)."""
        round_, invitation = selectors.round_for(request.user, pk)
        if round_.project_id is not None:
            access.get_project_or_404(request.user, round_.project.slug, access.Action.PARTICIPATE)
        if invitation is None:
            raise PermissionDenied("You were not invited to this round, so you cannot answer it.")
        serializer = AnswersIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = {a["dimension"]: (a["level"], a["comment"]) for a in serializer.validated_data["answers"]}
        answers_submit(actor=request.user, round_=round_, answers=answers)
        round_, invitation = selectors.round_for(request.user, pk)
        return Response(_detail(round_, invitation, request.user))
