"""Scorecard reads: results per candidate, computed in the database. Reads never write.

The figures and their arithmetic (group totals, spread, minimums, ranking)
are defined in ``scorecards.scoring``; this module only gathers the numbers:
per candidate and criterion, over *submitted* sheets only, the mean, the
highest and lowest score, and the mean of IT-side and of Marketing-side
raters ("how each side scored it": the same totals from one side's means).

Four queries whatever the number of raters or candidates; the only Python
loops are over candidates × criteria, never over raters.

A project has no stored scorecard until its first write (a candidate added):
``scorecard_of`` gives pages an unsaved stand-in with the default criteria,
and every read here treats it as an empty scorecard.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery

from governance.models import Side, User
from projects.access import can_see_scorecard_figures, visible_projects
from projects.models import ProjectStatus
from projects.selectors import LogEntry
from scorecards import scoring
from scorecards.models import (
    SCORE_LABELS,
    Candidate,
    Criterion,
    Decision,
    Group,
    Invitation,
    Rating,
    RatingSheet,
    Scorecard,
    ScorecardCriterion,
)


@dataclass
class CriterionResult:
    criterion: ScorecardCriterion
    mean: Decimal | None = None
    highest: int | None = None
    lowest: int | None = None
    raters: int = 0
    it_mean: Decimal | None = None
    marketing_mean: Decimal | None = None

    @property
    def spread(self) -> int | None:
        return scoring.spread(self.highest, self.lowest)

    @property
    def disagreement(self) -> bool:
        return scoring.is_disagreement(self.spread)

    @property
    def below_minimum(self) -> bool:
        return scoring.is_below_minimum(self.mean, self.criterion.minimum)


@dataclass
class CandidateResult:
    candidate: Candidate
    criteria: list[CriterionResult]
    submitted_it: int = 0
    submitted_marketing: int = 0
    submitted_other: int = 0
    rank: int | None = None
    visible: bool = True

    def _group_total(self, group: str, attr: str = "mean") -> Decimal | None:
        return scoring.group_total(
            [(c.criterion.weight, getattr(c, attr)) for c in self.criteria if c.criterion.group == group]
        )

    @property
    def it_total(self):
        return self._group_total(Group.IT)

    @property
    def marketing_total(self):
        return self._group_total(Group.MARKETING)

    @property
    def overall(self):
        return scoring.overall(self.it_total, self.marketing_total)

    def _side_overall(self, attr: str):
        return scoring.overall(self._group_total(Group.IT, attr), self._group_total(Group.MARKETING, attr))

    @property
    def it_raters_overall(self):
        return self._side_overall("it_mean")

    @property
    def marketing_raters_overall(self):
        return self._side_overall("marketing_mean")

    # Each side's view per priority group (scoring: "Each side's view"): the
    # disagreement the scorecard exists to surface, e.g. IT-side raters prefer
    # one candidate on IT priorities while Marketing-side raters prefer another
    # on Marketing priorities.
    @property
    def it_total_by_it_raters(self):
        return self._group_total(Group.IT, "it_mean")

    @property
    def marketing_total_by_it_raters(self):
        return self._group_total(Group.MARKETING, "it_mean")

    @property
    def it_total_by_marketing_raters(self):
        return self._group_total(Group.IT, "marketing_mean")

    @property
    def marketing_total_by_marketing_raters(self):
        return self._group_total(Group.MARKETING, "marketing_mean")

    @property
    def below_minimum(self) -> list[str]:
        return [c.criterion.name for c in self.criteria if c.below_minimum]

    @property
    def submitted(self) -> int:
        return self.submitted_it + self.submitted_marketing + self.submitted_other


@dataclass
class Results:
    scorecard: Scorecard
    criteria: list[ScorecardCriterion]
    candidates: list[CandidateResult] = field(default_factory=list)

    def group_maximum(self, group: str) -> int:
        return scoring.group_maximum(sum(1 for c in self.criteria if c.group == group))

    @property
    def it_maximum(self) -> int:
        return self.group_maximum(Group.IT)

    @property
    def marketing_maximum(self) -> int:
        return self.group_maximum(Group.MARKETING)

    @property
    def ranking(self) -> list[CandidateResult]:
        return sorted(self.candidates, key=lambda r: (r.rank is None, r.rank or 0, r.candidate.name))

    @property
    def leaders(self) -> list[CandidateResult]:
        return [r for r in self.candidates if r.rank == 1]


def _cell_stats(ratings):
    """Per candidate and criterion: mean, highest, lowest, raters and each side's mean (one query)."""
    stats = (
        ratings.filter(sheet__submitted_at__isnull=False, score__isnull=False)
        .values("sheet__candidate_id", "criterion_id")
        .annotate(
            mean=Avg("score"),
            highest=Max("score"),
            lowest=Min("score"),
            raters=Count("id"),
            it_mean=Avg("score", filter=Q(sheet__rater_side=Side.IT)),
            marketing_mean=Avg("score", filter=Q(sheet__rater_side=Side.MARKETING)),
        )
        .order_by()
    )
    return {(row["sheet__candidate_id"], row["criterion_id"]): row for row in stats}


