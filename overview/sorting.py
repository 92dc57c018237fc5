"""The order of the portfolio rows: every column of the dashboard sorts, each
step's column by how far the step has come. ``SORTS`` maps a key of the
``sort`` URL parameter (``-key``: descending) to its column title and the
value it sorts by."""

from collections.abc import Callable

from overview.portfolio import STEP_NAMES, Row
from projects.lifecycle import STEP_COUNT
from projects.models import ProjectStatus, StepStatus


def _vendor_figure(name: str) -> Callable[[Row], object]:
    def key(row: Row):
        if row.vendor is None or not row.vendor.visible:
            return None
        return getattr(row.vendor, name)

    return key


SORTS: dict[str, tuple[str, Callable[[Row], object]]] = {
    "name": ("Project", lambda r: r.project.name.lower()),
    "status": ("Status", lambda r: ProjectStatus.values.index(r.project.status)),
    "step": ("Current step", lambda r: r.current.number if r.current else STEP_COUNT + 1),
    "progress": ("Progress", lambda r: r.done),
    "unowned": ("Days unowned", lambda r: r.unowned_days),
    "vendor": (
        "Vendor",
        lambda r: r.vendor.name.lower() if r.vendor and (r.vendor.visible or r.vendor.chosen) else None,
    ),
    "it": ("IT total", _vendor_figure("it_total")),
    "marketing": ("Marketing total", _vendor_figure("marketing_total")),
    "alignment": ("Alignment", lambda r: r.level),
    "gap": ("Gap", lambda r: abs(r.gap) if r.gap is not None else None),
    "attention": ("Attention", lambda r: len(r.attention)),
}
# Each step's column sorts by how far the step has come (a first click: done first).
PROGRESS_OF = {StepStatus.NOT_STARTED: 0, StepStatus.BLOCKED: 1, StepStatus.IN_PROGRESS: 2, StepStatus.DONE: 3}


def _step_progress(number: int) -> Callable[[Row], object]:
    def key(row: Row):
        return PROGRESS_OF.get(row.cells[number - 1].status) if len(row.cells) >= number else None

    return key


STEP_SORTS = {f"s{n}": (f"Step {n}, {name}", _step_progress(n)) for n, name in STEP_NAMES.items()}
SORTS.update(STEP_SORTS)
DEFAULT_SORT = "-attention"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``(key, descending)`` from ``name`` or ``-name``; anything unknown gives the default."""
    value = (value or "").strip()
    key = value.removeprefix("-")
    if key not in SORTS:
        return parse_sort(DEFAULT_SORT)
    return key, value.startswith("-")


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Sorted by ``key``; rows without a value last in either direction, ties by name.
    A step's key needs the rows' cells (``portfolio.fill_cells``)."""
    extract = SORTS[key][1]
    by_name = sorted(rows, key=lambda r: (r.project.name.lower(), r.project.pk))
    with_value = [r for r in by_name if extract(r) is not None]
    without = [r for r in by_name if extract(r) is None]
    return sorted(with_value, key=extract, reverse=descending) + without
