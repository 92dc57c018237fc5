"""Reads of the stack inventory: the list, overlaps with a new request, renewals,
a tool's history and version, and the finished projects whose vendor is not in
the stack yet.

Everyone active may see the stack (``projects.access.can_view_inventory``);
anyone else gets nothing. Projects are read only as far as the viewer may see
them (``projects.access.visible_projects``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from common.querystring import changed_query
from governance.models import User
from inventory.filters import ToolFilter
from inventory.models import RENEWAL_WINDOW_DAYS, Tool, ToolCategory, ToolStatus
from projects.access import can_view_inventory, visible_projects
from projects.models import Project, ProjectStatus
from projects.selectors import Change, history_changes
from scorecards.models import Decision

PAGE_SIZE = 25
TOOL_RELATED = ("category", "business_owner", "it_owner", "project")


def visible_tools(viewer: User) -> QuerySet[Tool]:
    """Every tool ``viewer`` may see (all of them, for anyone active), with what a row shows."""
    if not can_view_inventory(viewer):
        return Tool.objects.none()
    return Tool.objects.select_related(*TOOL_RELATED)


def tool_of(viewer: User, pk: int) -> Tool:
    """The tool ``pk``, or 404."""
    tool = visible_tools(viewer).filter(pk=pk).first()
    if tool is None:
        raise Http404("No such tool.")
    return tool


# --- Words -----------------------------------------------------------------------------------------


def money(amount: Decimal | None) -> str:
    """€36,000 (or €36,000.50 when there are cents); an empty string for no amount."""
    if amount is None:
        return ""
    return f"€{amount:,.0f}" if amount == amount.to_integral_value() else f"€{amount:,.2f}"


def long_date(day) -> str:
    return date_format(day, "j F Y")


# --- Overlaps ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    """A tool a new request overlaps with: in use in the same category, or named as replaced (or both)."""

    tool: Tool
    same_category: bool
    replaced: bool

    @property
    def sentence(self) -> str:
        """One plain sentence with the cost and the renewal, e.g. "You already pay for HubSpot
        Marketing Hub (Marketing automation), €36,000 a year; it renews on 14 March 2027." """
        tool = self.tool
        what = f"{tool.name} ({tool.category.name})"
        if tool.name.casefold() != tool.vendor.casefold() and tool.vendor.casefold() not in tool.name.casefold():
            what = f"{tool.name} by {tool.vendor} ({tool.category.name})"
        head = (
            f"You already pay for {what}, {money(tool.yearly_cost)} a year"
            if tool.yearly_cost
            else f"You already use {what}"
        )
        if tool.renewal_date is None:
            tail = "no renewal date is recorded"
        elif tool.renewal_date < timezone.localdate():
            tail = f"its renewal date, {long_date(tool.renewal_date)}, has passed"
        else:
            tail = f"it renews on {long_date(tool.renewal_date)}"
        retiring = " It is being retired." if tool.status == ToolStatus.BEING_RETIRED else ""
        return f"{head}; {tail}.{retiring}"

    @property
    def reason(self) -> str:
        if self.replaced and self.same_category:
            return "Named as replaced; same category"
        return "Named as replaced" if self.replaced else "Same category"


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def overlaps(*, category, replaces: Iterable = (), exclude_retired: bool = True) -> list[Overlap]:
    """The tools a request in ``category`` (a ``ToolCategory``, its pk or None)
    overlaps with: those in use (or being retired) in the same category, and
    those in ``replaces`` (tools or pks), each once. The tools named as
    replaced come first, then by name. One query."""
    category_pk = _pk(category)
    replaced = {pk for pk in (_pk(t) for t in replaces) if pk is not None}
    condition = Q(pk__in=replaced)
    if category_pk is not None:
        condition |= Q(category_id=category_pk, status__in=[ToolStatus.IN_USE, ToolStatus.BEING_RETIRED])
    if not replaced and category_pk is None:
        return []
    tools = Tool.objects.filter(condition).select_related("category")
    if exclude_retired:
        tools = tools.exclude(status=ToolStatus.RETIRED)
    found = [
        Overlap(tool, same_category=tool.category_id == category_pk and tool.is_live, replaced=tool.pk in replaced)
        for tool in tools
    ]
    return sorted(found, key=lambda o: (not o.replaced, o.tool.name.casefold(), o.tool.pk))