def _sheet_counts(sheets) -> dict[tuple[int, str], int]:
    """Submitted sheets per candidate and rater side (one query)."""
    counts = sheets.filter(submitted_at__isnull=False).values("candidate_id", "rater_side").annotate(n=Count("id"))
    return {(row["candidate_id"], row["rater_side"]): row["n"] for row in counts.order_by()}


def _candidate_result(candidate, criteria, by_cell, by_side) -> CandidateResult:
    rows = []
    for criterion in criteria:
        cell = by_cell.get((candidate.pk, criterion.pk))
        if cell is None:
            rows.append(CriterionResult(criterion=criterion))
            continue
        rows.append(
            CriterionResult(
                criterion=criterion,
                mean=scoring.rounded(cell["mean"]),
                highest=cell["highest"],
                lowest=cell["lowest"],
                raters=cell["raters"],
                it_mean=scoring.rounded(cell["it_mean"]),
                marketing_mean=scoring.rounded(cell["marketing_mean"]),
            )
        )
    return CandidateResult(
        candidate=candidate,
        criteria=rows,
        submitted_it=by_side.get((candidate.pk, Side.IT), 0),
        submitted_marketing=by_side.get((candidate.pk, Side.MARKETING), 0),
        submitted_other=by_side.get((candidate.pk, ""), 0),
    )


def scorecard_of(project) -> Scorecard:
    """The project's scorecard, or, before its first write, an unsaved stand-in
    that every read here shows as an empty scorecard with the default criteria.
    Never writes: the services create the scorecard when something is written."""
    return Scorecard.objects.filter(project=project).first() or Scorecard(project=project)


def criteria_copies(scorecard: Scorecard) -> list[ScorecardCriterion]:
    """Unsaved copies of the active default criteria for ``scorecard``: what a new
    scorecard starts with (the services store them), and what a stand-in shows."""
    return [
        ScorecardCriterion(
            scorecard=scorecard, name=c.name, group=c.group, description=c.description,
            weight=c.weight, minimum=c.minimum, position=c.position,
        )
        for c in Criterion.objects.filter(is_active=True).order_by("group", "position", "name")
    ]  # fmt: skip


def scorecard_results(scorecard: Scorecard, *, viewer: User | None) -> Results:
    """Every figure of the comparison page; ``viewer`` decides which candidates'
    figures may be shown (blind until the viewer submits their own). Only the
    stored standings and a decision's frozen evidence pass ``viewer=None``: they
    are records of the whole scorecard, never shown to one person as they are."""
    if scorecard.pk is None:  # the stand-in of a project with no scorecard yet
        return Results(scorecard=scorecard, criteria=criteria_copies(scorecard))
    criteria = list(scorecard.criteria.order_by("group", "position", "name"))
    candidates = list(scorecard.candidates.order_by("name"))
    by_cell = _cell_stats(Rating.objects.filter(sheet__candidate__scorecard=scorecard))
    by_side = _sheet_counts(RatingSheet.objects.filter(candidate__scorecard=scorecard))
    results = Results(scorecard=scorecard, criteria=criteria)
    results.candidates = [_candidate_result(c, criteria, by_cell, by_side) for c in candidates]
    _rank(results.candidates)
    if viewer is not None:
        visible = visible_candidate_ids(scorecard, viewer)
        for result in results.candidates:
            result.visible = result.candidate.pk in visible
    return results


