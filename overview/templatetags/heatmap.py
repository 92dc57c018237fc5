"""``{% heatmap_cells row.cells %}``: a portfolio row's ten steps as table cells.

Each cell is drawn by ``overview/dashboard/_heatmap_cell.html``. A cell depends
on nothing but its four values (step, status, owned, overdue), so each of the
160 possible cells is rendered once per process and reused: the heatmap is the
dashboard's hottest loop (25 rows × 10 steps), and rendering the template 250
times a request cost more than the rest of the table (``docs/benchmarks.md``).
"""

from functools import lru_cache

from django import template
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe

CELL_TEMPLATE = "overview/dashboard/_heatmap_cell.html"

register = template.Library()


@register.simple_tag
def heatmap_cells(cells) -> SafeString:
    # Every piece is the output of an autoescaped template: joined, it stays safe.
    return mark_safe("".join(_cell_html(cell) for cell in cells))


@lru_cache(maxsize=512)
def _cell_html(cell) -> str:
    return get_template(CELL_TEMPLATE).render({"cell": cell}).strip()


@receiver(file_changed, dispatch_uid="overview_heatmap_cell_changed")
def _forget_cells(sender, file_path, **kwargs) -> None:
    """The development server picks up an edited cell template without a restart."""
    if file_path.name == CELL_TEMPLATE.rsplit("/", 1)[-1]:
        _cell_html.cache_clear()
