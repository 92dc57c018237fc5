"""Alignment self-assessments: the reads. Reads never write.

What may be shown is decided by the anonymity rule, ``alignment.anonymity``
(``disclose``), which every page, export and portfolio figure goes through.

Every figure a closed round discloses is frozen as its ``RoundSummary`` by the
writes (``alignment.summaries``: when a round is closed, by the beat task and
``manage.py refresh_round_summaries`` for rounds that closed by time passing,
and before any deletion or change of a closed round's answers or invitations).
The round page, its export, the trend, the comparison and the portfolio read
the summary where one is valid and otherwise compute the same figures from the
answers (which cannot have changed since the close), without storing them. So
deleting a respondent (or their account) after close changes no disclosed
figure: comparing the figures before and after cannot give their answers.
"""

import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from alignment.anonymity import (  # noqa: F401  (MIN_RESPONDENTS, OTHER: named here by pages and tests)
    MIN_PROJECTS,
    MIN_RESPONDENTS,
    OTHER,
    Disclosed,
    Group,
    comments_shown,
    comparison_shown,
    disclose,
)
from alignment.models import AlignmentRound, RoundAnswer, RoundDimension, RoundInvitation, RoundSummary
from governance.models import User
from projects.access import NotVisible, can_see_round, is_active_user, sees_everything, visible_projects

WEAKEST_COUNT = 3


# --- Who may see what ----------------------------------------------------------------


def round_for(user: User, pk: int) -> tuple[AlignmentRound, RoundInvitation | None]:
    """The round ``pk`` and ``user``'s invitation to it, or 404 when ``user`` may not see it.

    A project round exists for whoever may view the project; an organization
    round for executives, administrators, its opener and its invitees
    (``projects.access.can_see_round``).
    """
    round_ = AlignmentRound.objects.select_related("project", "opened_by").filter(pk=pk).first()
    if round_ is None:
        raise Http404("No such round.")
    invitation = RoundInvitation.objects.filter(round=round_, user=user).first()
    if not can_see_round(user, round_.project, opened_by_id=round_.opened_by_id, invited=invitation is not None):
        raise NotVisible("No such round.")
    return round_, invitation


def rounds_visible_to(user: User) -> QuerySet[AlignmentRound]:
    """Rounds ``user`` may open (same rule as ``round_for``), with answered/invited counts."""
    if sees_everything(user):
        organization = Q(project__isnull=True)
    elif not is_active_user(user):
        organization = Q(pk__in=[])
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


def round_sums(round_ids) -> dict[int, dict[str, Group]]:
    """Per round id, its answers summed per side: what a round's page discloses
    as its overall figures, and what its ``RoundSummary`` stores (one query)."""
    sums = _sums(RoundAnswer.objects.filter(invitation__round_id__in=list(round_ids)), "invitation__round_id")
    return {round_id: groups for (round_id,), groups in sums.items()}


@dataclass
class Snapshot:
    """Everything a closed round's results disclose, before the anonymity rule."""

    groups: dict[str, Group]
    dimensions: dict[int, dict[str, Group]]
    comments: dict[int, list[str]]
    invited: int
    answered: int