@dataclass
class VendorSummary:
    """A project's chosen vendor, or else its leading candidate, for the portfolio."""

    candidate_id: int
    name: str
    it_total: Decimal | None
    marketing_total: Decimal | None
    overall: Decimal | None
    flagged: list[str]
    chosen: bool
    tied: int  # how many candidates share the lead (1: a clear leader)
    candidates: int
    it_maximum: int
    marketing_maximum: int
    visible: bool = True

    @property
    def below_minimum(self) -> list[str]:
        return self.flagged if self.visible else []


def portfolio_vendors(projects: QuerySet, *, viewer: User) -> dict[int, VendorSummary]:
    """By project id: the vendor chosen at step 5 (a standing decision), or else
    the top-ranked candidate, with its totals. Reads the standings stored by
    ``services.standings_refresh``: one query for any number of projects (two
    for a viewer who is not an executive: a candidate's figures stay blind to
    whoever has not rated it, as on the scorecard page)."""
    standing = Decision.objects.filter(candidate=OuterRef("pk"), withdrawn_at__isnull=True)
    decided = Decision.objects.filter(scorecard=OuterRef("scorecard"), withdrawn_at__isnull=True)
    others = (
        Candidate.objects.filter(scorecard=OuterRef("scorecard"))
        .order_by()
        .values("scorecard")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Candidate.objects.filter(scorecard__project__in=projects)
        .annotate(chosen=Exists(standing), decided=Exists(decided), candidates=Subquery(others))
        .filter(Q(chosen=True) | Q(rank=1, decided=False))
        .order_by("scorecard_id", "name")
        .values_list(
            "scorecard__project_id", "pk", "name", "it_total", "marketing_total", "overall_total", "below_minimum",
            "chosen", "candidates", "scorecard__it_maximum", "scorecard__marketing_maximum",
        )
    )  # fmt: skip
    summaries: dict[int, VendorSummary] = {}
    for project_id, pk, name, it, marketing, overall, flagged, chosen, candidates, it_max, marketing_max in rows:
        if project_id in summaries:  # another candidate sharing the lead
            summaries[project_id].tied += 1
            continue
        summaries[project_id] = VendorSummary(
            pk, name, it, marketing, overall, flagged, chosen, 1, candidates, it_max, marketing_max
        )
    if summaries and not can_see_scorecard_figures(viewer, has_submitted=False):
        rated = _rated_by(viewer, candidate_id__in=[v.candidate_id for v in summaries.values()])
        for summary in summaries.values():
            summary.visible = can_see_scorecard_figures(viewer, has_submitted=summary.candidate_id in rated)
    return summaries


def _rank(candidates: list[CandidateResult]) -> None:
    """Competition ranking (``scoring.competition_ranks``)."""
    ranks = scoring.competition_ranks((bool(c.below_minimum), c.overall) for c in candidates)
    for result, rank in zip(candidates, ranks, strict=True):
        result.rank = rank


def visible_candidate_ids(scorecard: Scorecard, viewer: User) -> set[int]:
    """Candidates whose results ``viewer`` may see (``access.can_see_scorecard_figures``):
    all for executives and administrators, otherwise those the viewer has
    submitted a rating for."""
    if can_see_scorecard_figures(viewer, has_submitted=False):
        return set(scorecard.candidates.values_list("pk", flat=True))
    rated = _rated_by(viewer, candidate__scorecard=scorecard)
    return {pk for pk in rated if can_see_scorecard_figures(viewer, has_submitted=True)}


