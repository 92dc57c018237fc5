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
    DecisionSignature,
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
    standing = Decision.objects.standing().filter(candidate=OuterRef("pk"))
    decided = Decision.objects.standing().filter(scorecard=OuterRef("scorecard"))
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
    # A proposal waiting for signatures freezes the scorecard too.
    standing = Decision.objects.filter(scorecard=OuterRef("scorecard"), withdrawn_at__isnull=True)
    # Starts from the person's own invitations and drafts (a handful of rows, by
    # index), not from every scorecard of the portfolio.
    invited_or_started = (
        Invitation.objects.filter(user=user)
        .order_by()
        .values("candidate_id")
        .union(RatingSheet.objects.filter(rater=user, submitted_at__isnull=True).order_by().values("candidate_id"))
    )
    return list(
        Candidate.objects.filter(
            pk__in=invited_or_started,
            scorecard__project__in=visible_projects(user).filter(status=ProjectStatus.ACTIVE),
        )
        .annotate(draft=Exists(mine.filter(submitted_at__isnull=True)))
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
        return next((d for d in self.decisions if d.is_standing), None)

    @property
    def proposal(self) -> Decision | None:
        """The proposal waiting for the sponsors' signatures, if any."""
        return next((d for d in self.decisions if d.is_proposal), None)

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
        scorecard.decisions.select_related("candidate", "decided_by", "withdrawn_by", "tie_broken_by").order_by(
            "-decided_at"
        )
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
    """The project's vendor proposals, choices and their withdrawals as decision-log
    entries, from ``project_scorecard``'s decisions (no query)."""
    entries = []
    for decision in vendor.decisions if vendor else []:
        name = decision.candidate.name
        if decision.rule == Decision.Rule.SINGLE:
            entries.append(LogEntry(decision.decided_at, decision.decided_by, f"Chose {name}", decision.rationale))
        else:
            entries.append(LogEntry(decision.decided_at, decision.decided_by, f"Proposed {name}", decision.rationale))
        if decision.tie_broken_at:
            entries.append(
                LogEntry(decision.tie_broken_at, decision.tie_broken_by, f"Broke the tie: chose {name}",
                         decision.tie_break_reason)
            )  # fmt: skip
        elif decision.stood_at and decision.rule == Decision.Rule.DUAL:
            entries.append(LogEntry(decision.stood_at, None, f"Both sponsors agreed: chose {name}"))
        if decision.withdrawn_at:
            what = "choice" if decision.stood_at else "proposal"
            entries.append(
                LogEntry(decision.withdrawn_at, decision.withdrawn_by, f"Withdrew the {what} of {name}",
                         decision.withdrawal_reason)
            )  # fmt: skip
    return entries


# --- Vendor decisions both sponsors sign (docs/vendor-decisions.md) ---------------------------

_PROPOSAL_RELATED = ("scorecard__project", "candidate", "decided_by")


def decisions_awaiting_signature(viewer: User) -> QuerySet[Decision]:
    """Proposed vendor decisions not yet standing (nor withdrawn) on projects ``viewer``
    may see, oldest first, with their project, candidate and proposer selected
    (one query). The steering committee's agenda reads it."""
    return (
        Decision.objects.proposed()
        .filter(scorecard__project__in=visible_projects(viewer))
        .select_related(*_PROPOSAL_RELATED)
        .order_by("decided_at", "pk")
    )


def _unsigned_by_sponsor(side: str, sponsor_field: str):
    """Proposals whose ``side`` has no current signature by that side's sponsor now."""
    signed = DecisionSignature.objects.filter(
        decision=OuterRef("pk"),
        side=side,
        superseded_at__isnull=True,
        signer=OuterRef(f"scorecard__project__{sponsor_field}"),
    )
    return ~Exists(signed)


def _waiting_filter(user_id: int | None = None) -> Q:
    """Proposals with a side unsigned by its sponsor (``user_id``: only that sponsor's sides)."""
    marketing = Q(scorecard__project__marketing_sponsor__isnull=False) & _unsigned_by_sponsor(
        "marketing", "marketing_sponsor"
    )
    it = Q(scorecard__project__it_sponsor__isnull=False) & _unsigned_by_sponsor("it", "it_sponsor")
    if user_id is not None:
        marketing &= Q(scorecard__project__marketing_sponsor=user_id)
        it &= Q(scorecard__project__it_sponsor=user_id)
    return marketing | it


def signatures_waiting_for(user: User) -> list[Decision]:
    """Proposals waiting for ``user``'s signature as a sponsor of the project (one query),
    oldest first; ``side_labels`` says which sides are theirs to sign."""
    if not (user.is_authenticated and user.is_active):
        return []
    rows = list(
        Decision.objects.proposed()
        .filter(_waiting_filter(user.pk), scorecard__project__in=visible_projects(user))
        .select_related(*_PROPOSAL_RELATED)
        .order_by("decided_at", "pk")
    )
    for decision in rows:
        project = decision.scorecard.project
        decision.side_labels = [
            label
            for side, label, sponsor_id in (
                ("marketing", "Marketing", project.marketing_sponsor_id),
                ("it", "IT", project.it_sponsor_id),
            )
            if sponsor_id == user.pk
        ]
    return rows


def signature_recipient_ids() -> set[int]:
    """Ids of the active sponsors with a signature waiting on some proposal (two
    queries, one per side): the digest's recipients."""
    ids: set[int] = set()
    for side, field_name in (("marketing", "marketing_sponsor"), ("it", "it_sponsor")):
        sponsor = f"scorecard__project__{field_name}"
        ids.update(
            Decision.objects.proposed()
            .filter(_unsigned_by_sponsor(side, field_name), **{f"{sponsor}__is_active": True})
            .values_list(sponsor, flat=True)
        )
    return ids


def decision_of(scorecard: Scorecard, decision_id: int) -> Decision | None:
    """The scorecard's decision ``decision_id`` (any state), or None (a stand-in has none)."""
    if scorecard.pk is None:
        return None
    return (
        scorecard.decisions.select_related("candidate", "decided_by", "withdrawn_by", "tie_broken_by")
        .filter(pk=decision_id)
        .first()
    )


@dataclass
class Position:
    """One side of a vendor decision: its sponsor now, the current signature and the earlier ones."""

    side: str
    label: str
    sponsor: User | None
    current: DecisionSignature | None
    history: list[DecisionSignature]

    @property
    def counts(self) -> bool:
        """Whether the current signature speaks for the side (signed by its sponsor now)."""
        return self.current is not None and self.sponsor is not None and self.current.signer_id == self.sponsor.pk


def decision_positions(decision: Decision, project) -> list[Position]:
    """Both sides' positions on ``decision`` (one query); ``project`` with its sponsors loaded."""
    signatures = list(decision.signatures.select_related("signer").order_by("signed_at", "pk"))
    positions = []
    for side, label, sponsor in (
        ("marketing", "Marketing", project.marketing_sponsor),
        ("it", "IT", project.it_sponsor),
    ):
        mine = [s for s in signatures if s.side == side]
        current = next((s for s in mine if s.superseded_at is None), None)
        positions.append(Position(side, label, sponsor, current, [s for s in mine if s is not current]))
    return positions


def decision_snapshot(decision: Decision, viewer: User) -> tuple[list, list[list], int]:
    """The decision's frozen results (header, rows) as ``viewer`` may see them, and how
    many rows stay blind: the blind rule applies to the frozen copy too (a row shows
    only for a candidate whose figures the viewer may see; two queries)."""
    if not decision.results_snapshot:
        return [], [], 0
    header, *rows = decision.results_snapshot
    seen_ids = visible_candidate_ids(decision.scorecard, viewer)
    seen = set(Candidate.objects.filter(pk__in=seen_ids).values_list("name", flat=True))
    shown = [row for row in rows if len(row) > 1 and row[1] in seen]
    # The page shows the summary columns (the per-criterion means are in the scorecard's export).
    keep = [i for i, title in enumerate(header) if i < 2 or title.startswith(SNAPSHOT_COLUMNS)]
    return [header[i] for i in keep], [[row[i] for i in keep] for row in shown], len(rows) - len(shown)


SNAPSHOT_COLUMNS = ("IT total", "Marketing total", "Overall", "Below minimum")
