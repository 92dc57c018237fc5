"""The roadmap as a table (CSV, Excel: ``common.tabular``) and its launch dates as an iCalendar file.

Both export every project the filters select (not only the quarters and page on screen), read in
batches, so a large portfolio never sits in memory all at once.
"""

from datetime import timedelta

from django.db.models import F, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from governance.models import User
from projects.models import Project
from roadmap import selectors

BATCH = 500
HEADER = [
    "Project",
    "Status",
    "Quick win or strategic",
    "Mark",
    "Quarter",
    "Launch",
    "Launch from",
    "First planned step due",
    "Current step",
    "Marketing sponsor",
    "IT sponsor",
    "Budget owner",
    "Requirements led by",
    "Category",
    "Intake request",
]


def _name(person) -> str:
    return person.display_name if person else ""


def row(item: selectors.Item) -> list:
    project = item.project
    step = f"{item.step_number}. {item.step_name}" if item.step_number else item.step_name
    return [
        project.name,
        project.get_status_display(),
        item.mark_label,
        item.mark_source,
        item.quarter.label if item.quarter else "Unscheduled",
        item.launch,
        item.launch_source,
        item.first_due,
        step,
        _name(project.marketing_sponsor),
        _name(project.it_sponsor),
        project.get_budget_owner_side_display(),
        project.get_requirements_side_display(),
        item.category,
        f"#{item.request_id}" if item.request_id else "",
    ]


def ordered(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Earliest launch first, unscheduled last."""
    return projects.order_by(F("launch").asc(nulls_last=True), "name", "pk")


def rows(viewer: User, projects: QuerySet[Project]):
    """The header, then one row per project ``projects`` selects (``roadmap_projects``, filtered)."""
    yield HEADER
    for project in selectors.for_rows(ordered(projects)).iterator(chunk_size=BATCH):
        yield row(selectors.item(viewer, project))


def calendar(request, projects: QuerySet[Project]) -> Calendar:
    """Every scheduled project of ``projects`` as an all-day launch event, with an absolute link."""
    cal = Calendar()
    cal.add("prodid", "-//Tandem//Joint roadmap//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Tandem: launches on the joint roadmap")
    stamp = timezone.now()
    for project in ordered(projects.filter(launch__isnull=False)).iterator(chunk_size=BATCH):
        entry = selectors.launch_event(project)
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("summary", entry.summary)
        event.add("dtstart", entry.start)
        event.add("dtend", entry.start + timedelta(days=1))
        event.add("description", entry.description)
        event.add("url", request.build_absolute_uri(entry.url))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal


def ics_response(request, projects: QuerySet[Project]) -> HttpResponse:
    response = HttpResponse(calendar(request, projects).to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roadmap-launches.ics"'
    return response