def _rated_by(viewer: User, **candidates) -> set[int]:
    """Ids of the candidates (narrowed by ``candidates``) that ``viewer`` submitted a rating for: what the blind
    rule (``access.can_see_scorecard_figures``) asks."""
    return set(
        RatingSheet.objects.filter(rater=viewer, submitted_at__isnull=False, **candidates).values_list(
            "candidate_id", flat=True
        )
    )


def my_sheets(scorecard: Scorecard, user: User) -> dict[int, RatingSheet]:
    """The user's own sheets on this scorecard, by candidate id."""
    if scorecard.pk is None:
        return {}
    return {s.candidate_id: s for s in RatingSheet.objects.filter(candidate__scorecard=scorecard, rater=user)}


def invite_suggestions(member_ids: set[int], candidate: Candidate, *, per_side: int = 3) -> dict[str, list[User]]:
    """Members of each side who have rated least recently (never first), not yet
    invited to or rating this candidate: so the same few are not always asked."""
    people = (
        User.objects.filter(pk__in=member_ids, is_active=True)
        .exclude(rating_invitations__candidate=candidate)
        .exclude(rating_sheets__candidate=candidate)
        .annotate(last_rated=Max("rating_sheets__updated_at"))
        # Never rated first, on every database (PostgreSQL sorts NULL last by default).
        .order_by(F("last_rated").asc(nulls_first=True), "first_name", "last_name")
    )
    suggestions: dict[str, list[User]] = {Side.MARKETING: [], Side.IT: []}
    for person in people:
        side = person.side
        if side in suggestions and len(suggestions[side]) < per_side:
            suggestions[side].append(person)
    return suggestions


SIDE_VIEW_HEADERS = [
    "IT priorities by IT raters",
    "Marketing priorities by IT raters",
    "IT priorities by Marketing raters",
    "Marketing priorities by Marketing raters",
]


def results_table(results: Results) -> list[list]:
    """The comparison as rows (exports and the decision's frozen evidence)."""
    header = ["Rank", "Candidate", "Build in-house"]
    header += [f"{c.name} ({Group(c.group).label}, weight {scoring.plain(c.weight)}) mean" for c in results.criteria]
    header += [f"{c.name} spread" for c in results.criteria]
    header += [
        f"IT total (of {results.it_maximum})",
        f"Marketing total (of {results.marketing_maximum})",
        "Overall",
        "Overall by IT raters",
        "Overall by Marketing raters",
        *SIDE_VIEW_HEADERS,
        "Below minimum",
        "IT raters submitted",
        "Marketing raters submitted",
    ]
    rows = [header]
    for r in results.ranking:
        rows.append(
            [r.rank, r.candidate.name, "yes" if r.candidate.build_in_house else "no"]
            + [c.mean for c in r.criteria]
            + [c.spread for c in r.criteria]
            + [
                r.it_total,
                r.marketing_total,
                r.overall,
                r.it_raters_overall,
                r.marketing_raters_overall,
                r.it_total_by_it_raters,
                r.marketing_total_by_it_raters,
                r.it_total_by_marketing_raters,
                r.marketing_total_by_marketing_raters,
                ", ".join(r.below_minimum),
                r.submitted_it,
                r.submitted_marketing,
            ]
        )
    return rows


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def chart_data(results: Results) -> dict:
    """What ``static/js/scorecards.js`` draws, for the candidates whose figures the
    viewer may see (the blind rule: ``CandidateResult.visible``) and that have totals:
    each group total, and each group's total as each side's raters rated it
    (None where a side has not rated: a gap in the chart)."""
    shown = [r for r in results.candidates if r.visible and r.overall is not None]
    return {
        "labels": [r.candidate.name for r in shown],
        "it": [_number(r.it_total) for r in shown],
        "marketing": [_number(r.marketing_total) for r in shown],
        "it_by_it": [_number(r.it_total_by_it_raters) for r in shown],
        "marketing_by_it": [_number(r.marketing_total_by_it_raters) for r in shown],
        "it_by_marketing": [_number(r.it_total_by_marketing_raters) for r in shown],
        "marketing_by_marketing": [_number(r.marketing_total_by_marketing_raters) for r in shown],
        "max": max(results.it_maximum, results.marketing_maximum),
    }


