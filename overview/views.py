"""The read side's own pages: home, My work, the project list and the project page.

Reads the apps only through their selectors and ``projects.access``; writes nothing.
"""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from alignment.selectors import latest_project_alignment, rounds_waiting_for
from overview.decision_log import decision_log
from projects import selectors as project_selectors
from projects.access import Action, can_manage, can_transition_step, get_project_or_404, visible_projects
from projects.models import Project, ProjectStatus
from projects.placed_messages import place_messages
from raci import selectors as raci_selectors
from raci.selectors import project_reminders
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
    """Every duty this person has now: the steps they are Accountable or Responsible
    for, the unowned steps of the projects they own, lead in IT or sponsor (the
    people reminders chase), the ratings and the alignment answers waiting."""
    context = {
        "my_steps": raci_selectors.my_steps(request.user),
        "unowned_duties": raci_selectors.unowned_duties(request.user, now=timezone.now()),
        "ratings_waiting": scorecard_selectors.ratings_waiting_for(request.user),
        "alignment_waiting": rounds_waiting_for(request.user),
        "active_count": visible_projects(request.user).active().count(),
    }
    return render(request, "overview/home.html", context)


@require_GET
def project_list(request):
    """Search, filters and sort all live in the URL (``projects.filters``); htmx swaps the table."""
    project_filter = project_selectors.project_search(
        request.user, request.GET, annotate=raci_selectors.with_unowned_count
    )
    page = Paginator(project_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": project_filter,
        "page": page,
        "query": query.urlencode(),
        "filtered": project_filter.filtered,
        "columns": project_filter.sort_columns(),
        "statuses": ProjectStatus,
    }
    template = "overview/_project_table.html" if request.htmx else "overview/project_list.html"
    return render(request, template, context)


@require_GET
def project_detail(request, slug):
    project = get_project_or_404(request.user, slug, Action.VIEW)
    steps = raci_selectors.steps_with_people(project)
    may_manage = can_manage(request.user, project)
    placed = place_messages(request, [f"step-{step.number}" for step in steps])
    for step in steps:
        # Only what can succeed now (the transitions' own gate), and what the others need.
        allowed = may_manage or can_transition_step(request.user, step)
        step.offers, step.needs = raci_selectors.step_actions(step) if allowed else ([], [])
        step.flash = placed.at(f"step-{step.number}")
    history = project_selectors.project_history(project) + raci_selectors.matrix_history(project)
    history.sort(key=lambda change: change.when, reverse=True)
    history_page = Paginator(history, 25).get_page(request.GET.get("history"))
    vendor = scorecard_selectors.project_scorecard(project, viewer=request.user)
    context = {
        **placed.context(),
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
