"""Tables as CSV or Excel downloads, safe to open in a spreadsheet and finished when opened.

Shared by every export (scorecards, the portfolio, the stack inventory); imports no app.

* CSV: UTF-8 with a byte-order mark, so Excel reads accents and dashes right (it guesses an ANSI code
  page otherwise); the first line is the header.
* Excel: row 1 says what the sheet is and when it was made ("Portfolio, as of 1 Dec 2026 09:30 UTC"),
  row 2 is the header (bold, shaded, wrapped), frozen with the first column so both stay in view; the
  filter buttons sit on the header and cover every data row (row 1 is outside them, so sorting and
  filtering never move it); each column is as wide as its content (within limits); numbers, dates and
  times carry number formats, so they are numbers and dates to the spreadsheet, not text.
  ``xlsx_rows`` reads such a sheet back as header + rows (tests, and anyone re-reading an export).

A text cell a spreadsheet would run as a formula is written as text (``safe_cell``), in both formats.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
AS_OF_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
# Column widths, in characters: from the longest value, within these bounds; a long header wraps.
MIN_WIDTH, MAX_WIDTH, HEADER_WRAP_AT = 8, 60, 24
NUMBER_FORMATS = {
    int: "0",
    Decimal: "0.00",
    float: "0.00",
    date: "d mmm yyyy",
    datetime: "d mmm yyyy hh:mm",
}
HEADER_FILL = PatternFill("solid", start_color="E9ECEF", end_color="E9ECEF")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="bottom")
AS_OF_FONT = Font(italic=True, color="495057")


SIGNED_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(cell):
    """A cell a spreadsheet would read as a formula is written as text; a plain
    signed number ("+2.00", "-0.67": a gap) is a number, not a formula."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not SIGNED_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_response(rows: Iterable[list], filename: str) -> HttpResponse:
    """The rows as UTF-8 CSV with a byte-order mark (Excel opens it with the right characters)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write(BOM)
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return response


def as_of_line(title: str, when: datetime | None = None) -> str:
    """``Portfolio, as of 1 Dec 2026 09:30 UTC``: the local time of ``when`` (default: now)."""
    moment = timezone.localtime(when or timezone.now())
    return f"{title}, as of {date_format(moment, 'j M Y H:i')} {moment.tzname()}"


def _cell_value(value):
    """What openpyxl stores: numbers as numbers, times as naive local times (Excel has no zones)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return safe_cell(value)


def _number_format(value) -> str | None:
    if isinstance(value, bool):
        return None
    for kind in (datetime, date, Decimal, float, int):  # datetime before date: it is one
        if isinstance(value, kind):
            return NUMBER_FORMATS[kind]
    return None


def _shown_length(value) -> int:
    """Roughly how many characters the cell shows."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 17
    if isinstance(value, date):
        return 11
    if isinstance(value, Decimal | float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _column_widths(header: list, data: list[list]) -> list[int]:
    """Each column's width in characters: its longest value, a long header counting only up to where it wraps."""
    widths = [min(_shown_length(h), HEADER_WRAP_AT) for h in header]
    for row in data:
        if len(row) > len(widths):
            widths.extend([0] * (len(row) - len(widths)))
        for index, value in enumerate(row):
            length = _shown_length(value)
            if length > widths[index]:
                widths[index] = length
    return widths


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _data_cell(sheet, value):
    """A number or a date goes out as a cell carrying its number format; anything else as a bare value
    (cheaper: a write-only sheet styles only the cells it is handed)."""
    number_format = _number_format(value)
    if number_format is None:
        return _cell_value(value)
    return _styled(sheet, _cell_value(value), number_format=number_format)


def xlsx_workbook(rows: Iterable[list], *, title: str, as_of: datetime | None = None) -> Workbook:
    """The rows (the first one the header) on one finished sheet named ``title`` (see the module).

    A write-only workbook streams rows out instead of keeping every cell as an object (an export of
    10,000 rows is 320,000 cells), but takes the column widths, the frozen panes and the print titles
    before its first row: so the rows are read once for the widths, then written."""
    rows = list(rows)
    header, data = (list(rows[0]), rows[1:]) if rows else ([], [])
    widths = _column_widths(header, data)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(width + 2, MAX_WIDTH))
    sheet.freeze_panes = f"B{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    last = HEADER_ROW + len(data)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(max(len(widths), 1))}{last}"
    sheet.append([_styled(sheet, as_of_line(title, as_of), font=AS_OF_FONT)])
    sheet.append([_styled(sheet, h, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT) for h in header])
    for row in data:
        sheet.append([_data_cell(sheet, value) for value in row])
    return workbook


def xlsx_response(rows: Iterable[list], filename: str, *, title: str, as_of: datetime | None = None) -> HttpResponse:
    buffer = io.BytesIO()
    xlsx_workbook(rows, title=title, as_of=as_of).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def xlsx_rows(content: bytes) -> list[tuple]:
    """An export made here, read back: the header and the data rows (the "as of" line left out)."""
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))


def table_response(
    rows: list[list], filename: str, fmt: str, *, title: str, as_of: datetime | None = None
) -> HttpResponse:
    """The rows in ``fmt`` (csv or xlsx); any other format is a 404."""
    if fmt == "csv":
        return csv_response(rows, filename)
    if fmt == "xlsx":
        return xlsx_response(rows, filename, title=title, as_of=as_of)
    raise Http404("Unknown export format.")
