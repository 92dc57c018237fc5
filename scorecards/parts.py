"""What the scorecard app adds to other pages through ``projects.registry``:
the vendor decisions waiting for the viewer's signature on My work and in the e-mail digest."""

from django.conf import settings
from django.urls import reverse

from governance.models import User
from scorecards.selectors import signature_recipient_ids, signatures_waiting_for


def _url(decision) -> str:
    return reverse("scorecards:decision", kwargs={"slug": decision.scorecard.project.slug, "decision_id": decision.pk})


def my_work_part(viewer: User) -> dict | None:
    """My work: "Vendor decisions waiting for your signature" (one query), or None when there are none."""
    waiting = signatures_waiting_for(viewer)
    if not waiting:
        return None
    return {"decisions": [{"decision": d, "url": _url(d), "sides": d.side_labels} for d in waiting]}


def digest_part(person: User) -> dict | None:
    """The digest's section: the same list, with absolute links."""
    waiting = signatures_waiting_for(person)
    if not waiting:
        return None
    return {"decisions": [{"decision": d, "url": settings.SITE_URL + _url(d), "sides": d.side_labels} for d in waiting]}


def digest_recipients() -> set[int]:
    """The sponsors with a signature waiting (the digest goes to them even with no step to remind them of)."""
    return signature_recipient_ids()
