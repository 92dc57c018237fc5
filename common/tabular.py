"""Tables as CSV or Excel downloads, safe to open in a spreadsheet.

Shared by every export (scorecards, alignment, the portfolio); imports no app.
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(cell):
    """A cell a spreadsheet would read as a formula is written as text."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def csv_response(rows: Iterable[list], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return response


def xlsx_response(rows: Iterable[list], filename: str, *, title: str) -> HttpResponse:
    """The rows on one sheet, the first one bold (the header)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for index, row in enumerate(rows):
        sheet.append([float(c) if isinstance(c, Decimal) else safe_cell(c) for c in row])
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(rows: list[list], filename: str, fmt: str, *, title: str) -> HttpResponse:
    """The rows in ``fmt`` (csv or xlsx); any other format is a 404."""
    if fmt == "csv":
        return csv_response(rows, filename)
    if fmt == "xlsx":
        return xlsx_response(rows, filename, title=title)
    raise Http404("Unknown export format.")
