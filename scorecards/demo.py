"""Demo vendor decisions, one per state of the dual-signature rule (docs/vendor-decisions.md):

* **Social listening**: a decision both sponsors signed (it stands);
* **Consent and preference centre**: proposed by the marketing sponsor (signed by
  proposing), waiting for the IT sponsor's signature;
* **Marketing automation migration**: the IT sponsor disagreed and the budget owner
  (the marketing sponsor) broke the tie with a reason.

Idempotent: a project whose scorecard already has a decision is left as it is.
"""

from governance.models import User
from projects.models import Project
from scorecards import services
from scorecards.defaults import ensure_default_criteria

STANDING, WAITING, TIE_BROKEN = "Social listening", "Consent and preference centre", "Marketing automation migration"
NEW_CANDIDATES = {
    STANDING: [("Brandwatch", 4), ("Talkwalker", 3)],
    TIE_BROKEN: [("HubSpot Marketing Hub", 4), ("Marketo Engage", 3)],
}


def _scorecard(project: Project, people: dict[str, User]):
    """The project's scorecard, with two candidates rated by its owner and IT lead when it has none."""
    ensure_default_criteria()
    sc = services.scorecard_for(project)
    if not sc.candidates.exists():
        criteria = list(sc.criteria.all())
        for name, score in NEW_CANDIDATES.get(project.name, []):
            candidate = services.candidate_save(actor=project.owner, scorecard=sc, name=name)
            for rater in filter(None, (project.owner, project.it_lead)):
                services.ratings_save(
                    actor=rater, candidate=candidate, scores={c.pk: score for c in criteria}, comments={}, submit=True
                )
    return sc


def _propose(project: Project, people: dict[str, User], actor: User, rationale: str):
    sc = _scorecard(project, people)
    if sc.decisions.exists():
        return None
    services.standings_refresh(sc)
    first = sc.candidates.order_by("rank", "name").first()
    return services.decision_record(actor=actor, scorecard=sc, candidate=first, rationale=rationale)


def seed(people: dict[str, User]) -> None:
    cmo, cio = people["cmo"], people["cio"]
    projects = {p.name: p for p in Project.objects.filter(name__in=[STANDING, WAITING, TIE_BROKEN])}
    if STANDING in projects:
        decision = _propose(projects[STANDING], people, cio, "Best coverage of the channels our customers use.")
        if decision is not None:  # the CIO signed IT by proposing; the CMO agrees
            services.decision_sign(actor=cmo, decision=decision, side="marketing", agrees=True)
    if WAITING in projects:
        _propose(
            projects[WAITING],
            people,
            cmo,
            "Both sides rated it first; its security gap is closed by the vendor's next release.",
        )
    if TIE_BROKEN in projects:
        decision = _propose(projects[TIE_BROKEN], people, cmo, "Campaign teams can run it without IT tickets.")
        if decision is not None:
            services.decision_sign(
                actor=cio, decision=decision, side="it", agrees=False,
                comment="Its CRM connector needs custom work we have not budgeted.",
            )  # fmt: skip
            services.decision_break_tie(
                actor=cmo, decision=decision,
                reason="Marketing owns this budget and funds the connector work from the campaign budget.",
            )  # fmt: skip
