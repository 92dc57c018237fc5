"""A project's vendor scorecard: criteria, candidates, the caller's own ratings, and the
results under the blind rule (``scorecards.selectors.scorecard_results(viewer=…)``)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import CANDIDATE, SLUG, errors_for, path_schema
from api.views_projects import project_of
from projects import access
from scorecards import selectors, services
from scorecards.models import Group


class CriterionOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null until the scorecard's first write.")
    name = serializers.CharField()
    group = serializers.ChoiceField(choices=Group.choices)
    description = serializers.CharField()
    weight = serializers.FloatField()
    minimum = serializers.FloatField(allow_null=True)


class CandidateOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    website = serializers.CharField()
    build_in_house = serializers.BooleanField()
    version = serializers.IntegerField()


def _figure(value):
    return None if value is None else float(value)


class ResultOut(serializers.Serializer):
    candidate = serializers.IntegerField()
    visible = serializers.BooleanField(help_text="False until you submit your own rating (the blind rule).")
    rank = serializers.IntegerField(allow_null=True)
    overall = serializers.FloatField(allow_null=True)
    it_total = serializers.FloatField(allow_null=True)
    marketing_total = serializers.FloatField(allow_null=True)
    submitted = serializers.IntegerField(allow_null=True, help_text="Submitted rating sheets.")
    below_minimum = serializers.ListField(child=serializers.CharField(), allow_null=True)


class ScorecardOut(serializers.Serializer):
    criteria = CriterionOut(many=True)
    candidates = CandidateOut(many=True)
    results = ResultOut(many=True)
    it_maximum = serializers.IntegerField()
    marketing_maximum = serializers.IntegerField()


def _result(result) -> dict:
    hidden = not result.visible
    return {
        "candidate": result.candidate.pk,
        "visible": result.visible,
        "rank": None if hidden else result.rank,
        "overall": None if hidden else _figure(result.overall),
        "it_total": None if hidden else _figure(result.it_total),
        "marketing_total": None if hidden else _figure(result.marketing_total),
        "submitted": None if hidden else result.submitted,
        "below_minimum": None if hidden else result.below_minimum,
    }


@path_schema(SLUG)
class Scorecard(APIView):
    @extend_schema(responses={200: ScorecardOut, **errors_for(404)})
    def get(self, request, slug: str):
        """Criteria, candidates and results; a candidate's figures are null for you until
        you submit your own rating of it (executives and administrators see all)."""
        project = project_of(request, slug)
        results = selectors.scorecard_results(selectors.scorecard_of(project), viewer=request.user)
        return Response(
            {
                "criteria": CriterionOut(results.criteria, many=True).data,
                "candidates": CandidateOut([r.candidate for r in results.candidates], many=True).data,
                "results": [_result(r) for r in results.candidates],
                "it_maximum": results.it_maximum,
                "marketing_maximum": results.marketing_maximum,
            }
        )


class CandidateIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    website = serializers.URLField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    build_in_house = serializers.BooleanField(required=False, default=False)


@path_schema(SLUG)
class Candidates(APIView):
    @extend_schema(request=CandidateIn, responses={201: CandidateOut, **errors_for(400, 403, 404)})
    def post(self, request, slug: str):
        """Add a candidate (``scorecards.services.candidate_save``)."""
        project = project_of(request, slug, access.Action.MANAGE)
        serializer = CandidateIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        scorecard = services.scorecard_for(project)
        candidate = services.candidate_save(actor=request.user, scorecard=scorecard, **serializer.validated_data)
        return Response(CandidateOut(candidate).data, status=201)


class RatingOut(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    comment = serializers.CharField(allow_blank=True, max_length=500, required=False, default="")


class SheetOut(serializers.Serializer):
    candidate = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    ratings = RatingOut(many=True)


class SheetIn(serializers.Serializer):
    ratings = RatingOut(many=True)
    submit = serializers.BooleanField(help_text="True counts the sheet (every criterion scored); false keeps a draft.")


def _candidate(request, slug: str, candidate_id: int, action=access.Action.VIEW):
    project = project_of(request, slug, action)
    if candidate_id > 2**31 - 1:
        raise Http404("No such candidate.")
    candidate = selectors.candidate_of(selectors.scorecard_of(project), candidate_id)
    if candidate is None:
        raise Http404("No such candidate.")
    return candidate


def _sheet(candidate, user) -> dict:
    sheet = selectors.my_sheets(candidate.scorecard, user).get(candidate.pk)
    ratings = []
    if sheet is not None:
        pending = sheet.submitted_at is not None and sheet.draft_saved_at is not None
        for rating in sheet.ratings.order_by("criterion_id"):
            score, comment = (rating.draft_score, rating.draft_comment) if pending else (rating.score, rating.comment)
            ratings.append({"criterion": rating.criterion_id, "score": score, "comment": comment})
    return {"candidate": candidate.pk, "submitted_at": sheet.submitted_at if sheet else None, "ratings": ratings}


@path_schema(SLUG, CANDIDATE)
class Ratings(APIView):
    @extend_schema(responses={200: SheetOut, **errors_for(404)})
    def get(self, request, slug: str, candidate_id: int):
        """Your own rating sheet of the candidate (a pending draft of changes when there is one)."""
        return Response(_sheet(_candidate(request, slug, candidate_id), request.user))

    @extend_schema(request=SheetIn, responses={200: SheetOut, **errors_for(400, 403, 404)})
    def put(self, request, slug: str, candidate_id: int):
        """Save your ratings as a draft or submit them (``scorecards.services.ratings_save``);
        a score's problem comes back under ``score_<criterion id>``."""
        candidate = _candidate(request, slug, candidate_id, access.Action.PARTICIPATE)
        serializer = SheetIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        ratings = serializer.validated_data["ratings"]
        services.ratings_save(
            actor=request.user,
            candidate=candidate,
            scores={r["criterion"]: r["score"] for r in ratings},
            comments={r["criterion"]: r.get("comment", "") for r in ratings},
            submit=serializer.validated_data["submit"],
        )
        return Response(_sheet(candidate, request.user))
