"""The portfolio dashboard's pages: the dashboard, its download and the lists its tiles link to.

The rows come from ``overview.portfolio``, are narrowed by ``overview.filtering``
and ordered by ``overview.sorting``; ``overview.tiles`` sums them up and
``overview.exports`` turns them into a table.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common import tabular
from overview import exports, filtering, sorting, tiles
from overview.forms import PortfolioFilterForm
from overview.portfolio import fill_cells, portfolio_rows
from projects.access import visible_projects
from projects.models import ProjectStatus
from raci import selectors as raci_selectors

PAGE_SIZE = 25
STEP_PAGE_SIZE = 50
STEP_LISTS = {
    "unowned": "Steps without an accountable owner",
    "overdue": "Overdue steps",
}


def _query(params, **changes) -> str:
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return query.urlencode()


def _columns(params, sort_key: str, descending: bool) -> list[dict]:
    """Sortable column headers in the table's order (project, status, the ten
    steps, then the figures): a link that sorts by it (again: the other way)."""
    keys = [k for k in sorting.SORTS if k not in sorting.STEP_SORTS and k != "attention"]
    keys = keys[:2] + list(sorting.STEP_SORTS) + keys[2:]
    columns = []
    for key in keys:
        active = key == sort_key
        # A first click sorts names A→Z and figures highest first.
        next_descending = not descending if active else key not in ("name", "status", "step")
        title = sorting.SORTS[key][0]
        columns.append(
            {
                "key": key,
                "step": key in sorting.STEP_SORTS,
                "label": key[1:] if key in sorting.STEP_SORTS else title,  # a step's head shows its number
                "title": title,
                "url": "?" + _query(params, sort=("-" if next_descending else "") + key, page=None),
                "aria_sort": ("descending" if descending else "ascending") if active else None,
            }
        )
    return columns


def _described(form: PortfolioFilterForm, filters: dict, sort_key: str, descending: bool) -> list[str]:
    """The filters and the order in words, for the screen and for a printed copy."""
    words = []
    for name, value in filters.items():
        field = form[name]
        if name == "attention":
            words.append(str(field.label))
        else:
            words.append(f"{field.label}: {dict(field.field.choices).get(value, value)}")
    label = sorting.SORTS[sort_key][0]
    if sort_key == "attention":
        words.append("most reasons for attention first" if descending else "fewest reasons for attention first")
    else:
        words.append(f"sorted by {label}, {'descending' if descending else 'ascending'}")
    return words


def _shown(request):
    """Every visible row, the filter form, the valid filters, the order, and the rows they select."""
    rows = portfolio_rows(request.user)
    form = PortfolioFilterForm(request.GET, sponsors=filtering.sponsors(rows))
    filters = form.filters()
    sort_key, descending = sorting.parse_sort(request.GET.get("sort"))
    selected = filtering.filter_rows(request.user, rows, **filters)
    if sort_key in sorting.STEP_SORTS:
        fill_cells(selected)  # sorting by a step needs every row's steps
    shown = sorting.sort_rows(selected, sort_key, descending)
    return rows, form, filters, sort_key, descending, shown


@require_GET
def portfolio(request):
    rows, form, filters, sort_key, descending, shown = _shown(request)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    fill_cells(page.object_list)
    context = {
        "form": form,
        "page": page,
        "total": len(rows),
        "filtered": bool(filters),
        "query": _query(request.GET, page=None),
        "attention_url": "?" + _query(request.GET, attention="on", page=None),
        "columns": _columns(request.GET, sort_key, descending),
        "sort": ("-" if descending else "") + sort_key,
        "described": _described(form, filters, sort_key, descending),
        "export_query": _query(request.GET, page=None),
    }
    if request.htmx and request.htmx.target == "portfolio-table":
        return render(request, "overview/dashboard/_table.html", context)
    context["tiles"] = tiles.tiles(request.user, rows)
    chart = tiles.stage_chart(rows)
    context["chart"] = chart
    context["chart_rows"] = list(zip(chart["labels"], chart["owned"], chart["unowned"], strict=True))
    return render(request, "overview/dashboard/portfolio.html", context)


@require_GET
def portfolio_export(request, fmt: str):
    """Every row the dashboard's filters select, in its order, as CSV or Excel."""
    if fmt not in tabular.FORMATS:
        raise Http404("Unknown export format.")
    _, _, _, _, _, shown = _shown(request)
    fill_cells(shown)
    filename = f"tandem-portfolio-{timezone.localdate():%Y-%m-%d}"
    return tabular.table_response(exports.export_table(shown), filename, fmt, title="Portfolio")


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