# --- Renewals ------------------------------------------------------------------------------------------


def renewals_due(viewer: User, within_days: int = RENEWAL_WINDOW_DAYS) -> list[Tool]:
    """Tools not retired that renew between today and ``within_days`` from now, soonest first (one query)."""
    today = timezone.localdate()
    return list(
        visible_tools(viewer)
        .exclude(status=ToolStatus.RETIRED)
        .filter(renewal_date__gte=today, renewal_date__lte=today + timedelta(days=within_days))
        .order_by("renewal_date", "name", "pk")
    )


def renewal_tile(viewer: User) -> dict | None:
    """The dashboard tile: how many renewals are due within 90 days and the nearest (one query)."""
    if not can_view_inventory(viewer):
        return None
    due = renewals_due(viewer)
    return {"count": len(due), "nearest": due[0] if due else None, "days": RENEWAL_WINDOW_DAYS}


# --- The list ----------------------------------------------------------------------------------------------

# key -> (column label, ordering); every ordering ends with name and pk so pages are stable.
SORTS = {
    "name": ("Tool", (Lower("name"),)),
    "vendor": ("Vendor", (Lower("vendor"),)),
    "category": ("Category", ("category__position", "category__name")),
    "side": ("Owning side", ("owner_side",)),
    "cost": ("Yearly cost", ("yearly_cost",)),
    "renewal": ("Renewal", ("renewal_date",)),
    "status": ("Status", ("status",)),
}
DEFAULT_SORT = "name"


@dataclass
class CategoryCount:
    category_id: int
    name: str
    count: int
    cost: Decimal | None


@dataclass
class ToolList:
    filter: ToolFilter
    page: Page
    sort: str
    columns: list[dict]
    query: str
    filtered: bool
    by_category: list[CategoryCount] = field(default_factory=list)

    @property
    def total_cost(self) -> Decimal:
        return sum((c.cost or Decimal(0) for c in self.by_category), Decimal(0))

    @property
    def live_count(self) -> int:
        return sum(c.count for c in self.by_category)


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``"-cost"`` → ("cost", True); anything unknown → the default order."""
    value = value or ""
    descending = value.startswith("-")
    key = value.lstrip("-")
    return (key, descending) if key in SORTS else (DEFAULT_SORT, False)


def _ordered(queryset: QuerySet[Tool], key: str, descending: bool) -> QuerySet[Tool]:
    fields = [F(f) if isinstance(f, str) else f for f in SORTS[key][1]]
    order = [f.desc(nulls_last=True) if descending else f.asc(nulls_last=True) for f in fields]
    return queryset.order_by(*order, Lower("name"), Lower("vendor"), "pk")


def _columns(params, key: str, descending: bool) -> list[dict]:
    columns = []
    for name, (label, _) in SORTS.items():
        active = name == key
        # A first click sorts words A→Z and figures and dates highest/latest... except renewals: soonest first.
        next_descending = not descending if active else name == "cost"
        columns.append(
            {
                "key": name,
                "label": label,
                "url": "?" + changed_query(params, sort=("-" if next_descending else "") + name, page=None),
                "aria_sort": ("descending" if descending else "ascending") if active else None,
            }
        )
    return columns


def category_counts(viewer: User) -> list[CategoryCount]:
    """Tools in use or being retired per category, with their yearly cost, in the taxonomy's order (one query)."""
    rows = (
        visible_tools(viewer)
        .exclude(status=ToolStatus.RETIRED)
        .values("category_id", "category__name", "category__position")
        .annotate(count=Count("pk"), cost=Sum("yearly_cost"))
        .order_by("category__position", "category__name")
    )
    return [CategoryCount(r["category_id"], r["category__name"], r["count"], r["cost"]) for r in rows]


