"""The joint roadmap: its items (every project you may see, by launch, with the page's filters),
the shared vision of a year (everyone reads it; executives and administrators write it, with its
version: a stale one is 409), and a project's quick-win or strategic mark (those who manage it).
Reads through ``roadmap.selectors`` (and the page's ``roadmap.filters``), writes through
``roadmap.services``."""

from django.db.models import F
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as InputError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import Pagination
from api.schema import PAGE_PARAMETERS, SLUG, errors_for, paginated, path_schema
from api.serializers import PersonSerializer
from api.views_projects import project_of
from governance.models import Side
from projects import access
from projects.models import ProjectStatus
from roadmap import selectors, services
from roadmap.filters import RoadmapFilter
from roadmap.models import FIRST_YEAR, LAST_YEAR, Mark

YEAR = OpenApiParameter(
    "year", {"type": "integer"}, description=f"A year, {FIRST_YEAR} to {LAST_YEAR} (default: this year)."
)
VISION_REFUSAL = "Only executives and administrators write the shared vision."


class RoadmapItemOut(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    launch = serializers.DateField(allow_null=True, help_text="Target launch, else the last planned step's due date.")
    launch_source = serializers.CharField(help_text='"target launch", "last planned step" or "" (unscheduled).')
    quarter = serializers.CharField(allow_null=True, help_text="The launch's quarter, e.g. 2026-Q3.")
    mark = serializers.ChoiceField(choices=Mark.choices)
    mark_source = serializers.CharField()
    category = serializers.CharField()
    step_number = serializers.IntegerField(allow_null=True, help_text="The current step; null: all done.")
    intake_request = serializers.IntegerField(allow_null=True)
    can_mark = serializers.BooleanField(help_text="Whether you may change its mark.")


class VisionOut(serializers.Serializer):
    year = serializers.IntegerField()
    text = serializers.CharField(help_text="Empty while nobody wrote it.")
    version = serializers.IntegerField(help_text="0 while nobody wrote it; send it back with a change.")
    updated_by = PersonSerializer(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class VisionIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=20000)
    version = serializers.IntegerField(min_value=0, help_text="The version you read (0: none yet).")


class MarkIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Mark.choices, allow_blank=True)  # blank: back to the default


class MarkOut(serializers.Serializer):
    slug = serializers.SlugField()
    mark = serializers.CharField(allow_blank=True, help_text='The mark set; "" for the default.')


def _item(item) -> dict:
    return {
        "slug": item.project.slug,
        "name": item.project.name,
        "status": item.project.status,
        "launch": item.launch,
        "launch_source": item.launch_source,
        "quarter": item.quarter.code if item.quarter else None,
        "mark": item.mark,
        "mark_source": item.mark_source,
        "category": item.category,
        "step_number": item.step_number,
        "intake_request": item.request_id,
        "can_mark": item.can_mark,
    }


class RoadmapItems(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("budget_owner_side", str, enum=Side.values),
            OpenApiParameter("requirements_side", str, enum=Side.values),
            OpenApiParameter("category", int, description="A tool category's id."),
            OpenApiParameter("status", str, enum=ProjectStatus.values, description="Default: any but cancelled."),
            OpenApiParameter("sponsor", int, description="User id of either sponsor."),
            OpenApiParameter("mark", str, enum=Mark.values),
            *PAGE_PARAMETERS,
        ],
        responses={200: paginated(RoadmapItemOut, "RoadmapItems"), **errors_for(400, 404)},
        operation_id="roadmap_items_list",
    )
    def get(self, request):
        """Every project you may see on the roadmap, by launch (unscheduled last), then name."""
        filterset = RoadmapFilter(request.GET, queryset=selectors.roadmap_projects(request.user), viewer=request.user)
        if not filterset.is_valid():
            raise InputError(filterset.errors)
        projects = filterset.qs.order_by(F("launch").asc(nulls_last=True), "name", "pk")
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.for_rows(projects), request, view=self)
        return paginator.get_paginated_response([_item(item) for item in selectors.items(request.user, page)])


class YearIn(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)


def _year(request) -> int:
    """``?year=`` (default: this year); out of range or not a number is 400."""
    serializer = YearIn(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("year") or timezone.localdate().year


def _vision(year: int) -> dict:
    vision = selectors.vision_for(year)
    if vision is None:
        return {"year": year, "text": "", "version": 0, "updated_by": None, "updated_at": None}
    return VisionOut(vision).data


@path_schema(YEAR)
class Vision(APIView):
    @extend_schema(responses={200: VisionOut, **errors_for(400, 404)})
    def get(self, request):
        """The shared vision of ``?year=`` (everyone signed in reads it)."""
        return Response(_vision(_year(request)))

    @extend_schema(request=VisionIn, responses={200: VisionOut, **errors_for(400, 403, 404, 409)})
    def put(self, request):
        """Write the shared vision (``roadmap.services.vision_save``): executives and administrators;
        send the version you read (0: none yet), a stale one is refused (409)."""
        year = _year(request)
        access.require(request.user, None, access.sees_everything(request.user), VISION_REFUSAL)
        serializer = VisionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.vision_save(actor=request.user, year=year, text=data["text"], expected_version=data["version"])
        return Response(_vision(year))


@path_schema(SLUG)
class RoadmapMark(APIView):
    @extend_schema(request=MarkIn, responses={200: MarkOut, **errors_for(400, 403, 404)})
    def put(self, request, slug: str):
        """Mark a project a quick win or strategic, or "" for the default (``roadmap.services.mark_set``;
        those who manage it)."""
        project = project_of(request, slug, access.Action.MANAGE)
        serializer = MarkIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        mark = services.mark_set(actor=request.user, project=project, kind=serializer.validated_data["kind"])
        return Response({"slug": project.slug, "mark": mark.kind if mark else ""})
