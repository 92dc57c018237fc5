"""The dashboard's download: the rows the filters select, in the page's order, as
a table for ``common.tabular`` (CSV or Excel), with the figures of the page,
every step's status spelled out, and the same blind rule for vendors. The rows
come in batches (``dashboard_views``), each built in a fixed number of queries."""

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from overview.portfolio import STEP_NAMES, Row

HEADER = [
    "Project", "Status", "Owner", "Marketing sponsor", "IT sponsor", "Current step", "Steps done",
    "Steps without an accountable owner", "Overdue steps", "Days since the oldest unowned step",
    "Vendor", "Vendor standing", "IT total", "IT maximum", "Marketing total", "Marketing maximum",
    "Vendor below minimum on", "Alignment level", "Alignment level name", "Alignment round",
    "Perception gap (Marketing minus IT)", "Needs attention",
    *(f"Step {n}. {name}" for n, name in STEP_NAMES.items()),
]  # fmt: skip


def _figure(value) -> Decimal | None:
    """Two decimals, as on the page (a spreadsheet gets the number)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _vendor_columns(row: Row) -> list:
    """Vendor to Vendor below minimum on: named once rated (or chosen), figures once rated."""
    vendor = row.vendor
    if vendor is None:
        return ["", "", None, None, None, None, ""]
    named, shown = vendor.visible or vendor.chosen, vendor.visible
    standing = "chosen" if vendor.chosen else ("tied lead" if vendor.tied > 1 else "leading")
    return [
        vendor.name if named else "",
        standing if named else "blind until you rate it",
        _figure(vendor.it_total) if shown else None,
        vendor.it_maximum if shown else None,
        _figure(vendor.marketing_total) if shown else None,
        vendor.marketing_maximum if shown else None,
        ", ".join(vendor.below_minimum),
    ]


def _line(row: Row) -> list:
    project, figures = row.project, row.alignment.figures if row.alignment else None
    return [
        project.name,
        project.get_status_display(),
        project.owner.display_name,
        project.marketing_sponsor.display_name if project.marketing_sponsor else "",
        project.it_sponsor.display_name if project.it_sponsor else "",
        f"{row.current.number}. {row.current.name}" if row.current else "All done",
        row.done,
        row.unowned,
        row.overdue,
        row.unowned_days,
        *_vendor_columns(row),
        _figure(figures.overall) if figures else None,
        figures.overall_level if figures else "",
        row.alignment.title if row.alignment else "",
        _figure(figures.gap) if figures else None,
        "; ".join(row.attention),
        *(cell.state for cell in row.cells),
    ]


def export_table(rows: Iterable[Row]) -> Iterator[list]:
    """The rows as a table: the header, then one line per project, as the rows come
    (``portfolio.build_rows`` gives each its cells)."""
    yield list(HEADER)
    for row in rows:
        yield _line(row)
