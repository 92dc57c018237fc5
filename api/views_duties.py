"""The duties of the RACI letters at one step: read them; accept or decline being Accountable;
answer the step's consultation; waive a Consulted person's answer. Reads through ``raci.duties``,
writes through ``raci.duties_services``; who may is ``projects.access`` (the person made
Accountable; the Consulted people for themselves; the step's Accountable person)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ID, NUMBER, SLUG, errors_for, path_schema
from api.serializers import PersonSerializer
from api.views_projects import project_of, step_of
from governance.models import User
from projects import access
from raci import duties, duties_services
from raci.models import Acknowledgement, AcknowledgementState, ConsultationAnswer

PERSON = OpenApiParameter("user_id", ID, OpenApiParameter.PATH, description="The Consulted person's user id.")


class AcknowledgementOut(serializers.Serializer):
    id = serializers.IntegerField()
    user = PersonSerializer()
    state = serializers.ChoiceField(choices=AcknowledgementState.choices)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class ConsultationOut(serializers.Serializer):
    person = PersonSerializer()
    answer = serializers.CharField(allow_null=True, help_text='"agree", "concerns", "waived"; null: not answered.')
    comment = serializers.CharField()
    answered_by = PersonSerializer(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)


class DutiesOut(serializers.Serializer):
    number = serializers.IntegerField()
    accountable = PersonSerializer(allow_null=True)
    acknowledgement = AcknowledgementOut(allow_null=True, help_text="The latest for the Accountable person.")
    consultations = ConsultationOut(many=True)
    informed = PersonSerializer(many=True)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=5000)


class ConsultationIn(serializers.Serializer):
    answer = serializers.ChoiceField(choices=[ConsultationAnswer.AGREE, ConsultationAnswer.CONCERNS])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


def _consultation(person, answer) -> dict:
    return {
        "person": person,
        "answer": answer.answer if answer else None,
        "comment": answer.comment if answer else "",
        "answered_by": answer.answered_by if answer else None,
        "answered_at": answer.answered_at if answer else None,
    }


def _duties(step) -> dict:
    state = duties.step_duties(step)
    return DutiesOut(
        {
            "number": step.number,
            "accountable": state.accountable,
            "acknowledgement": state.acknowledgement,
            "consultations": [_consultation(person, answer) for person, answer in state.consultations],
            "informed": state.informed,
        }
    ).data


def _step(request, slug: str, number: int):
    return step_of(project_of(request, slug), number)


def _awaiting(request, step) -> Acknowledgement:
    """What the step's Accountable person is asked to acknowledge; 400 when nothing awaits, 403 for anyone else."""
    awaiting = Acknowledgement.objects.filter(step=step, state=AcknowledgementState.AWAITING).first()
    if awaiting is None:
        raise ValidationError("Nothing on this step awaits acknowledgement.")
    if not access.can_acknowledge(request.user, accountable_id=awaiting.user_id):
        raise PermissionDenied("Only the person made Accountable can accept or decline it.")
    return awaiting


@path_schema(SLUG, NUMBER)
class StepDuties(APIView):
    @extend_schema(responses={200: DutiesOut, **errors_for(404)})
    def get(self, request, slug: str, number: int):
        """The step's Accountable person and their acknowledgement, its consultations and Informed people."""
        return Response(_duties(_step(request, slug, number)))


@path_schema(SLUG, NUMBER)
class DutiesAccept(APIView):
    @extend_schema(request=None, responses={200: DutiesOut, **errors_for(400, 403, 404)})
    def post(self, request, slug: str, number: int):
        """Accept being Accountable for the step (``raci.duties_services.acknowledgement_accept``)."""
        step = _step(request, slug, number)
        duties_services.acknowledgement_accept(actor=request.user, acknowledgement=_awaiting(request, step))
        return Response(_duties(step))


@path_schema(SLUG, NUMBER)
class DutiesDecline(APIView):
    @extend_schema(request=ReasonIn, responses={200: DutiesOut, **errors_for(400, 403, 404)})
    def post(self, request, slug: str, number: int):
        """Decline being Accountable, with a reason: the step is left without one
        (``raci.duties_services.acknowledgement_decline``)."""
        step = _step(request, slug, number)
        awaiting = _awaiting(request, step)
        serializer = ReasonIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        duties_services.acknowledgement_decline(actor=request.user, acknowledgement=awaiting, reason=reason)
        return Response(_duties(step))


@path_schema(SLUG, NUMBER)
class DutiesConsultation(APIView):
    @extend_schema(request=ConsultationIn, responses={200: DutiesOut, **errors_for(400, 403, 404)})
    def put(self, request, slug: str, number: int):
        """Answer the step's consultation for yourself: agree, or concerns with a comment
        (``raci.duties_services.consultation_answer``)."""
        step = _step(request, slug, number)
        if not access.can_answer_consultation(request.user, consulted_ids={u.pk for u in duties.consulted(step)}):
            raise PermissionDenied("Only the people Consulted on this step answer its consultation.")
        serializer = ConsultationIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        duties_services.consultation_answer(actor=request.user, step=step, **serializer.validated_data)
        return Response(_duties(step))


@path_schema(SLUG, NUMBER, PERSON)
class DutiesWaive(APIView):
    @extend_schema(request=ReasonIn, responses={200: DutiesOut, **errors_for(400, 403, 404)})
    def post(self, request, slug: str, number: int, user_id: int):
        """Go ahead without a Consulted person's answer, with a reason: the step's Accountable person
        (``raci.duties_services.consultation_waive``)."""
        step = _step(request, slug, number)
        if not access.can_waive_consultation(request.user, accountable_id=duties.accountable_id(step)):
            raise PermissionDenied("Only the step's Accountable person waives a consultation.")
        person = User.objects.filter(pk=user_id).first()
        if person is None:
            raise Http404("No such person.")
        serializer = ReasonIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        duties_services.consultation_waive(actor=request.user, step=step, person=person, reason=reason)
        return Response(_duties(step))
