"""Alignment self-assessments: the reads, and the anonymity rule they all obey.

Anonymity (every page, export and admin view goes through ``disclose``):

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
   at least ``MIN_PROJECTS`` (3) other projects have one, as quartiles.
6. Comments are shown without level or side, sorted alphabetically, and only
   when the round's overall figure is shown.

Who answered (not what) is visible to the round's opener and to administrators.
"""

import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from alignment.models import (
    AlignmentRound,
    RoundAnswer,
    RoundDimension,
    RoundInvitation,
    RoundSummary,
    alignment_level_name,
)
from governance.models import Side, User
from projects.access import get_project_or_404, sees_everything, visible_projects

MIN_RESPONDENTS = 3
MIN_PROJECTS = 3
BIG_GAP = 1.0
WEAKEST_COUNT = 3
OTHER = ""  # the snapshot side of someone on no side


# --- Anonymity -------------------------------------------------------------------


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
        """Marketing's view minus IT's: positive when Marketing sees it rosier."""
        if self.marketing is None or self.it is None:
            return None
        return self.marketing - self.it

    @property
    def big_gap(self) -> bool:
        return self.gap is not None and abs(self.gap) >= BIG_GAP

    @property
    def overall_level(self) -> str:
        return alignment_level_name(self.overall)


def disclose(groups: dict[str, Group]) -> Disclosed:
    """The figures that may be shown for these groups (module docstring, rules 2–4)."""
    marketing = groups.get(Side.MARKETING, Group())
    it = groups.get(Side.IT, Group())
    everyone = Group(
        total=sum(g.total for g in groups.values()),
        answers=sum(g.answers for g in groups.values()),
        respondents=sum(g.respondents for g in groups.values()),
    )

    def mean(group: Group) -> float:
        return group.total / group.answers

    show_marketing = marketing.respondents >= MIN_RESPONDENTS
    show_it = it.respondents >= MIN_RESPONDENTS
    uncovered = (
        everyone.respondents - (marketing.respondents if show_marketing else 0) - (it.respondents if show_it else 0)
    )
    show_overall = everyone.respondents >= MIN_RESPONDENTS and (uncovered == 0 or uncovered >= MIN_RESPONDENTS)
    return Disclosed(
        marketing=mean(marketing) if show_marketing else None,
        it=mean(it) if show_it else None,
        overall=mean(everyone) if show_overall else None,
        marketing_n=marketing.respondents,
        it_n=it.respondents,
        overall_n=everyone.respondents,
    )


# --- Who may see what ----------------------------------------------------------------


def round_for(user: User, pk: int) -> tuple[AlignmentRound, RoundInvitation | None]:
    """The round ``pk`` and ``user``'s invitation to it, or 404 when ``user`` may not see it.

    A project round exists for whoever may view the project (``projects.access``);
    an organization round for executives, administrators, its opener and its invitees.
    """
    round_ = AlignmentRound.objects.select_related("project", "opened_by").filter(pk=pk).first()
    if round_ is None:
        raise Http404("No such round.")
    invitation = RoundInvitation.objects.filter(round=round_, user=user).first()
    if round_.project_id is not None:
        get_project_or_404(user, round_.project.slug)
    elif not (sees_everything(user) or round_.opened_by_id == user.pk or invitation is not None):
        raise Http404("No such round.")
    return round_, invitation


def rounds_visible_to(user: User) -> QuerySet[AlignmentRound]:
    """Rounds ``user`` may open (same rule as ``round_for``), with answered/invited counts."""
    if sees_everything(user):
        organization = Q(project__isnull=True)
    else:
        invited = RoundInvitation.objects.filter(round=OuterRef("pk"), user=user)
        organization = Q(project__isnull=True) & (Q(opened_by=user) | Exists(invited))
    return (
        AlignmentRound.objects.filter(organization | Q(project__in=visible_projects(user)))
        .select_related("project", "opened_by")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            answered_count=Count("invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True),
        )
    )


def rounds_waiting_for(user: User) -> list[RoundInvitation]:
    """Open rounds ``user`` was invited to and has not answered yet (one query)."""
    return list(
        RoundInvitation.objects.filter(user=user, answered_at__isnull=True, round__closes_at__gt=timezone.now())
        .filter(Q(round__project__isnull=True) | Q(round__project__in=visible_projects(user)))
        .select_related("round", "round__project")
        .order_by("round__closes_at")
    )


def open_invitations(user: User) -> list[RoundInvitation]:
    """Every open round ``user`` may answer, answered or not (one query)."""
    return list(
        RoundInvitation.objects.filter(user=user, round__closes_at__gt=timezone.now())
        .filter(Q(round__project__isnull=True) | Q(round__project__in=visible_projects(user)))
        .select_related("round", "round__project")
        .order_by("round__closes_at")
    )


