"""Read-only resources: the portfolio rows, the stack inventory and intake requests,
each through its app's selector (what the caller may see is the selector's rule)."""

from django.db.models.functions import Lower
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from api.pagination import Pagination
from api.schema import PAGE_PARAMETERS, errors_for, paginated
from api.serializers import PersonSerializer
from intake import selectors as intake_selectors
from intake.states import State
from inventory import selectors as inventory_selectors
from inventory.models import ToolStatus
from overview.portfolio import Portfolio, build_rows
from projects.models import ProjectStatus


def _page(view, request, items, serialize):
    paginator = Pagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(serialize(list(page)))


class PortfolioRowOut(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    steps_done = serializers.IntegerField()
    steps_unowned = serializers.IntegerField()
    steps_overdue = serializers.IntegerField()
    current_step = serializers.IntegerField(allow_null=True)
    current_step_owned = serializers.BooleanField(allow_null=True)
    attention = serializers.ListField(child=serializers.CharField(), help_text="Why it needs attention, in words.")


def _portfolio_row(row) -> dict:
    return {
        "slug": row.project.slug,
        "name": row.project.name,
        "status": row.project.status,
        "steps_done": row.done,
        "steps_unowned": row.unowned,
        "steps_overdue": row.overdue,
        "current_step": row.current.number if row.current else None,
        "current_step_owned": row.current.owned if row.current else None,
        "attention": list(row.attention),
    }


class PortfolioRows(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(PortfolioRowOut, "PortfolioRows"), **errors_for(400, 404)},
        operation_id="portfolio_list",
    )
    def get(self, request):
        """The portfolio dashboard's rows for you (its figures, blind and anonymity rules), by name."""
        ids = Portfolio.read(request.user).projects().order_by(Lower("name"), "pk").values_list("pk", flat=True)
        return _page(self, request, ids, lambda page: [_portfolio_row(r) for r in build_rows(request.user, page)])


class ToolOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    vendor = serializers.CharField()
    category = serializers.CharField(source="category.name")
    owner_side = serializers.CharField()
    business_owner = PersonSerializer(allow_null=True)
    it_owner = PersonSerializer(allow_null=True)
    yearly_cost = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    renewal_date = serializers.DateField(allow_null=True)
    holds_customer_data = serializers.BooleanField()
    status = serializers.ChoiceField(choices=ToolStatus.choices)


class Tools(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(ToolOut, "Tools"), **errors_for(400, 404)},
        operation_id="stack_tools_list",
    )
    def get(self, request):
        """The stack inventory: the tools in use, by name."""
        tools = inventory_selectors.visible_tools(request.user).order_by(Lower("name"), "pk")
        return _page(self, request, tools, lambda page: ToolOut(page, many=True).data)


class IntakeOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    requester = PersonSerializer()
    created_at = serializers.DateTimeField()
    project = serializers.CharField(source="project.slug", allow_null=True, help_text="The approved project's slug.")


class IntakeRequests(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(IntakeOut, "IntakeRequests"), **errors_for(400, 404)},
        operation_id="intake_requests_list",
    )
    def get(self, request):
        """Intake requests you may see (your own; all of them for IT reviewers and approvers), newest first."""
        requests = intake_selectors.visible_requests(request.user).select_related("requester", "project")
        requests = requests.order_by("-created_at", "-pk")
        return _page(self, request, requests, lambda page: IntakeOut(page, many=True).data)
