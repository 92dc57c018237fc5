"""The read side's own pages: home, My work, the project list and the project page.

Reads the apps only through their selectors and ``projects.access``; writes nothing.
"""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from alignment.selectors import latest_project_alignment, rounds_waiting_for
from overview.decision_log import decision_log
from projects import selectors as project_selectors
from projects.access import Action, can_manage, can_transition_step, get_project_or_404, visible_projects
from projects.models import Project, ProjectStatus
from raci import selectors as raci_selectors
from raci.selectors import project_reminders
from raci.transitions import Transition, available_transitions
from scorecards import selectors as scorecard_selectors

PAGE_SIZE = 20


@require_GET
def home(request):
    """Executives land on the portfolio dashboard; everyone else on their own work."""
    if request.user.is_executive:
        return redirect("portfolio")
    return my_work(request)


@require_GET
def my_work(request):
    """What asks for this person now: their steps, ratings, assessments and unowned steps."""
    owned = raci_selectors.with_unowned_count(
        visible_projects(request.user).active().filter(owner=request.user)
    ).filter(unowned_count__gt=0)
    context = {
        "my_steps": raci_selectors.my_steps(request.user),
        "ratings_waiting": scorecard_selectors.ratings_waiting_for(request.user),
        "alignment_waiting": rounds_waiting_for(request.user),
        "needing_owner": list(owned.order_by("name")),
        "active_count": visible_projects(request.user).active().count(),
    }
    return render(request, "overview/home.html", context)


@require_GET
def project_list(request):
    project_filter = project_selectors.project_search(request.user, request.GET)
    projects = raci_selectors.with_unowned_count(project_filter.qs)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": project_filter,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(request.GET.get("q") or request.GET.get("status")),
        "statuses": ProjectStatus,
    }
    template = "overview/_project_table.html" if request.htmx else "overview/project_list.html"
    return render(request, template, context)


@require_GET
def project_detail(request, slug):
    project = get_project_or_404(request.user, slug, Action.VIEW)
    steps = raci_selectors.steps_with_people(project)
    may_manage = can_manage(request.user, project)
    for step in steps:
        allowed = may_manage or can_transition_step(request.user, step)
        step.transitions = [(t, Transition.LABELS[t]) for t in available_transitions(step)] if allowed else []
    history = project_selectors.project_history(project) + raci_selectors.matrix_history(project)
    history.sort(key=lambda change: change.when, reverse=True)
    history_page = Paginator(history, 25).get_page(request.GET.get("history"))
    vendor = scorecard_selectors.project_scorecard(project, viewer=request.user)
    context = {
        "project": project,
        "steps": steps,
        "unowned": sum(1 for s in steps if s.accountable is None),
        "done": sum(1 for s in steps if s.status == "done"),
        "can_manage": may_manage,
        "history_page": history_page,
        "reminders": project_reminders(project),
        "raci_summary": raci_selectors.raci_summary(steps),
        "vendor": vendor,
        "alignment": latest_project_alignment(Project.objects.filter(pk=project.pk)).get(project.pk),
        "decision_log": decision_log(project, vendor),
    }
    return render(request, "overview/project_detail.html", context)