# --- Results ---------------------------------------------------------------------------


@dataclass
class DimensionResult:
    dimension: RoundDimension
    figures: Disclosed
    comments: list[str] = field(default_factory=list)


@dataclass
class TrendPoint:
    round: AlignmentRound
    figures: Disclosed


@dataclass
class Comparison:
    """This project's overall mean against other projects' (their latest closed round each)."""

    this: float | None
    projects: int
    lower_quartile: float | None = None
    median: float | None = None
    upper_quartile: float | None = None

    @property
    def shown(self) -> bool:
        return self.median is not None

    @property
    def position(self) -> str:
        if self.this is None or not self.shown:
            return ""
        if self.this < self.lower_quartile:
            return "in the bottom quarter"
        if self.this > self.upper_quartile:
            return "in the top quarter"
        return "in the middle half"


@dataclass
class RoundResults:
    round: AlignmentRound
    invited: int
    answered: int
    figures: Disclosed
    dimensions: list[DimensionResult]
    trend: list[TrendPoint]
    comparison: Comparison | None

    @property
    def has_answers(self) -> bool:
        return self.answered > 0

    @property
    def weakest(self) -> list[DimensionResult]:
        """The lowest disclosed overall dimension means, with what to do next."""
        shown = [d for d in self.dimensions if d.figures.overall is not None]
        return sorted(shown, key=lambda d: (d.figures.overall, d.dimension.position))[:WEAKEST_COUNT]

    @property
    def has_comments(self) -> bool:
        return any(d.comments for d in self.dimensions)

    @property
    def big_gaps(self) -> list[DimensionResult]:
        return [d for d in self.dimensions if d.figures.big_gap]


def _groups(rows, key_fields: tuple[str, ...]) -> dict[tuple, dict[str, Group]]:
    grouped: dict[tuple, dict[str, Group]] = {}
    for row in rows:
        key = tuple(row[f] for f in key_fields)
        grouped.setdefault(key, {})[row["side"]] = Group(row["total"], row["answers"], row["respondents"])
    return grouped


def _side():
    return F("invitation__side")


def _sums(answers: QuerySet[RoundAnswer], *keys: str) -> dict[tuple, dict[str, Group]]:
    """``answers`` summed per side and per ``keys``: {key values: {side: Group}} (one query)."""
    rows = (
        answers.values(*keys, side=_side())
        .annotate(total=Sum("level"), answers=Count("pk"), respondents=Count("invitation_id", distinct=True))
        .order_by()
    )
    return _groups(rows, keys)


def round_results(round_: AlignmentRound, *, viewer: User) -> RoundResults:
    """Every figure of a round's results page, in a fixed number of queries.

    Means are averages of levels (1–5) computed by the database per dimension
    and side; the overall means weigh every answer equally. ``disclose``
    decides what may be shown.
    """
    counts = RoundInvitation.objects.filter(round=round_).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    dimensions = list(RoundDimension.objects.filter(round=round_))
    by_dimension = _sums(RoundAnswer.objects.filter(invitation__round=round_), "dimension_id")
    # The round as a whole, by side, summed from the per-dimension sums.
    whole: dict[str, Group] = {}
    for groups in by_dimension.values():
        for side, g in groups.items():
            group = whole.get(side, Group())
            whole[side] = Group(group.total + g.total, group.answers + g.answers, 0)
    respondents_by_side = dict(
        RoundInvitation.objects.filter(round=round_, answered_at__isnull=False)
        .values_list("side")
        .annotate(n=Count("pk"))
        .order_by()
    )
    whole = {side: Group(g.total, g.answers, respondents_by_side.get(side, 0)) for side, g in whole.items()}
    figures = disclose(whole)

    comments: dict[int, list[str]] = {}
    if figures.overall is not None:
        for dimension_id, comment in (
            RoundAnswer.objects.filter(invitation__round=round_)
            .exclude(comment="")
            .order_by("dimension_id", "comment")
            .values_list("dimension_id", "comment")
        ):
            comments.setdefault(dimension_id, []).append(comment)

    return RoundResults(
        round=round_,
        invited=counts["invited"],
        answered=counts["answered"],
        figures=figures,
        dimensions=[
            DimensionResult(d, disclose(by_dimension.get((d.pk,), {})), comments.get(d.pk, [])) for d in dimensions
        ],
        trend=round_trend(round_, viewer=viewer),
        comparison=project_comparison(round_, figures) if round_.project_id else None,
    )


