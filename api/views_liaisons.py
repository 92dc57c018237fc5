"""Liaisons: who speaks for Marketing to IT and for IT to Marketing, the organization's and a
project's (its own, else the organization's standing in). Reads through ``projects.liaisons``,
writes through ``projects.liaison_services.liaisons_save``: the organization's by executives and
administrators, a project's by those who manage it."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import SLUG, errors_for, path_schema
from api.serializers import PersonSerializer
from api.views_projects import project_of
from governance.models import Side, User
from projects import access, liaisons
from projects.liaison_services import ORGANIZATION_REFUSAL, liaisons_save


class LiaisonOut(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices)
    person = PersonSerializer(allow_null=True, help_text="Null: nobody named (or who was named left).")
    is_fallback = serializers.BooleanField(help_text="The organization's liaison, standing in for the project's own.")


class LiaisonsIn(serializers.Serializer):
    marketing = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, help_text="User id; null clears it."
    )
    it = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, help_text="User id; null clears it."
    )


def _organization() -> list[dict]:
    found = liaisons.organization_liaisons()
    return [{"side": side, "person": found[side], "is_fallback": False} for side in liaisons.SIDES]


def _project(project) -> list[dict]:
    rows = liaisons.side_rows(liaisons.liaisons_for(project))
    return [{"side": row.side, "person": row.person, "is_fallback": row.is_fallback} for row in rows]


def _people(request) -> dict:
    """The sides sent, each with its person or None (sides not sent are left alone)."""
    serializer = LiaisonsIn(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class OrganizationLiaisons(APIView):
    @extend_schema(responses={200: LiaisonOut(many=True), **errors_for(404)})
    def get(self, request):
        """The organization's liaison per side (everyone signed in reads them)."""
        return Response(LiaisonOut(_organization(), many=True).data)

    @extend_schema(request=LiaisonsIn, responses={200: LiaisonOut(many=True), **errors_for(400, 403, 404)})
    def put(self, request):
        """Name or clear the organization's liaisons (``projects.liaison_services.liaisons_save``):
        executives and administrators; the person must be active and on that side."""
        access.require(request.user, None, access.can_name_organization_liaisons(request.user), ORGANIZATION_REFUSAL)
        liaisons_save(actor=request.user, people=_people(request))
        return Response(LiaisonOut(_organization(), many=True).data)


@path_schema(SLUG)
class ProjectLiaisons(APIView):
    @extend_schema(responses={200: LiaisonOut(many=True), **errors_for(404)})
    def get(self, request, slug: str):
        """The project's liaison per side: its own, else the organization's (``is_fallback``)."""
        return Response(LiaisonOut(_project(project_of(request, slug)), many=True).data)

    @extend_schema(request=LiaisonsIn, responses={200: LiaisonOut(many=True), **errors_for(400, 403, 404)})
    def put(self, request, slug: str):
        """Name or clear the project's own liaisons (``projects.liaison_services.liaisons_save``):
        those who manage it."""
        project = project_of(request, slug, access.Action.MANAGE)
        liaisons_save(actor=request.user, people=_people(request), project=project)
        return Response(LiaisonOut(_project(project), many=True).data)
