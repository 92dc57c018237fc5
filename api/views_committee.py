"""The steering committee: its meetings (list, one with its agenda items and actions), an
action given or marked done, an agenda item decided. Reads through ``committee.selectors``,
writes through ``committee.services``; who may do what is ``projects.access``'s committee rules
(404 for whoever may not see the committee, 403 for a reader who does not sit on it)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import Pagination
from api.schema import ID, PAGE_PARAMETERS, errors_for, paginated, path_schema
from api.serializers import PersonSerializer
from committee import selectors, services
from committee.models import Action, Decision, ItemKind
from governance.models import User
from projects import access

MEETING = OpenApiParameter("id", ID, OpenApiParameter.PATH, description="Meeting id.")
ACTION = OpenApiParameter("id", ID, OpenApiParameter.PATH, description="Action id.")
ITEM = OpenApiParameter("item_pk", ID, OpenApiParameter.PATH, description="Agenda item id.")


class MeetingOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    location = serializers.CharField()
    call_link = serializers.CharField()
    agenda_sent_at = serializers.DateTimeField(allow_null=True)
    minuted_at = serializers.DateTimeField(allow_null=True, help_text="Once set, the record is final.")
    version = serializers.IntegerField()


class ActionOut(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    item = serializers.IntegerField(source="item_id", allow_null=True)
    owner = PersonSerializer()
    due = serializers.DateField()
    description = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = PersonSerializer(allow_null=True)


class ItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    title = serializers.CharField()
    detail = serializers.CharField()
    project = serializers.CharField(source="project.slug", allow_null=True)
    intake_request = serializers.IntegerField(source="intake_request_id", allow_null=True)
    decision = serializers.CharField(help_text='"approve", "reject", "defer", "note"; "" until decided.')
    decision_note = serializers.CharField()
    decided_by = PersonSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class MeetingDetailOut(MeetingOut):
    minutes = serializers.CharField()
    attendees = PersonSerializer(many=True)
    items = ItemOut(many=True)
    actions = ActionOut(many=True)
    can_run = serializers.BooleanField(help_text="Whether you sit on the committee (and so may change it).")


class ActionIn(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True)
    due = serializers.DateField(allow_null=True)
    description = serializers.CharField(allow_blank=True, max_length=5000)
    item = serializers.IntegerField(required=False, allow_null=True, help_text="An agenda item of this meeting.")


class ActionDoneIn(serializers.Serializer):
    done = serializers.BooleanField(default=True, help_text="False: open it again.")


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    note = serializers.CharField(allow_blank=True, max_length=5000)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    marketing_sponsor = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    it_sponsor = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    it_lead = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    target_launch = serializers.DateField(required=False, allow_null=True)


def _run_meeting(request, pk: int):
    """The meeting for a member: 404 for whoever may not see the committee, 403 for a reader
    (checked before the body is read; the service checks again)."""
    meeting = selectors.meeting_for(request.user, pk)
    access.require_committee(request.user, True, access.can_run_committee(request.user), services.NOT_A_MEMBER)
    return meeting


def _detail(request, meeting) -> dict:
    page = selectors.meeting_page(request.user, meeting)
    data = MeetingOut(meeting).data
    data.update(
        minutes=meeting.minutes,
        attendees=PersonSerializer(page.attendees, many=True).data,
        items=ItemOut(page.items, many=True).data,
        actions=ActionOut(page.actions, many=True).data,
        can_run=page.can_run,
    )
    return data


class Meetings(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(MeetingOut, "Meetings"), **errors_for(400, 404)},
        operation_id="committee_meetings_list",
    )
    def get(self, request):
        """The committee's meetings, latest first (its members, executives and administrators)."""
        if not access.can_see_committee(request.user):
            raise access.NotVisible("No such page.")
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.meetings(request.user).order_by("-starts_at", "-pk"), request, self
        )
        return paginator.get_paginated_response(MeetingOut(page, many=True).data)


@path_schema(MEETING)
class Meeting(APIView):
    @extend_schema(responses={200: MeetingDetailOut, **errors_for(404)})
    def get(self, request, pk: int):
        """A meeting, its agenda items with their decisions, its actions, and its minutes."""
        return Response(_detail(request, selectors.meeting_for(request.user, pk)))


@path_schema(MEETING)
class MeetingActions(APIView):
    @extend_schema(request=ActionIn, responses={201: ActionOut, **errors_for(400, 403, 404)})
    def post(self, request, pk: int):
        """Give someone an action from the meeting (``committee.services.action_add``; members, not once minuted)."""
        meeting = _run_meeting(request, pk)
        serializer = ActionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item_id = data.pop("item", None)
        item = meeting.items.filter(pk=item_id).first() if item_id is not None else None
        if item_id is not None and item is None:
            raise Http404("No such agenda item.")
        action = services.action_add(actor=request.user, meeting=meeting, item=item, **data)
        action = Action.objects.select_related("owner", "done_by").get(pk=action.pk)
        return Response(ActionOut(action).data, status=status.HTTP_201_CREATED)


@path_schema(ACTION)
class ActionDone(APIView):
    @extend_schema(request=ActionDoneIn, responses={200: ActionOut, **errors_for(400, 403, 404)})
    def post(self, request, pk: int):
        """Mark an action done, or open again (``committee.services.action_done``; its owner or a member)."""
        action = Action.objects.filter(pk=pk).first()
        if action is None:
            raise Http404("No such action.")
        allowed = access.can_complete_committee_action(request.user, owner_id=action.owner_id)
        visible = allowed or access.can_see_committee(request.user)
        access.require_committee(request.user, visible, allowed, "Only the action's owner or a member marks it done.")
        serializer = ActionDoneIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.action_done(actor=request.user, action=action, done=serializer.validated_data["done"])
        return Response(ActionOut(Action.objects.select_related("owner", "done_by").get(pk=pk)).data)


@path_schema(MEETING, ITEM)
class ItemDecision(APIView):
    @extend_schema(request=DecisionIn, responses={200: ItemOut, **errors_for(400, 403, 404)})
    def post(self, request, pk: int, item_pk: int):
        """Decide an agenda item, with a note (``committee.services.item_decide``). An intake item
        approved names its owner, sponsors, IT lead and target launch, as on the page."""
        meeting = _run_meeting(request, pk)
        item = meeting.items.select_related("intake_request", "meeting").filter(pk=item_pk).first()
        if item is None:
            raise Http404("No such agenda item.")
        serializer = DecisionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        decision, note = data.pop("decision"), data.pop("note")
        services.item_decide(actor=request.user, item=item, decision=decision, note=note, approval=data)
        item = meeting.items.select_related("project", "decided_by").get(pk=item_pk)
        return Response(ItemOut(item).data)