def results_visible_rounds(user: User, project_id: int | None) -> QuerySet[AlignmentRound]:
    """Closed rounds of one scope (the organization, or one project) whose results ``user`` may see."""
    rounds = AlignmentRound.objects.closed()
    if project_id is not None:
        return rounds.filter(project_id=project_id)  # the caller checked the project is visible
    rounds = rounds.filter(project__isnull=True)
    if sees_everything(user):
        return rounds
    invited = RoundInvitation.objects.filter(round=OuterRef("pk"), user=user)
    return rounds.filter(Q(opened_by=user) | Exists(invited))


def round_trend(round_: AlignmentRound, *, viewer: User) -> list[TrendPoint]:
    """Overall and per-side means of every closed round of the same scope, oldest first (two queries)."""
    rounds = list(results_visible_rounds(viewer, round_.project_id).order_by("closes_at", "pk"))
    by_round = _sums(RoundAnswer.objects.filter(invitation__round__in=[r.pk for r in rounds]), "invitation__round_id")
    return [TrendPoint(r, disclose(by_round.get((r.pk,), {}))) for r in rounds]


def project_comparison(round_: AlignmentRound, figures: Disclosed) -> Comparison:
    """Quartiles (inclusive method) of other projects' latest disclosed overall means (one query)."""
    answers = RoundAnswer.objects.filter(
        invitation__round__project__isnull=False, invitation__round__closes_at__lte=timezone.now()
    ).exclude(invitation__round__project_id=round_.project_id)
    grouped = _sums(answers, "invitation__round__project_id", "invitation__round__closes_at", "invitation__round_id")
    latest: dict[int, tuple] = {}
    for (project_id, closes_at, round_id), groups in grouped.items():
        overall = disclose(groups).overall
        if overall is None:
            continue
        if project_id not in latest or (closes_at, round_id) > latest[project_id][:2]:
            latest[project_id] = (closes_at, round_id, overall)
    values = sorted(v[2] for v in latest.values())
    comparison = Comparison(this=figures.overall, projects=len(values))
    if len(values) >= MIN_PROJECTS:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        comparison.lower_quartile, comparison.median, comparison.upper_quartile = q1, median, q3
    return comparison


# --- The portfolio -------------------------------------------------------------------


@dataclass(frozen=True)
class LatestAlignment:
    round_id: int
    title: str
    closes_at: object
    figures: Disclosed


def _summaries(rounds: list[dict]) -> dict[int, dict[str, Group]]:
    """Per round id, its answers summed per side: read from ``RoundSummary`` where it
    is current, computed (one aggregate query) and stored for the others."""
    groups: dict[int, dict[str, Group]] = {}
    missing = []
    for r in rounds:
        if r["summary__closes_at"] is not None and r["summary__closes_at"] == r["closes_at"]:
            groups[r["pk"]] = {side: Group(*sums) for side, sums in r["summary__groups"].items()}
        else:
            missing.append(r)
    if missing:
        computed = _sums(
            RoundAnswer.objects.filter(invitation__round__in=[r["pk"] for r in missing]), "invitation__round_id"
        )
        summaries = []
        for r in missing:
            round_groups = computed.get((r["pk"],), {})
            groups[r["pk"]] = round_groups
            summaries.append(
                RoundSummary(
                    round_id=r["pk"],
                    closes_at=r["closes_at"],
                    groups={side: [g.total, g.answers, g.respondents] for side, g in round_groups.items()},
                )
            )
        RoundSummary.objects.bulk_create(
            summaries, update_conflicts=True, unique_fields=["round"], update_fields=["closes_at", "groups"]
        )
    return groups


def _latest(rounds: QuerySet[AlignmentRound]) -> dict:
    """By scope (project id, or None for the organization): its latest closed round
    that has answers, with the figures that may be shown (two queries at most)."""
    rows = list(
        rounds.closed()
        .order_by("closes_at", "pk")
        .values("pk", "project_id", "title", "closes_at", "summary__closes_at", "summary__groups")
    )
    groups = _summaries(rows)
    latest: dict = {}
    for r in rows:  # oldest first: a later round with answers replaces an earlier one
        if groups[r["pk"]]:
            latest[r["project_id"]] = LatestAlignment(r["pk"], r["title"], r["closes_at"], disclose(groups[r["pk"]]))
    return latest


def latest_project_alignment(projects: QuerySet) -> dict[int, LatestAlignment]:
    """By project id: the figures of its latest closed round that has answers.

    The anonymity rule applies as everywhere (``disclose``): the level or the
    gap may be ``None`` when too few people answered on a side.
    """
    return _latest(AlignmentRound.objects.filter(project__in=projects))


def organization_alignment(viewer: User) -> LatestAlignment | None:
    """The latest closed organization round ``viewer`` may see results of, with answers."""
    return _latest(results_visible_rounds(viewer, None)).get(None)
