"""A project's vendor decision and its two signatures: read it with both sides' positions, sign
your side's (agree, or disagree with a comment), break a tie as the budget owner's sponsor. Reads
through ``scorecards.selectors``, writes through ``scorecards.services``; who may sign or break a
tie is ``projects.access`` (the side's sponsor; the budget owner's sponsor when the other disagrees)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ID, SLUG, errors_for, path_schema
from api.serializers import PersonSerializer
from api.views_projects import project_of
from projects import access
from scorecards import selectors, services

SIDES = {"marketing": "Marketing", "it": "IT"}
DECISION = OpenApiParameter("decision_id", ID, OpenApiParameter.PATH, description="Decision id.")
SIDE = OpenApiParameter("side", str, OpenApiParameter.PATH, enum=list(SIDES), description="The side you sign for.")
TIE_REFUSAL = "Only the budget owner's sponsor breaks a tie, and only when the other sponsor disagrees."


class SignatureOut(serializers.Serializer):
    id = serializers.IntegerField()
    signer = PersonSerializer()
    agrees = serializers.BooleanField()
    comment = serializers.CharField()
    signed_at = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField(allow_null=True)


class PositionOut(serializers.Serializer):
    side = serializers.ChoiceField(choices=list(SIDES.items()))
    sponsor = PersonSerializer(allow_null=True)
    current = SignatureOut(allow_null=True, help_text="Send its id back as `seen` when you sign.")
    counts = serializers.BooleanField(help_text="Whether the current signature is the sponsor's now.")
    history = SignatureOut(many=True, help_text="Earlier signatures, superseded.")


class CandidateRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DecisionOut(serializers.Serializer):
    id = serializers.IntegerField()
    candidate = CandidateRef()
    rationale = serializers.CharField()
    against_ranking_reason = serializers.CharField()
    rule = serializers.CharField()
    decided_by = PersonSerializer()
    decided_at = serializers.DateTimeField()
    stood_at = serializers.DateTimeField(allow_null=True, help_text="Set once both sides agree or a tie is broken.")
    tie_broken_by = PersonSerializer(allow_null=True)
    tie_break_reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    positions = PositionOut(many=True)
    disagreement = serializers.BooleanField(help_text="The side that does not own the budget disagrees.")


class SignIn(serializers.Serializer):
    agrees = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    seen = serializers.IntegerField(allow_null=True, help_text="The id of your side's current signature you read.")


class TieIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=5000)


def _decision_of(request, slug: str, decision_id: int):
    project = project_of(request, slug)
    decision = selectors.decision_of(selectors.scorecard_of(project), decision_id)
    if decision is None:
        raise Http404("No such decision.")
    return project, decision


def _detail(project, decision) -> dict:
    body = {
        field: getattr(decision, field)
        for field in ("id", "rationale", "against_ranking_reason", "rule", "decided_at", "stood_at")
    }
    body.update(
        candidate=decision.candidate,
        decided_by=decision.decided_by,
        tie_broken_by=decision.tie_broken_by,
        tie_break_reason=decision.tie_break_reason,
        withdrawn_at=decision.withdrawn_at,
        positions=selectors.decision_positions(decision, project),
        disagreement=services.has_disagreement(decision),
    )
    return DecisionOut(body).data


@path_schema(SLUG, DECISION)
class VendorDecision(APIView):
    @extend_schema(responses={200: DecisionOut, **errors_for(404)})
    def get(self, request, slug: str, decision_id: int):
        """A vendor decision (any state) with both sides' positions and their history."""
        project, decision = _decision_of(request, slug, decision_id)
        return Response(_detail(project, decision))


@path_schema(SLUG, DECISION, SIDE)
class VendorDecisionSign(APIView):
    @extend_schema(request=SignIn, responses={200: DecisionOut, **errors_for(400, 403, 404)})
    def post(self, request, slug: str, decision_id: int, side: str):
        """Sign your side's position (``scorecards.services.decision_sign``): agree, or disagree with a
        comment; ``seen`` is your side's current signature id as you read it (null for none)."""
        project, decision = _decision_of(request, slug, decision_id)
        if side not in SIDES:
            raise Http404("No such side.")
        if not access.can_sign_vendor_decision(request.user, project, side):
            raise PermissionDenied(f"Only the project's {SIDES[side]} sponsor signs the {SIDES[side]} position.")
        serializer = SignIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.decision_sign(actor=request.user, decision=decision, side=side, **serializer.validated_data)
        return Response(_detail(project, selectors.decision_of(decision.scorecard, decision.pk)))


@path_schema(SLUG, DECISION)
class VendorDecisionBreakTie(APIView):
    @extend_schema(request=TieIn, responses={200: DecisionOut, **errors_for(400, 403, 404)})
    def post(self, request, slug: str, decision_id: int):
        """Make a disputed proposal stand, with a reason (``scorecards.services.decision_break_tie``)."""
        project, decision = _decision_of(request, slug, decision_id)
        if not access.can_break_vendor_tie(request.user, project, disagreement=services.has_disagreement(decision)):
            raise PermissionDenied(TIE_REFUSAL)
        serializer = TieIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.decision_break_tie(actor=request.user, decision=decision, reason=serializer.validated_data["reason"])
        return Response(_detail(project, selectors.decision_of(decision.scorecard, decision.pk)))
