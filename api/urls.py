"""The API under /api/v1/ (token or session), its schema and docs, and the token pages.

The API's views are exempt from the login-required middleware: they answer 401
in the ``{"errors": …}`` shape themselves instead of redirecting to the login page.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import token_views
from api import views_alignment as alignment
from api import views_projects as projects
from api import views_reads as reads
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
    # The token pages: ordinary signed-in pages, linked from the preferences page.
    path("preferences/tokens/", token_views.token_list, name="tokens"),
    path("preferences/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
