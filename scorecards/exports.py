"""The comparison as CSV and XLSX, with exactly the figures of the page."""

from common.tabular import table_response
from scorecards.selectors import Results, results_table


def _rows(results: Results) -> list[list]:
    """The comparison rows the viewer may see (blind candidates are left out)."""
    table = results_table(results)
    rows = [table[0]]
    for row, result in zip(table[1:], results.ranking, strict=True):
        if result.visible:
            rows.append(row)
    return rows


def response(results: Results, filename: str, fmt: str):
    return table_response(_rows(results), filename, fmt, title="Comparison")
