"""Where projects land on the roadmap (by quarter, unscheduled), what the filters select, the
default mark, and visibility: nobody meets a project they may not see."""

from datetime import date

import pytest

from conftest import UserFactory
from governance.models import Department, Side
from intake.tests.factories import category
from inventory.tests.factories import make_tool
from projects.models import ProjectStatus
from projects.registry import calendar_events
from roadmap import selectors
from roadmap.filters import RoadmapFilter
from roadmap.models import Mark
from roadmap.quarters import Quarter
from roadmap.services import mark_set
from roadmap.tests.conftest import plan

pytestmark = pytest.mark.django_db


def _ids(projects) -> set:
    return set(projects.values_list("name", flat=True))


@pytest.fixture
def three(project_factory, owner):
    """A project with a target launch in Q2 2027, one planned only by its steps (last due Q3 2027,
    first due Q1 2027), one with no date at all."""
    launching = project_factory.create(owner=owner, name="Launching", target_launch=date(2027, 5, 20))
    planned = project_factory.create(owner=owner, name="Planned")
    plan(planned, 1, date(2027, 2, 1))
    plan(planned, 9, date(2027, 8, 15))
    bare = project_factory.create(owner=owner, name="Bare")
    return launching, planned, bare


def test_quarters():
    assert Quarter.of(date(2027, 5, 20)) == Quarter(2027, 2)
    assert Quarter(2027, 4).shifted(1) == Quarter(2028, 1)
    assert Quarter(2027, 1).shifted(-1).code == "2026-Q4"
    assert (Quarter(2027, 2).first_day, Quarter(2027, 2).last_day) == (date(2027, 4, 1), date(2027, 6, 30))
    assert Quarter.parse("2027-Q3") == Quarter(2027, 3)
    assert [Quarter.parse(bad) for bad in ("2027-Q5", "2027Q1", "", "1999-Q1", "x")] == [None] * 5


def test_placement_by_launch_then_last_planned_step(three, owner, start):
    projects = selectors.roadmap_projects(owner)
    launch = {p.name: p.launch for p in projects}
    assert launch == {"Launching": date(2027, 5, 20), "Planned": date(2027, 8, 15), "Bare": None}
    counts = {b.key: b.count for b in selectors.buckets(projects, start)}
    assert counts == {
        "before": 0,
        "2027-Q1": 0,
        "2027-Q2": 1,
        "2027-Q3": 1,
        "2027-Q4": 0,
        "after": 0,
        "unscheduled": 1,
    }
    assert [p.name for p in selectors.in_window(projects, start)] == ["Launching", "Planned"]
    assert [p.name for p in selectors.unscheduled(projects)] == ["Bare"]
    later = {b.key: b.count for b in selectors.buckets(projects, Quarter(2028, 1))}
    assert (later["before"], later["unscheduled"]) == (2, 1)


def test_an_item_says_where_it_lands_and_why(three, owner):
    planned = selectors.for_rows(selectors.roadmap_projects(owner)).get(name="Planned")
    item = selectors.item(owner, planned)
    assert (item.quarter, item.launch_source, item.first_due) == (
        Quarter(2027, 3),
        "last planned step",
        date(2027, 2, 1),
    )
    assert (item.step_number, item.step_name) == (1, "Define the problem")
    assert (item.mark, item.mark_source, item.can_mark) == (Mark.STRATEGIC, "default", True)


def test_an_outsider_never_sees_a_project_they_cannot_view(three, outsider, member, executive, start):
    assert not selectors.roadmap_projects(outsider).exists()
    assert sum(b.count for b in selectors.buckets(selectors.roadmap_projects(outsider), start)) == 0
    assert _ids(selectors.roadmap_projects(executive)) == {"Launching", "Planned", "Bare"}
    assert not selectors.roadmap_projects(member).filter(name="Launching").exists()


def _filtered(viewer, **params):
    filterset = RoadmapFilter(params, queryset=selectors.roadmap_projects(viewer), viewer=viewer)
    return filterset, _ids(filterset.qs)


