"""The anonymity rule of alignment results: what may be shown, decided in one place.

Every page, export and portfolio figure goes through ``disclose``:

1. Figures appear only once a round has closed. While it is open, answers
   arrive and change one at a time, so watching a mean move would reveal the
   answer that moved it.
2. A side's figure (Marketing side, IT side) is shown only when at least
   ``MIN_RESPONDENTS`` (3) people on that side answered; otherwise it reads
   "not enough responses".
3. The overall figure covers everyone who answered, including people on no
   side. It is shown only when at least 3 people answered in total **and** the
   people not covered by a shown side number 0 or at least 3. Otherwise
   ``overall × everyone − shown side totals`` would give the total of one or
   two people (e.g. 4 Marketing and 2 IT respondents: the overall mean and the
   Marketing mean together reveal the two IT answers' sum, so both are hidden).
4. The perception gap is shown only when both sides are shown.
5. The same rule applies per dimension and per round of the trend. Comparison
   with other projects uses only their disclosed overall means, and only when
   at least ``MIN_PROJECTS`` (3) other projects have one (``comparison_shown``).
6. Comments are shown without level or side, sorted alphabetically, and only
   when the round's overall figure is shown (``comments_shown``).

Who answered (not what) is visible to the round's opener and to administrators.
"""

from dataclasses import dataclass

from alignment.models import alignment_level_name
from governance.models import Side

MIN_RESPONDENTS = 3
MIN_PROJECTS = 3
BIG_GAP = 1.0
OTHER = ""  # the snapshot side of someone on no side


@dataclass(frozen=True)
class Group:
    """Answers of one side (or of people on no side): their sum, count and respondents."""

    total: int = 0
    answers: int = 0
    respondents: int = 0


@dataclass(frozen=True)
class Disclosed:
    marketing: float | None
    it: float | None
    overall: float | None
    marketing_n: int
    it_n: int
    overall_n: int

    @property
    def gap(self) -> float | None:
        """Marketing's view minus IT's: positive when Marketing sees it rosier (rule 4)."""
        if self.marketing is None or self.it is None:
            return None
        return self.marketing - self.it

    @property
    def big_gap(self) -> bool:
        return self.gap is not None and abs(self.gap) >= BIG_GAP

    @property
    def overall_level(self) -> str:
        return alignment_level_name(self.overall)


def _mean(group: Group) -> float:
    return group.total / group.answers


def disclose(groups: dict[str, Group]) -> Disclosed:
    """The figures that may be shown for these groups (rules 2–4)."""
    marketing = groups.get(Side.MARKETING, Group())
    it = groups.get(Side.IT, Group())
    everyone = Group(
        total=sum(g.total for g in groups.values()),
        answers=sum(g.answers for g in groups.values()),
        respondents=sum(g.respondents for g in groups.values()),
    )
    show_marketing = marketing.respondents >= MIN_RESPONDENTS
    show_it = it.respondents >= MIN_RESPONDENTS
    uncovered = (
        everyone.respondents - (marketing.respondents if show_marketing else 0) - (it.respondents if show_it else 0)
    )
    show_overall = everyone.respondents >= MIN_RESPONDENTS and (uncovered == 0 or uncovered >= MIN_RESPONDENTS)
    return Disclosed(
        marketing=_mean(marketing) if show_marketing else None,
        it=_mean(it) if show_it else None,
        overall=_mean(everyone) if show_overall else None,
        marketing_n=marketing.respondents,
        it_n=it.respondents,
        overall_n=everyone.respondents,
    )


def comments_shown(figures: Disclosed) -> bool:
    """Rule 6: a round's comments appear only with its overall figure."""
    return figures.overall is not None


def comparison_shown(other_projects: int) -> bool:
    """Rule 5: other projects' quartiles appear only when enough projects have a disclosed mean."""
    return other_projects >= MIN_PROJECTS
