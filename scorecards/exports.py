"""The comparison as CSV and XLSX, with exactly the figures of the page."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from scorecards.selectors import Results, results_table


def _safe(cell):
    # A cell a spreadsheet would read as a formula is written as text.
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def _rows(results: Results) -> list[list]:
    """The comparison rows the viewer may see (blind candidates are left out)."""
    table = results_table(results)
    rows = [table[0]]
    for row, result in zip(table[1:], results.ranking, strict=True):
        if result.visible:
            rows.append([_safe(cell) for cell in row])
    return rows


def csv_response(results: Results, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    for row in _rows(results):
        writer.writerow(["" if cell is None else cell for cell in row])
    return response


def xlsx_response(results: Results, filename: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Comparison"
    for index, row in enumerate(_rows(results)):
        sheet.append([float(c) if isinstance(c, Decimal) else c for c in row])
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
