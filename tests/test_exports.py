"""Exports that look finished (common/tabular.py, which every download goes through): Excel with an
"as of" line, a bold frozen header with filters, widths from the content and number formats; CSV in
UTF-8 with a byte-order mark so Excel reads it right. Read back with openpyxl and csv."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common import tabular
from conftest import ProjectFactory

AS_OF = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
ROWS = [
    ["Project", "Score", "Steps done", "Target launch", "Last change", "Note"],
    ["Café Zoë – relaunch", Decimal("18.333"), 4, date(2027, 4, 30), datetime(2026, 11, 30, 17, 5, tzinfo=UTC), "=1+1"],
    ["CDP", Decimal("7.5"), 10, None, None, "A much longer note than any other cell in this column"],
]


def sheet_of(response):
    assert response["Content-Type"] == tabular.XLSX_TYPE
    return load_workbook(io.BytesIO(response.content)).active


def test_excel_has_an_as_of_line_a_frozen_bold_header_with_filters():
    sheet = sheet_of(tabular.table_response(ROWS, "demo", "xlsx", title="Portfolio", as_of=AS_OF))
    assert sheet.title == "Portfolio"
    assert sheet["A1"].value == "Portfolio, as of 1 Dec 2026 09:30 UTC"
    assert [cell.value for cell in sheet[2]] == ROWS[0]
    assert all(cell.font.bold for cell in sheet[2])
    # Rows 1-2 and the first column stay in view; the filters cover the header and every data row only.
    assert sheet.freeze_panes == "B3"
    assert sheet.auto_filter.ref == "A2:F4"
    assert sheet.max_row == 4


def test_excel_cells_are_numbers_and_dates_with_formats_and_formulas_stay_text():
    sheet = sheet_of(tabular.table_response(ROWS, "demo", "xlsx", title="Portfolio", as_of=AS_OF))
    score, done, launch, changed, note = sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"]
    assert score.value == pytest.approx(18.333) and score.number_format == "0.00"
    assert done.value == 4 and done.number_format == "0"
    assert launch.value == datetime(2027, 4, 30) and launch.number_format == "d mmm yyyy"
    assert changed.value == datetime(2026, 11, 30, 17, 5) and changed.number_format == "d mmm yyyy hh:mm"
    assert note.value == "'=1+1" and note.data_type == "s"
    assert sheet["D4"].value is None


def test_excel_columns_are_as_wide_as_their_content_within_bounds():
    sheet = sheet_of(tabular.table_response(ROWS, "demo", "xlsx", title="Portfolio", as_of=AS_OF))
    width = {column: sheet.column_dimensions[column].width for column in "ABCDEF"}
    assert width["F"] > width["A"] > width["B"]  # the long note, the project names, the scores
    assert width["F"] == len(ROWS[2][5]) + 2
    assert all(tabular.MIN_WIDTH <= w <= tabular.MAX_WIDTH for w in width.values())
    assert sheet["A2"].alignment.wrap_text  # a long header wraps rather than widening its column


def test_excel_read_back_keeps_every_property_of_a_finished_sheet():
    """The sheet is streamed (a write-only workbook): widths, frozen panes, filters and print titles are
    set before its rows, so read it back whole to see none was lost."""
    title = "Portfolio of every project, with their scores"
    sheet = sheet_of(tabular.table_response(ROWS, "demo", "xlsx", title=title, as_of=AS_OF))
    assert sheet.title == title[:31]
    as_of = sheet["A1"]
    assert as_of.value == f"{title}, as of 1 Dec 2026 09:30 UTC"
    assert as_of.font.italic and as_of.font.color.rgb.endswith("495057")
    for cell in sheet[2]:
        assert cell.font.bold and cell.alignment.wrap_text
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith("E9ECEF")
    assert sheet.freeze_panes == "B3" and sheet.sheet_view.pane.state == "frozen"
    assert sheet.auto_filter.ref == "A2:F4"
    assert sheet.print_title_rows == "$2:$2"
    widths = {column: dimension.width for column, dimension in sheet.column_dimensions.items()}
    assert widths == {
        "A": len("Café Zoë – relaunch") + 2,
        "B": tabular.MIN_WIDTH,
        "C": len("Steps done") + 2,
        "D": len("Target launch") + 2,
        "E": 17 + 2,
        "F": len(ROWS[2][5]) + 2,
    }
    formats = [[cell.number_format for cell in row] for row in sheet.iter_rows(min_row=3, max_col=5)]
    assert formats == [
        ["General", "0.00", "0", "d mmm yyyy", "d mmm yyyy hh:mm"],
        ["General", "0.00", "0", "General", "General"],
    ]
    assert sheet["B4"].value == 7.5 and sheet["F3"].value == "'=1+1"


def test_excel_of_a_long_column_is_capped_and_an_empty_table_still_has_its_as_of_line():
    rows = [["Note"], ["x" * 500]]
    sheet = sheet_of(tabular.table_response(rows, "demo", "xlsx", title="Notes", as_of=AS_OF))
    assert sheet.column_dimensions["A"].width == tabular.MAX_WIDTH
    empty = sheet_of(tabular.table_response([], "demo", "xlsx", title="Nothing", as_of=AS_OF))
    assert empty["A1"].value == "Nothing, as of 1 Dec 2026 09:30 UTC" and empty.auto_filter.ref == "A2:A2"


def test_csv_is_utf8_with_a_byte_order_mark_for_excel():
    response = tabular.table_response(ROWS, "demo", "csv", title="Portfolio")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="demo.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ROWS[0]
    assert rows[1][0] == "Café Zoë – relaunch" and rows[1][5] == "'=1+1"
    assert rows[2][3] == ""
    assert response.content.count(b"\r\n") == 3


def test_xlsx_rows_reads_an_export_back_without_its_as_of_line():
    response = tabular.table_response(ROWS, "demo", "xlsx", title="Portfolio", as_of=AS_OF)
    rows = tabular.xlsx_rows(response.content)
    assert rows[0] == tuple(ROWS[0]) and rows[2][0] == "CDP" and len(rows) == 3


def test_an_unknown_format_is_a_404():
    from django.http import Http404

    with pytest.raises(Http404):
        tabular.table_response(ROWS, "demo", "pdf", title="Portfolio")


@pytest.mark.django_db
def test_the_portfolio_download_is_finished_in_both_formats(client, executive, owner):
    ProjectFactory.create(owner=owner, name="Customer data platform")
    client.force_login(executive)
    sheet = sheet_of(client.get(reverse("portfolio_export", args=["xlsx"])))
    assert sheet["A1"].value.startswith("Portfolio, as of ")
    assert sheet["A2"].value == "Project" and sheet["A2"].font.bold and sheet["A3"].value == "Customer data platform"
    assert sheet.freeze_panes == "B3" and sheet.auto_filter.ref.startswith("A2:")
    assert sheet["G3"].number_format == "0"  # steps done
    response = client.get(reverse("portfolio_export", args=["csv"]))
    assert response.content.startswith(tabular.BOM.encode())
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[0] == "Project"


@pytest.mark.django_db
def test_the_scorecard_download_is_finished_too(client, executive, project):
    client.force_login(executive)
    url = reverse("scorecards:export", kwargs={"slug": project.slug, "fmt": "xlsx"})
    sheet = sheet_of(client.get(url))
    assert sheet["A1"].value.startswith("Comparison, as of ")
    assert sheet["A2"].font.bold and sheet.freeze_panes == "B3"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1+cmd", "'+1+cmd"),
        ("-2-3", "'-2-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+2.00", "+2.00"),
        ("-0.67", "-0.67"),
        ("42", "42"),
        (3, 3),
        ("Plain", "Plain"),
    ],
)
def test_a_formula_is_written_as_text_and_a_signed_number_as_it_is(cell, written):
    assert tabular.safe_cell(cell) == written
