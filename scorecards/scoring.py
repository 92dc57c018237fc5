"""The scorecard's arithmetic, in one place (issue "Vendor priority scorecards").

* Scores go from 1 (Very poor) to 5 (Great); a group's maximum is 5 × its
  number of criteria (five default criteria: 25).
* A cell (candidate × criterion) has a mean, a highest and a lowest score over
  submitted sheets; its spread is highest − lowest, a "disagreement" from
  ``DISAGREEMENT`` (2) points.
* Weights (more than 0, at most 10) and minimums (1 to 5) take up to two
  decimals: a weight of 1.5 counts one and a half times, a minimum of 3.5 flags
  a mean of 3.40 (or 3.49) and not one of 3.50.
* A criterion is "below minimum" when its mean, rounded to two places as the
  page shows it, is under its minimum acceptable score.
* A group total (IT priorities, Marketing priorities) is the weighted mean of
  its criteria's means scaled by the number of criteria:
  ``Σ(weight × mean) / Σ weight × n``; none until every criterion has a mean.
  The overall total is the sum of the two group totals.
* Each side's view: the same group totals computed from only the IT-side
  raters' means, and from only the Marketing-side raters' means (four figures
  per candidate: IT and Marketing priorities, as each side rated them).
* Ranking (competition ranking): candidates with no flag first, higher overall
  first; equal keys share a rank (1, 1, 3); a candidate without an overall
  total has no rank.

Figures are rounded half up to two places, as shown and stored.
"""

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

MAX_SCORE = 5
DISAGREEMENT = 2
TWO_PLACES = Decimal("0.01")


def rounded(value) -> Decimal | None:
    """``value`` rounded half up to two places (None stays None)."""
    return None if value is None else Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def group_maximum(criteria_in_group: int) -> int:
    return MAX_SCORE * criteria_in_group


def spread(highest: int | None, lowest: int | None) -> int | None:
    return None if highest is None or lowest is None else highest - lowest


def is_disagreement(cell_spread: int | None) -> bool:
    return cell_spread is not None and cell_spread >= DISAGREEMENT


def is_below_minimum(mean: Decimal | None, minimum: Decimal | None) -> bool:
    return minimum is not None and mean is not None and mean < minimum


def group_total(weighted_means: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """``Σ(weight × mean) / Σ weight × n`` over ``(weight, mean)`` pairs; None when a mean is missing."""
    if not weighted_means or any(mean is None for _weight, mean in weighted_means):
        return None
    weighted = sum(weight * mean for weight, mean in weighted_means)
    weights = sum(weight for weight, _mean in weighted_means)
    return rounded(Decimal(weighted) / Decimal(weights) * len(weighted_means))


def plain(value: Decimal | None) -> str:
    """A weight or minimum as a person writes it: 2, 1.5, 3.25 (no trailing zeros); "" for None."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def overall(it_total: Decimal | None, marketing_total: Decimal | None) -> Decimal | None:
    return None if it_total is None or marketing_total is None else it_total + marketing_total


def competition_ranks(keys: Iterable[tuple[bool, Decimal | None]]) -> list[int | None]:
    """Ranks for ``(flagged, overall)`` keys, in the order given: unflagged before
    flagged, higher overall first, equal keys share a rank; no overall, no rank."""
    keys = list(keys)
    ranks: list[int | None] = [None] * len(keys)
    order = sorted((i for i, (_flag, total) in enumerate(keys) if total is not None),
                   key=lambda i: (keys[i][0], -keys[i][1]))  # fmt: skip
    previous_key, previous_rank = None, 0
    for position, index in enumerate(order, start=1):
        rank = previous_rank if keys[index] == previous_key else position
        ranks[index] = rank
        previous_key, previous_rank = keys[index], rank
    return ranks
