"""CSV export of a round's results: the same disclosed figures as the page."""

from alignment.selectors import Disclosed, RoundResults
from common.tabular import safe_cell

NOT_ENOUGH = "not enough responses"
HEADER = [
    "Dimension",
    "Marketing side mean",
    "Marketing side respondents",
    "IT side mean",
    "IT side respondents",
    "Overall mean",
    "Respondents",
    "Perception gap (Marketing minus IT)",
]


def _figure(value: float | None) -> str:
    return NOT_ENOUGH if value is None else f"{value:.2f}"


def _row(name: str, f: Disclosed) -> list[str]:
    name = safe_cell(name)  # a name is never run as a formula
    gap = f"{f.gap:+.2f}" if f.gap is not None else NOT_ENOUGH
    return [name, _figure(f.marketing), f.marketing_n, _figure(f.it), f.it_n, _figure(f.overall), f.overall_n, gap]


def results_rows(results: RoundResults) -> list[list]:
    """The header, one row per dimension and one for the whole round; suppressed
    figures read "not enough responses"."""
    rows = [HEADER] + [_row(d.dimension.name, d.figures) for d in results.dimensions]
    return rows + [_row("All dimensions", results.figures)]