def score_label(value: int) -> str:
    return SCORE_LABELS[value]


def ratings_waiting_for(user: User) -> list[Candidate]:
    """Candidates ``user`` was invited to rate or started rating and has not
    submitted, on active projects they may see whose vendor is not yet chosen
    (one query); ``draft`` is true when they have started."""
    mine = RatingSheet.objects.filter(candidate=OuterRef("pk"), rater=user)
    standing = Decision.objects.filter(scorecard=OuterRef("scorecard"), withdrawn_at__isnull=True)
    invited = Invitation.objects.filter(candidate=OuterRef("pk"), user=user)
    return list(
        Candidate.objects.filter(
            scorecard__project__in=visible_projects(user).filter(status=ProjectStatus.ACTIVE),
        )
        .annotate(draft=Exists(mine.filter(submitted_at__isnull=True)))
        .filter(Exists(invited) | Q(draft=True))
        .exclude(Exists(mine.filter(submitted_at__isnull=False)))
        .exclude(Exists(standing))
        .select_related("scorecard__project")
        .order_by("scorecard__project__name", "name")
    )


@dataclass
class ProjectScorecard:
    """What the project page shows of its scorecard: the ranking and every vendor decision."""

    results: Results
    decisions: list[Decision]

    @property
    def standing(self) -> Decision | None:
        return next((d for d in self.decisions if d.withdrawn_at is None), None)

    @property
    def shown(self) -> list[CandidateResult]:
        """The candidates whose figures the viewer may see, by rank."""
        return [r for r in self.results.ranking if r.visible]

    @property
    def blind(self) -> int:
        """How many candidates stay blind to the viewer (not rated by them yet)."""
        return sum(1 for r in self.results.candidates if not r.visible)


def project_scorecard(project, *, viewer: User) -> ProjectScorecard | None:
    """The project's scorecard figures as ``viewer`` may see them, or None before it has one."""
    scorecard = Scorecard.objects.filter(project=project).first()
    if scorecard is None:
        return None
    decisions = list(
        scorecard.decisions.select_related("candidate", "decided_by", "withdrawn_by").order_by("-decided_at")
    )
    return ProjectScorecard(results=scorecard_results(scorecard, viewer=viewer), decisions=decisions)


def candidate_of(scorecard: Scorecard, candidate_id: int) -> Candidate | None:
    """The scorecard's candidate ``candidate_id``, or None (a stand-in has none)."""
    if scorecard.pk is None:
        return None
    return scorecard.candidates.filter(pk=candidate_id).first()


def withdrawn_decisions(scorecard: Scorecard) -> list[Decision]:
    """The scorecard's withdrawn decisions, for its page (none on a stand-in)."""
    if scorecard.pk is None:
        return []
    return list(scorecard.decisions.filter(withdrawn_at__isnull=False).select_related("candidate", "withdrawn_by"))


def vendor_decision_log(vendor: ProjectScorecard | None) -> list[LogEntry]:
    """The project's vendor choices and their withdrawals as decision-log entries,
    from ``project_scorecard``'s decisions (no query)."""
    entries = []
    for decision in vendor.decisions if vendor else []:
        entries.append(
            LogEntry(decision.decided_at, decision.decided_by, f"Chose {decision.candidate.name}", decision.rationale)
        )
        if decision.withdrawn_at:
            entries.append(
                LogEntry(
                    decision.withdrawn_at,
                    decision.withdrawn_by,
                    f"Withdrew the choice of {decision.candidate.name}",
                    decision.withdrawal_reason,
                )
            )
    return entries
