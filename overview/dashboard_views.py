"""The portfolio dashboard's pages: the dashboard, its download and the lists its tiles link to.

The database filters (``overview.filtering``), sorts (``overview.sorting``) and
pages the portfolio's query (``overview.portfolio.Portfolio.projects``); only the
rows on show are built in Python (``portfolio.build_rows``). ``overview.tiles``
sums the portfolio up with aggregate queries and ``overview.exports`` turns the
selected rows into a table, a batch at a time.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common import tabular
from common.querystring import changed_query
from overview import exports, filtering, sorting, tiles
from overview.forms import PortfolioFilterForm
from overview.portfolio import Portfolio, build_rows
from projects.access import visible_projects
from projects.models import ProjectStatus
from raci import selectors as raci_selectors

PAGE_SIZE = 25
ASCENDING_FIRST = ("name", "status", "step")  # a first click sorts these A→Z; figures highest first
STEP_PAGE_SIZE = 50
STEP_LISTS = {
    "unowned": "Steps without an accountable owner",
    "overdue": "Overdue steps",
}


def _columns(params, sort_key: str, descending: bool) -> list[dict]:
    """Sortable column headers in the table's order (project, status, the ten
    steps, then the figures): a link that sorts by it (again: the other way)."""
    keys = [k for k in sorting.SORTS if k not in sorting.STEP_SORTS and k != "attention"]
    keys = keys[:2] + list(sorting.STEP_SORTS) + keys[2:]
    columns = []
    for key in keys:
        active = key == sort_key
        # A first click sorts names A→Z and figures highest first.
        next_descending = not descending if active else key not in ASCENDING_FIRST
        title = sorting.SORTS[key].title
        columns.append(
            {
                "key": key,
                "step": key in sorting.STEP_SORTS,
                "label": key[1:] if key in sorting.STEP_SORTS else title,  # a step's head shows its number
                "title": title,
                "url": "?" + changed_query(params, sort=("-" if next_descending else "") + key, page=None),
                "aria_sort": ("descending" if descending else "ascending") if active else None,
            }
        )
    return columns


def _sort_choices(sort: str) -> list[tuple[str, str]]:
    """The phone's "Sort by" choices (no column headings there): each column once, as a first
    click on its heading sorts it, and the current order if it is another."""
    choices = [("-attention", "Most reasons for attention first")]
    for key, sort_by in sorting.SORTS.items():
        if key == "attention" or key in sorting.STEP_SORTS:
            continue
        ascending = key in ASCENDING_FIRST
        choices.append(
            (key if ascending else f"-{key}", f"{sort_by.title}, {'A to Z' if ascending else 'highest first'}")
        )
    if sort not in dict(choices):
        key = sort.removeprefix("-")
        choices.append((sort, f"{sorting.SORTS[key].title}, {'descending' if sort.startswith('-') else 'ascending'}"))
    return choices


def _described(form: PortfolioFilterForm, filters: dict, sort_key: str, descending: bool) -> list[str]:
    """The filters and the order in words, for the screen and for a printed copy."""
    words = []
    for name, value in filters.items():
        field = form[name]
        if name == "attention":
            words.append(str(field.label))
        else:
            words.append(f"{field.label}: {dict(field.field.choices).get(value, value)}")
    label = sorting.SORTS[sort_key].title
    if sort_key == "attention":
        words.append("most reasons for attention first" if descending else "fewest reasons for attention first")
    else:
        words.append(f"sorted by {label}, {'descending' if descending else 'ascending'}")
    return words


def _shown(request):
    """The filter form, the valid filters, the order, every visible project (with its reasons
    for attention) and the ones the filters select, in order: querysets, nothing read yet."""
    portfolio = Portfolio.read(request.user)
    projects = portfolio.projects()
    form = PortfolioFilterForm(request.GET, sponsors=filtering.sponsors(request.user))
    filters = form.filters()
    sort_key, descending = sorting.parse_sort(request.GET.get("sort"))
    selected = filtering.filter_projects(projects, **filters)
    ordered = selected.order_by(*sorting.ordering(portfolio, sort_key, descending))
    return projects, form, filters, sort_key, descending, ordered


def _page(request, ordered, total: int | None):
    """The page asked for (its projects' ids, then their rows); ``total`` (when nothing is
    filtered: the projects the tiles just counted) spares a count."""
    paginator = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE)
    if total is not None:
        paginator.count = total
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = build_rows(request.user, list(page.object_list))
    return page


@require_GET
def portfolio(request):
    projects, form, filters, sort_key, descending, ordered = _shown(request)
    table_only = bool(request.htmx) and request.htmx.target == "portfolio-table"
    counted = None if table_only else tiles.groups(projects)
    total = None if counted is None else tiles.total(counted)
    page = _page(request, ordered, None if filters else total)
    if total is None:
        total = visible_projects(request.user).count() if filters else page.paginator.count
    context = {
        "form": form,
        "page": page,
        "total": total,
        "filtered": bool(filters),
        "query": changed_query(request.GET, page=None),
        "attention_url": "?" + changed_query(request.GET, attention="on", page=None),
        "columns": _columns(request.GET, sort_key, descending),
        "sort": ("-" if descending else "") + sort_key,
        "described": _described(form, filters, sort_key, descending),
        "export_query": changed_query(request.GET, page=None),
    }
    if table_only:
        return render(request, "overview/dashboard/_table.html", context)
    context["sort_choices"] = _sort_choices(context["sort"])
    context["tiles"] = tiles.tiles(request.user, counted)
    chart = tiles.stage_chart(counted)
    context["chart"] = chart
    context["chart_rows"] = list(zip(chart["labels"], chart["owned"], chart["unowned"], strict=True))
    return render(request, "overview/dashboard/portfolio.html", context)


EXPORT_BATCH = 500


def _export_rows(user, ordered):
    """Every selected row in order: their ids in one query, then built a batch at a time."""
    ids = list(ordered.values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_BATCH):
        yield from build_rows(user, ids[start : start + EXPORT_BATCH])


@require_GET
def portfolio_export(request, fmt: str):
    """Every row the dashboard's filters select, in its order, as CSV or Excel."""
    if fmt not in tabular.FORMATS:
        raise Http404("Unknown export format.")
    *_, ordered = _shown(request)
    filename = f"tandem-portfolio-{timezone.localdate():%Y-%m-%d}"
    rows = exports.export_table(_export_rows(request.user, ordered))
    return tabular.table_response(rows, filename, fmt, title="Portfolio")


@require_GET
def step_list(request, kind: str):
    """Active projects' steps without an accountable owner, or overdue: the tiles' lists."""
    if kind not in STEP_LISTS:
        raise Http404("No such list.")
    projects = visible_projects(request.user).filter(status=ProjectStatus.ACTIVE)
    steps = raci_selectors.attention_steps(projects, **{kind: True})
    page = Paginator(steps, STEP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "overview/dashboard/step_list.html",
        {"kind": kind, "title": STEP_LISTS[kind], "page": page, "other_lists": STEP_LISTS},
    )