def tool_list(viewer: User, params) -> ToolList:
    """The stack list of ``viewer``: filtered by ``params`` (a QueryDict; see
    ``inventory.filters``), sorted by its ``sort`` column, 25 a page."""
    tool_filter = ToolFilter(params, queryset=visible_tools(viewer))
    key, descending = parse_sort(params.get("sort"))
    page = Paginator(_ordered(tool_filter.qs, key, descending), PAGE_SIZE).get_page(params.get("page"))
    filter_names = set(tool_filter.filters)
    return ToolList(
        filter=tool_filter,
        page=page,
        sort=("-" if descending else "") + key,
        columns=_columns(params, key, descending),
        query=changed_query(params, page=None),
        filtered=any(params.get(name) for name in filter_names),
        by_category=category_counts(viewer),
    )


def active_categories() -> QuerySet[ToolCategory]:
    return ToolCategory.objects.filter(is_active=True).order_by("position", "name")


# --- A tool's history and version ----------------------------------------------------------------------------


def _records(tool: Tool) -> list:
    return list(
        Tool.history.filter(id=tool.pk)
        .select_related("history_user", *TOOL_RELATED)
        .order_by("history_date", "history_id")
    )


def tool_history(tool: Tool) -> list[Change]:
    """Every change to the tool, newest first (one query)."""
    return sorted(history_changes(_records(tool), lambda r: "Tool"), key=lambda c: c.when, reverse=True)


def tool_version(tool: Tool) -> int:
    """The tool's version: the id of its latest history record (0 before any)."""
    return Tool.history.filter(id=tool.pk).order_by("-history_id").values_list("history_id", flat=True).first() or 0


def tool_changes_since(tool: Tool, version: int, fields: tuple[str, ...]) -> list[str]:
    """What changed in ``fields`` after ``version``, one line a change: who, when, field: before → after."""
    records = _records(tool)
    start = max((i for i, r in enumerate(records) if r.history_id <= version), default=0)
    labels = {str(Tool._meta.get_field(name).verbose_name) for name in fields}
    lines = []
    for change in history_changes(records[start:], lambda r: "Tool"):
        if change.summary != "changed":
            continue
        who = change.who.display_name if change.who else "Someone (outside Tandem's pages)"
        when = date_format(timezone.localtime(change.when), "j M Y H:i")
        lines += [f"{who}, {when}: {label}: {old} → {new}" for label, old, new in change.changes if label in labels]
    return lines


def tool_as_of(tool: Tool, version: int) -> Tool | None:
    """The tool as it was at ``version`` (its history record), None when unknown."""
    record = Tool.history.filter(id=tool.pk, history_id=version).first()
    return record.instance if record is not None else None


# --- Finished projects and their chosen vendor -------------------------------------------------------------------


def standing_decision(project: Project) -> Decision | None:
    """The project's vendor decision in force (not withdrawn), with its candidate, or None."""
    return Decision.objects.standing().filter(scorecard__project=project).select_related("candidate").first()


def projects_awaiting_tool(viewer: User) -> list[Project]:
    """Finished projects ``viewer`` may see whose chosen vendor is in no tool
    brought by the project yet (the finish hook could not tell its category),
    each with ``chosen`` (the candidate's name). One query."""
    if not can_view_inventory(viewer):
        return []
    standing = Decision.objects.standing().filter(scorecard__project=OuterRef("pk"))
    return list(
        visible_projects(viewer)
        .filter(status=ProjectStatus.DONE)
        .annotate(chosen=Subquery(standing.values("candidate__name")[:1]))
        .filter(chosen__isnull=False)
        .filter(~Exists(Tool.objects.filter(project=OuterRef("pk"))))
        .order_by("name", "pk")
    )
