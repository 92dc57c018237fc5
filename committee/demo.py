"""Demo data for the steering committee, added by ``seed_demo`` (idempotent).

* Claire (CMO, Marketing) and Ian (CIO, IT) sit on the steering group: both sides;
* a meeting three weeks ago, minuted, with a decision on a project that needs
  attention and an open action for Theo (IT lead), which comes back on the
  next agenda until he marks it done;
* the next meeting, in a week, with its agenda generated from the portfolio
  (the requests waiting for approval, the projects needing attention, the
  renewals within 90 days, Theo's open action).

Runs after the intake demo (``seed_demo.FRONT_DOOR_DEMOS``). Nothing is added
when a meeting exists already.
"""

from datetime import timedelta

from django.utils import timezone

from committee import services
from committee.models import Decision, ItemKind, Meeting
from governance.models import User

MEMBERS = ("cmo", "cio")


def seed(people: dict[str, User]) -> None:
    for username in MEMBERS:
        person = people[username]
        if not person.on_steering_group:
            person.on_steering_group = True
            person.save(update_fields=["on_steering_group"])
    if Meeting.objects.exists():
        return
    cmo, cio, itlead = people["cmo"], people["cio"], people["itlead"]
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    past = services.meeting_save(
        actor=cmo,
        title="Steering committee",
        starts_at=(now - timedelta(days=21)).replace(hour=10),
        location="Board room, 4th floor",
        call_link="https://meet.example.com/steering",
        attendees=[itlead],
    )
    item = past.items.filter(kind=ItemKind.PROJECT).order_by("position").first()
    if item is not None:
        services.item_decide(
            actor=cio, item=item, decision=Decision.NOTE, note="The sponsors name owners for the open steps."
        )
    services.action_add(
        actor=cmo,
        meeting=past,
        owner=itlead,
        due=timezone.localdate() + timedelta(days=5),
        description="Bring a plan for the steps without an accountable owner, agreed with both sponsors.",
        item=item,
    )
    minutes = (
        "Present: Claire Moreau (CMO), Ian Okafor (CIO), Theo Lindqvist (IT lead).\n\n"
        "The portfolio was reviewed; unowned steps are the main risk. Theo brings a plan next time."
    )
    past = services.minutes_save(actor=cmo, meeting=past, minutes=minutes, expected_version=past.version)
    services.meeting_minute(actor=cmo, meeting=past)
    services.meeting_save(
        actor=cmo,
        title="Steering committee",
        starts_at=(now + timedelta(days=7)).replace(hour=10),
        location="Board room, 4th floor",
        call_link="https://meet.example.com/steering",
        attendees=[itlead],
    )
