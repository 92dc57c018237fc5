"""Which projects the dashboard's filters select: status, sponsor, the side
leading the current step, a side going it alone, needs attention. Conditions on
the portfolio's query (``overview.portfolio.Portfolio.projects``): the database
filters, whatever the number of projects."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from governance.models import Side, User
from overview.portfolio import Person, persons
from projects.access import visible_projects
from projects.models import Project

SIDE_FIGURE = {Side.MARKETING: "figures__current_marketing", Side.IT: "figures__current_it"}
GOING_ALONE = {  # raci.going_alone's rule, as stored by projects.figures
    Side.MARKETING: Q(figures__marketing_going_alone=True),
    Side.IT: Q(figures__it_going_alone=True),
    "either": Q(figures__marketing_going_alone=True) | Q(figures__it_going_alone=True),
}


def filter_projects(
    projects: QuerySet[Project], *, status="", sponsor=None, side="", alone="", attention=False
) -> QuerySet[Project]:
    """``projects`` narrowed by every filter given (the valid ones of ``PortfolioFilterForm``)."""
    if status:
        projects = projects.filter(status=status)
    if sponsor:
        projects = projects.filter(Q(marketing_sponsor_id=sponsor) | Q(it_sponsor_id=sponsor))
    if side:
        # The side of the current step's Accountable person, or its suggested side (projects.figures).
        projects = projects.filter(**{SIDE_FIGURE[side]: True})
    if alone:
        projects = projects.filter(GOING_ALONE[alone])
    if attention:
        projects = projects.filter(attention__gt=0)  # an active project with a reason for attention
    return projects


def sponsors(user: User) -> list[Person]:
    """Everyone sponsoring a project ``user`` may see, by name: the sponsor filter's choices (one query)."""
    # Person by person (a few hundred), each an index lookup: not a pass over every project.
    visible = visible_projects(user).order_by()
    sponsoring = Exists(visible.filter(marketing_sponsor=OuterRef("pk"))) | Exists(
        visible.filter(it_sponsor=OuterRef("pk"))
    )
    return sorted(persons(User.objects.filter(sponsoring)).values(), key=lambda u: (u.display_name.lower(), u.pk))
