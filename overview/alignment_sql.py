"""A project's latest alignment figures in SQL, so the portfolio sorts by them and
selects a big gap without reading every round in Python.

The same figures as the rows show (``alignment.selectors.latest_project_alignment``):

* a round's sums per side are its stored ``RoundSummary``'s when that is valid
  (stored for the round's current closing time), else summed from its answers
  now (``alignment.selectors.stored_or_computed``);
* a project's round is its latest closed round that has answers;
* what may be shown follows ``alignment.anonymity.disclose`` (rules 2–4): a
  side's mean with at least ``MIN_RESPONDENTS`` respondents on it, the overall
  mean when at least that many answered and the people not covered by a shown
  side number 0 or at least that many, the gap only when both sides are shown.

The database reads the stored summaries' JSON (``disclosed`` writes the rule
over it). A round closed without a valid summary yet (it closed by time passing
and beat has not stored it) is rare and short-lived: ``Alignment`` finds those
(one query), sums their answers with ``alignment.selectors.round_sums`` and
``disclose`` (one more, only when there are some) and gives the database their
figures as values. ``overview/tests/test_dashboard.py`` holds the SQL and
``disclose`` in agreement over every combination of respondents the rule
distinguishes, stored and not.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Abs, Cast, Coalesce
from django.utils import timezone

from alignment.anonymity import BIG_GAP, MIN_RESPONDENTS, OTHER, disclose
from alignment.models import AlignmentRound
from alignment.selectors import round_sums
from governance.models import Side

SIDES = {"m": Side.MARKETING, "it": Side.IT, "o": OTHER}
# A side's group in a stored summary: [sum of levels, answers, respondents].
SUMS = {"t": 0, "a": 1, "r": 2}
FIGURES = ("answers", "overall", "gap")


def _ratio(total, answers):
    return Cast(total, FloatField()) / Cast(answers, FloatField())


_VALID = Q(summary__closes_at=F("closes_at"))  # a round's summary is stored for its closing time


def _stored(side: str, index: int) -> Coalesce:
    """For a round (in a query over rounds): one of a side's sums in its stored summary (0 when absent)."""
    return Coalesce(Cast(KeyTextTransform(str(index), KeyTransform(side, "summary__groups")), IntegerField()), 0)


def disclosed(rounds: QuerySet[AlignmentRound]) -> QuerySet[AlignmentRound]:
    """``rounds`` with ``s_answers``, ``s_overall`` and ``s_gap``: their stored summary's
    figures as ``alignment.anonymity.disclose`` shows them (meaningful where it is valid)."""
    rounds = rounds.alias(
        **{f"s_{key}_{name}": _stored(side, index) for key, side in SIDES.items() for name, index in SUMS.items()}
    )
    shown_m, shown_it = Q(s_m_r__gte=MIN_RESPONDENTS), Q(s_it_r__gte=MIN_RESPONDENTS)
    everyone = F("s_m_r") + F("s_it_r") + F("s_o_r")
    covered = Case(When(shown_m, then=F("s_m_r")), default=0) + Case(When(shown_it, then=F("s_it_r")), default=0)
    rounds = rounds.alias(s_everyone=everyone, s_uncovered=everyone - covered)
    overall_shown = Q(s_everyone__gte=MIN_RESPONDENTS) & (Q(s_uncovered=0) | Q(s_uncovered__gte=MIN_RESPONDENTS))
    total, answers = F("s_m_t") + F("s_it_t") + F("s_o_t"), F("s_m_a") + F("s_it_a") + F("s_o_a")
    gap = _ratio(F("s_m_t"), F("s_m_a")) - _ratio(F("s_it_t"), F("s_it_a"))
    return rounds.alias(
        s_answers=answers,
        s_overall=Case(When(overall_shown, then=_ratio(total, answers)), output_field=FloatField()),
        s_gap=Case(When(shown_m & shown_it, then=gap), output_field=FloatField()),
    )


def summarized(figure: str) -> Subquery:
    """For a project (in a query over projects): ``overall`` or ``gap`` (signed) of its latest
    round with a valid stored summary and answers, as disclosed; NULL when not shown. What
    ``projects.figures`` stores: it depends on stored summaries only, never on the time."""
    rounds = disclosed(
        AlignmentRound.objects.filter(_VALID, project=OuterRef("pk")).exclude(summary__groups={})
    ).order_by("-closes_at", "-pk")
    return Subquery(rounds.annotate(value=F(f"s_{figure}")).values("value")[:1], output_field=FloatField())