def round_snapshots(round_ids) -> dict[int, Snapshot]:
    """Per round id, its figures computed from its answers as they are now (four queries)."""
    round_ids = list(round_ids)
    answers = RoundAnswer.objects.filter(invitation__round_id__in=round_ids)
    overall = round_sums(round_ids)
    by_dimension = _sums(answers, "invitation__round_id", "dimension_id")
    comments: dict[int, dict[int, list[str]]] = {}
    for round_id, dimension_id, comment in (
        answers.exclude(comment="")
        .order_by("invitation__round_id", "dimension_id", "comment")
        .values_list("invitation__round_id", "dimension_id", "comment")
    ):
        comments.setdefault(round_id, {}).setdefault(dimension_id, []).append(comment)
    counts = {
        row["round_id"]: row
        for row in RoundInvitation.objects.filter(round_id__in=round_ids)
        .values("round_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by()
    }
    snapshots = {}
    for round_id in round_ids:
        dimensions = {d: groups for (r, d), groups in by_dimension.items() if r == round_id}
        count = counts.get(round_id, {"invited": 0, "answered": 0})
        snapshots[round_id] = Snapshot(
            overall.get(round_id, {}), dimensions, comments.get(round_id, {}), count["invited"], count["answered"]
        )
    return snapshots


def _groups_from_json(data: dict) -> dict[str, Group]:
    return {side: Group(*sums) for side, sums in data.items()}


def frozen_snapshot(round_: AlignmentRound) -> Snapshot | None:
    """The figures stored when ``round_`` closed, if a complete summary is stored
    for its closing time (one query)."""
    summary = RoundSummary.objects.filter(round=round_, closes_at=round_.closes_at, dimensions__isnull=False).first()
    if summary is None:
        return None
    return Snapshot(
        groups=_groups_from_json(summary.groups),
        dimensions={int(d): _groups_from_json(groups) for d, groups in summary.dimensions.items()},
        comments={int(d): list(texts) for d, texts in (summary.comments or {}).items()},
        invited=summary.invited or 0,
        answered=summary.answered or 0,
    )


def round_results(round_: AlignmentRound, *, viewer: User) -> RoundResults:
    """Every figure of a round's results page, in a fixed number of queries.

    Means are averages of levels (1–5) computed by the database per dimension
    and side; the overall means weigh every answer equally. ``disclose``
    decides what may be shown. The figures are those frozen when the round
    closed (its ``RoundSummary``), computed from the answers only while none
    is stored yet: nothing deleted after the close changes them.
    """
    snapshot = frozen_snapshot(round_) or round_snapshots([round_.pk])[round_.pk]
    dimensions = list(RoundDimension.objects.filter(round=round_))
    # The round as a whole: the very sums its stored summary holds, so the portfolio agrees.
    figures = disclose(snapshot.groups)
    comments = snapshot.comments if comments_shown(figures) else {}
    return RoundResults(
        round=round_,
        invited=snapshot.invited,
        answered=snapshot.answered,
        figures=figures,
        dimensions=[
            DimensionResult(d, disclose(snapshot.dimensions.get(d.pk, {})), comments.get(d.pk, [])) for d in dimensions
        ],
        trend=round_trend(round_, viewer=viewer),
        comparison=project_comparison(round_, figures) if round_.project_id else None,
    )


def results_visible_rounds(user: User, project_id: int | None) -> QuerySet[AlignmentRound]:
    """Closed rounds of one scope (the organization, or one project) whose results ``user`` may see."""
    rounds = AlignmentRound.objects.closed()
    if project_id is not None:
        return rounds.filter(project_id=project_id, project__in=visible_projects(user))
    rounds = rounds.filter(project__isnull=True)
    if sees_everything(user):
        return rounds
    if not is_active_user(user):
        return rounds.none()
    invited = RoundInvitation.objects.filter(round=OuterRef("pk"), user=user)
    return rounds.filter(Q(opened_by=user) | Exists(invited))


def round_trend(round_: AlignmentRound, *, viewer: User) -> list[TrendPoint]:
    """Overall and per-side means of every closed round of the same scope, oldest
    first, as frozen at each one's close (two queries; three when a summary is missing)."""
    rounds = list(
        results_visible_rounds(viewer, round_.project_id)
        .order_by("closes_at", "pk")
        .annotate(summary_closes_at=F("summary__closes_at"), summary_groups=F("summary__groups"))
    )
    groups = stored_or_computed(
        [
            {"pk": r.pk, "closes_at": r.closes_at, "summary__closes_at": r.summary_closes_at,
             "summary__groups": r.summary_groups}
            for r in rounds
        ]
    )  # fmt: skip
    return [TrendPoint(r, disclose(groups[r.pk])) for r in rounds]


def project_comparison(round_: AlignmentRound, figures: Disclosed) -> Comparison:
    """Quartiles (inclusive method) of other projects' latest disclosed overall means,
    as frozen at each round's close (one query; two when a summary is missing)."""
    rows = list(
        AlignmentRound.objects.closed()
        .filter(project__isnull=False)
        .exclude(project_id=round_.project_id)
        .values("pk", "project_id", "closes_at", "summary__closes_at", "summary__groups")
    )
    grouped = stored_or_computed(rows)
    latest: dict[int, tuple] = {}
    for row in rows:
        project_id, closes_at, round_id = row["project_id"], row["closes_at"], row["pk"]
        overall = disclose(grouped[round_id]).overall
        if overall is None:
            continue
        if project_id not in latest or (closes_at, round_id) > latest[project_id][:2]:
            latest[project_id] = (closes_at, round_id, overall)
    values = sorted(v[2] for v in latest.values())
    comparison = Comparison(this=figures.overall, projects=len(values))
    if comparison_shown(len(values)):
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


def stored_or_computed(rounds: list[dict]) -> dict[int, dict[str, Group]]:
    """Per round id (rows with ``pk``, ``closes_at``, ``summary__closes_at`` and
    ``summary__groups``), its answers summed per side: read from its ``RoundSummary``
    where one is valid (stored for the round's current closing time), computed
    from the answers for the others (one aggregate query). Never writes."""
    groups: dict[int, dict[str, Group]] = {}
    missing = []
    for r in rounds:
        if r["summary__closes_at"] is not None and r["summary__closes_at"] == r["closes_at"]:
            groups[r["pk"]] = _groups_from_json(r["summary__groups"])
        else:
            missing.append(r["pk"])
    if missing:
        computed = round_sums(missing)
        groups.update({pk: computed.get(pk, {}) for pk in missing})
    return groups


def _latest(rounds: QuerySet[AlignmentRound]) -> dict:
    """By scope (project id, or None for the organization): its latest closed round
    that has answers, with the figures that may be shown (one query where every
    closed round has a valid summary, two otherwise; never a write)."""
    rows = list(
        rounds.closed()
        .order_by("closes_at", "pk")
        .values("pk", "project_id", "title", "closes_at", "summary__closes_at", "summary__groups")
    )
    groups = stored_or_computed(rows)
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
