"""The API under /api/v1/ (token or session), its schema and docs, and the token pages.

The API's views are exempt from the login-required middleware: they answer 401
in the ``{"errors": …}`` shape themselves instead of redirecting to the login page.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import token_views
from api import views_alignment as alignment
from api import views_committee as committee
from api import views_decisions as decisions
from api import views_duties as duties
from api import views_liaisons as liaisons
from api import views_projects as projects
from api import views_reads as reads
from api import views_roadmap as roadmap
from api import views_scorecards as scorecards

app_name = "api"

V1 = "api/v1/"
PROJECT = V1 + "projects/<slug:slug>/"


def _api(view_class, **kwargs):
    return login_not_required(view_class.as_view(**kwargs))


urlpatterns = [
    path(V1 + "schema/", _api(SpectacularAPIView), name="schema"),
    path(V1 + "docs/", token_views.docs, name="docs"),
    path(V1 + "projects/", _api(projects.ProjectList), name="projects"),
    path(PROJECT, _api(projects.ProjectDetail), name="project"),
    path(PROJECT + "steps/", _api(projects.StepList), name="steps"),
    path(PROJECT + "steps/plan/", _api(projects.StepPlan), name="steps_plan"),
    path(PROJECT + "steps/<int:number>/", _api(projects.StepDetail), name="step"),
    # before the step transitions, which would take "duties" for a transition
    path(PROJECT + "steps/<int:number>/duties/", _api(duties.StepDuties), name="step_duties"),
    path(PROJECT + "steps/<int:number>/duties/accept/", _api(duties.DutiesAccept), name="duties_accept"),
    path(PROJECT + "steps/<int:number>/duties/decline/", _api(duties.DutiesDecline), name="duties_decline"),
    path(
        PROJECT + "steps/<int:number>/duties/consultation/", _api(duties.DutiesConsultation), name="duties_consultation"
    ),
    path(PROJECT + "steps/<int:number>/duties/waive/<int:user_id>/", _api(duties.DutiesWaive), name="duties_waive"),
    path(PROJECT + "steps/<int:number>/<str:transition>/", _api(projects.StepTransition), name="step_transition"),
    path(PROJECT + "matrix/", _api(projects.Matrix), name="matrix"),
    path(PROJECT + "matrix/steps/<int:number>/", _api(projects.MatrixStep), name="matrix_step"),
    path(PROJECT + "reminders/", _api(projects.Reminders), name="reminders"),
    path(PROJECT + "scorecard/", _api(scorecards.Scorecard), name="scorecard"),
    path(PROJECT + "scorecard/candidates/", _api(scorecards.Candidates), name="candidates"),
    path(PROJECT + "scorecard/candidates/<int:candidate_id>/ratings/", _api(scorecards.Ratings), name="ratings"),
    path(V1 + "alignment/rounds/", _api(alignment.Rounds), name="rounds"),
    path(V1 + "alignment/rounds/<int:pk>/", _api(alignment.Round), name="round"),
    path(V1 + "alignment/rounds/<int:pk>/answers/", _api(alignment.RoundAnswers), name="round_answers"),
    path(V1 + "portfolio/", _api(reads.PortfolioRows), name="portfolio"),
    path(V1 + "stack/tools/", _api(reads.Tools), name="tools"),
    path(V1 + "intake/requests/", _api(reads.IntakeRequests), name="intake_requests"),
    path(V1 + "committee/meetings/", _api(committee.Meetings), name="meetings"),
    path(V1 + "committee/meetings/<int:pk>/", _api(committee.Meeting), name="meeting"),
    path(V1 + "committee/meetings/<int:pk>/actions/", _api(committee.MeetingActions), name="meeting_actions"),
    path(
        V1 + "committee/meetings/<int:pk>/items/<int:item_pk>/decision/",
        _api(committee.ItemDecision),
        name="meeting_item_decision",
    ),
    path(V1 + "committee/actions/<int:pk>/done/", _api(committee.ActionDone), name="committee_action_done"),
    path(V1 + "roadmap/items/", _api(roadmap.RoadmapItems), name="roadmap_items"),
    path(V1 + "roadmap/vision/", _api(roadmap.Vision), name="roadmap_vision"),
    path(PROJECT + "roadmap-mark/", _api(roadmap.RoadmapMark), name="roadmap_mark"),
    path(PROJECT + "scorecard/decisions/<int:decision_id>/", _api(decisions.VendorDecision), name="vendor_decision"),
    path(
        PROJECT + "scorecard/decisions/<int:decision_id>/sign/<str:side>/",
        _api(decisions.VendorDecisionSign),
        name="vendor_decision_sign",
    ),
    path(
        PROJECT + "scorecard/decisions/<int:decision_id>/break-tie/",
        _api(decisions.VendorDecisionBreakTie),
        name="vendor_decision_break_tie",
    ),
    path(V1 + "liaisons/", _api(liaisons.OrganizationLiaisons), name="liaisons"),
    path(PROJECT + "liaisons/", _api(liaisons.ProjectLiaisons), name="project_liaisons"),
    # The token pages: ordinary signed-in pages, linked from the preferences page.
    path("preferences/tokens/", token_views.token_list, name="tokens"),
    path("preferences/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