@dataclass
class Alignment:
    """Closed project rounds as of ``now``; ``pending``: the figures of those without a valid
    summary, by round id (``answers``, ``overall``, ``gap``), computed from their answers."""

    now: datetime = field(default_factory=timezone.now)
    pending: dict[int, dict] = field(default_factory=dict)

    @classmethod
    def read(cls, now: datetime | None = None) -> "Alignment":
        """Find the rounds closed without a valid summary and compute theirs (one query; two with some)."""
        alignment = cls(now or timezone.now())
        alignment.compute(list(alignment.missing().values_list("pk", flat=True)))
        return alignment

    def missing(self) -> QuerySet[AlignmentRound]:
        """Closed project rounds without a valid summary (closed by time passing, not stored yet)."""
        return self._closed().exclude(summary__closes_at=F("closes_at"))

    def compute(self, missing: list[int]) -> None:
        """The figures of these rounds without a valid summary, from their answers (one query, if any)."""
        for pk, groups in round_sums(missing).items() if missing else ():
            figures = disclose(groups)
            self.pending[pk] = {
                "answers": sum(g.answers for g in groups.values()),
                "overall": figures.overall,
                "gap": figures.gap,
            }
        for pk in missing:
            self.pending.setdefault(pk, {"answers": 0, "overall": None, "gap": None})

    def _closed(self) -> QuerySet[AlignmentRound]:
        return AlignmentRound.objects.filter(project__isnull=False, closes_at__lte=self.now)

    def _figure(self, name: str) -> Case:
        """For a round (in a ``disclosed`` query over rounds): ``answers``, ``overall`` or ``gap``,
        from its valid summary or else as computed from its answers."""
        kind = IntegerField() if name == "answers" else FloatField()
        computed = [When(pk=pk, then=Value(values[name], kind)) for pk, values in self.pending.items()]
        return Case(When(_VALID, then=F(f"s_{name}")), *computed, default=None, output_field=kind)

    def rounds(self) -> QuerySet[AlignmentRound]:
        """Closed project rounds with ``al_answers``, ``al_overall`` (the disclosed overall
        mean, or NULL) and ``al_gap`` (Marketing's mean minus IT's, or NULL)."""
        return disclosed(self._closed()).annotate(**{f"al_{name}": self._figure(name) for name in FIGURES})

    def _answered(self) -> Case:
        """For a round (in a query over rounds): whether anyone answered it, as its figures count them."""
        answered = [pk for pk, values in self.pending.items() if values["answers"]]
        return Case(
            When(_VALID, then=~Q(summary__groups={})),
            *([When(pk__in=answered, then=Value(True))] if answered else []),
            default=Value(False),
            output_field=BooleanField(),
        )

    def latest(self) -> QuerySet[AlignmentRound]:
        """Each project's latest closed round that has answers."""
        later = (
            self._closed()
            .filter(project=OuterRef("project"))
            .filter(Q(closes_at__gt=OuterRef("closes_at")) | Q(closes_at=OuterRef("closes_at"), pk__gt=OuterRef("pk")))
            .alias(answered=self._answered())
            .filter(answered=True)
        )
        return self._closed().alias(answered=self._answered()).filter(answered=True).filter(~Exists(later))

    def big_gap_projects(self) -> QuerySet:
        """Ids of the projects whose latest round shows a perception gap of ``BIG_GAP`` or more."""
        latest = disclosed(self.latest()).alias(al_gap=self._figure("gap"))
        return latest.filter(Q(al_gap__gte=BIG_GAP) | Q(al_gap__lte=-BIG_GAP)).values("project_id")

    def of_project(self, figure: str) -> Subquery:
        """For a project (in a query over projects): ``level`` (the overall mean) or ``gap`` (its
        size, either way) of its latest closed round that has answers; NULL when not shown."""
        rounds = self.rounds().filter(project=OuterRef("pk"), al_answers__gt=0).order_by("-closes_at", "-pk")
        value = F("al_overall") if figure == "level" else Abs("al_gap")
        return Subquery(rounds.annotate(value=value).values("value")[:1], output_field=FloatField())
