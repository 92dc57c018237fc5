"""Messages shown next to what the person acted on, not at the top of a long page.

A view whose action belongs to one part of a page (a step's card, the matrix's
column for a step) tags its message with that part's anchor and redirects to
it::

    messages.error(request, text, extra_tags=at("step-5"))
    return redirect(project.get_absolute_url() + "#step-5")

The page that renders that part takes the messages of the anchors it shows
(``place_messages``), renders them inside the part (``includes/_message.html``)
and gives the rest to the layout as ``page_messages``: nothing is shown twice,
and a message whose anchor the page does not render stays at the top, never
lost. ``static/js/tandem.js`` moves the focus to the message in the part the
URL's fragment names (else to the first message), so it is in view and read
out by screen readers.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.messages import get_messages
from django.contrib.messages.storage.base import Message

ANCHOR_PREFIX = "at-"


def at(anchor: str) -> str:
    """The ``extra_tags`` that place a message at ``anchor`` (an element id, e.g. "step-5")."""
    return f"{ANCHOR_PREFIX}{anchor}"


def anchor_of(message: Message) -> str | None:
    for tag in (message.extra_tags or "").split():
        if tag.startswith(ANCHOR_PREFIX):
            return tag[len(ANCHOR_PREFIX) :]
    return None


@dataclass
class Placed:
    """A request's messages: by the anchor they are shown at, and the rest (the top of the page)."""

    by_anchor: dict[str, list[Message]] = field(default_factory=dict)
    rest: list[Message] = field(default_factory=list)

    def at(self, anchor: str) -> list[Message]:
        return self.by_anchor.get(anchor, [])

    def context(self) -> dict:
        """What the layout (``includes/_messages.html``) needs: the messages left for the top."""
        return {"messages_placed": True, "page_messages": self.rest}


def place_messages(request, anchors: Iterable[str]) -> Placed:
    """Take the request's messages (they are shown once): those tagged with one of
    ``anchors`` by anchor, the others in ``rest``."""
    shown = set(anchors)
    placed = Placed()
    for message in get_messages(request):
        anchor = anchor_of(message)
        if anchor in shown:
            placed.by_anchor.setdefault(anchor, []).append(message)
        else:
            placed.rest.append(message)
    return placed