def test_filters_side_status_sponsor_mark(three, owner, project_factory):
    launching, planned, bare = three
    sponsor = UserFactory(department=Department.IT)
    planned.budget_owner_side = Side.IT
    planned.it_sponsor = sponsor
    planned.save()
    bare.requirements_side = Side.IT
    bare.status = ProjectStatus.ON_HOLD
    bare.save()
    project_factory.create(owner=owner, name="Dropped", status=ProjectStatus.CANCELLED)
    mark_set(actor=owner, project=launching, kind=Mark.QUICK_WIN)
    assert _filtered(owner)[1] == {"Launching", "Planned", "Bare"}  # cancelled left out by default
    assert _filtered(owner, status="cancelled")[1] == {"Dropped"}
    assert _filtered(owner, status="on_hold")[1] == {"Bare"}
    assert _filtered(owner, budget_owner_side="it")[1] == {"Planned"}
    assert _filtered(owner, requirements_side="it")[1] == {"Bare"}
    assert _filtered(owner, sponsor=str(sponsor.pk))[1] == {"Planned"}
    assert _filtered(owner, mark="quick_win")[1] == {"Launching"}
    assert _filtered(owner, mark="strategic")[1] == {"Planned", "Bare"}


def test_category_from_the_request_or_a_tool(three, owner):
    _launching, planned, _ = three
    crm = category("crm")
    make_tool(name="Pipeline", category=crm, project=planned)
    _filterset, names = _filtered(owner, category=str(crm.pk))
    assert names == {"Planned"}
    item = selectors.item(owner, selectors.for_rows(selectors.roadmap_projects(owner)).get(pk=planned.pk))
    assert item.category == crm.name


@pytest.mark.parametrize(
    "params",
    [{"status": "nonsense"}, {"sponsor": "abc"}, {"sponsor": "999999"}, {"category": "x"}, {"budget_owner_side": "?"}],
)
def test_a_bad_filter_value_is_reported_and_ignored(three, owner, params):
    filterset, names = _filtered(owner, **params)
    assert filterset.form.errors
    assert names == {"Launching", "Planned", "Bare"}


def test_a_sponsor_outside_the_viewers_projects_is_not_a_choice(three, owner, outsider, project_factory):
    hidden = project_factory.create(owner=outsider, name="Elsewhere", it_sponsor=outsider)
    assert hidden.it_sponsor == outsider
    assert outsider in selectors.sponsors(outsider)
    assert outsider not in selectors.sponsors(owner)
    assert _filtered(owner, sponsor=str(outsider.pk))[0].form.errors


def test_the_default_mark_is_the_intake_urgency(owner, executive, it_lead, member):
    from intake.tests.factories import reviewed

    request = reviewed(owner, it_lead, urgency="quick_win")
    from intake.services import request_approve

    request_approve(
        actor=executive,
        request=request,
        decision_note="Go.",
        owner=owner,
        marketing_sponsor=member,
        it_sponsor=it_lead,
        it_lead=it_lead,
    )
    request.refresh_from_db()
    item = selectors.item(owner, selectors.for_rows(selectors.roadmap_projects(owner)).get(pk=request.project_id))
    assert (item.mark, item.mark_source, item.request_id) == (Mark.QUICK_WIN, "as requested at intake", request.pk)


def test_requests_in_review_are_counted_not_placed(owner, it_lead, member):
    from intake.tests.factories import submitted

    submitted(owner)
    assert selectors.requests_in_review(owner) == 1
    assert selectors.requests_in_review(member) == 0  # neither asked nor reviews
    assert not selectors.roadmap_projects(owner).exists()


def test_launch_dates_reach_the_personal_calendar_of_owners_and_sponsors(three, owner, member, it_lead):
    launching, _planned, _bare = three
    events = [e for e in calendar_events(owner) if e.uid.startswith("launch-")]
    assert [(e.summary, e.start) for e in events] == [
        ("Launch: Launching", date(2027, 5, 20)),
        ("Launch: Planned", date(2027, 8, 15)),
    ]
    assert events[0].url == launching.get_absolute_url()
    assert not [e for e in calendar_events(member) if e.uid.startswith("launch-")]
