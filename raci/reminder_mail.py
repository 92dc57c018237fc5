"""Reminders, part 3: the e-mails. A person's digest, and notes to the administrators.

Composing and handing a message to Django's e-mail backend; nothing here
touches the database except reading the steps a digest lists (``load_listed``:
one query for a whole run's digests) and who the administrators are. Whether a
digest may be sent, and recording that it was, is ``raci.reminder_sweep``'s job.
Templates: ``templates/raci/email/digest.txt`` and ``digest.html``; the digest also
lists the person's inform items and includes every registered section
(``projects.registry.register_digest``: ``<template>.txt`` / ``<template>.html``).

Every link is absolute, built from ``settings.SITE_URL`` (``TANDEM_SITE_URL``;
``make run PORT=…`` sets it to the port it serves). Every digest carries its
recipient's one-click opt-out (``raci.reminder_optout``): a link in the text
and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058),
which mail programs show as an "Unsubscribe" button.
"""

import logging
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from projects.models import LifecycleStep
from raci import reminder_optout
from raci.reminder_plan import Digest, Planned, administrators

logger = logging.getLogger(__name__)


class Listed(NamedTuple):
    """A step as the e-mail lists it: the step itself (with its project) and why."""

    step: LifecycleStep
    overdue: bool
    escalation: bool


def listed(digest: Digest) -> list[Planned]:
    """The steps the e-mail lists: overdue first, then by project and step, at most
    ``TANDEM_DIGEST_MAX_STEPS`` of them (the rest are counted, not listed)."""
    ordered = sorted(digest.items, key=lambda i: (not i.overdue, i.step.project.name, i.step.project.pk, i.step.number))
    return ordered[: settings.TANDEM_DIGEST_MAX_STEPS]


def load_listed(digests: list[Digest]) -> None:
    """Read the steps every digest lists, with their projects, in one query (a digest
    lists ``TANDEM_DIGEST_MAX_STEPS`` at most, whatever the steps it counts)."""
    chosen = {digest.recipient.pk: listed(digest) for digest in digests}
    ids = sorted({item.step.pk for items in chosen.values() for item in items})
    steps = LifecycleStep.objects.select_related("project").in_bulk(ids) if ids else {}
    for digest in digests:
        digest.listed = [Listed(steps[i.step.pk], i.overdue, i.escalation) for i in chosen[digest.recipient.pk]]


def _projects(items: list[Listed]) -> list[dict]:
    """The listed steps grouped by project (by name, then step number), each
    project with the link to its RACI matrix."""
    grouped: dict[int, dict] = {}
    for item in sorted(items, key=lambda i: (i.step.project.name, i.step.project_id, i.step.number)):
        project = item.step.project
        entry = grouped.setdefault(
            project.pk,
            {
                "project": project,
                "matrix_url": settings.SITE_URL + reverse("raci:matrix", kwargs={"slug": project.slug}),
                "steps": [],
            },
        )
        entry["steps"].append(item)
    return list(grouped.values())


def subject_of(digest: Digest) -> str:
    """The unowned steps when there are any, else what else the digest brings."""
    steps = len(digest.items)
    if steps:
        subject = (
            f"Tandem: {steps} step{'s' if steps != 1 else ''} need{'s' if steps == 1 else ''} an accountable owner"
        )
    else:
        count = len(digest.informed)
        news = f"{count} update{'s' if count != 1 else ''}" if count else ""
        subject = "Tandem: your digest" + (f" ({news})" if news else "")
    return f"[Escalation] {subject}" if digest.escalation else subject


def _sections(digest: Digest) -> list[dict]:
    """The registered sections (``projects.registry.register_digest``) to include:
    each with its two templates and what its ``context`` returned."""
    return [
        {"txt": f"{shown.template}.txt", "html": f"{shown.template}.html", "part": shown.part}
        for shown in digest.sections
    ]


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    steps = len(digest.items)
    subject = subject_of(digest)
    reminders_off_url = reminder_optout.url_for(digest.recipient)
    if digest.listed is None:
        load_listed([digest])
    items = digest.listed
    context = {
        "digest": digest,
        "recipient": digest.recipient,
        "projects": _projects(items),
        "more": steps - len(items),
        "my_work_url": settings.SITE_URL + reverse("my_work"),
        "going_alone": [
            {"project": project, "label": label, "url": settings.SITE_URL + project.get_absolute_url()}
            for project, label in digest.going_alone
        ],
        "informed": [
            {
                "item": item,
                "url": settings.SITE_URL + item.step.project.get_absolute_url() + f"#step-{item.step.number}",
            }
            for item in digest.informed
        ],
        "sections": _sections(digest),
        "site_url": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + reverse("preferences"),
        "reminders_off_url": reminders_off_url,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("raci/email/digest.txt", context),
        from_email=settings.TANDEM_REMINDER_FROM_EMAIL,
        to=[digest.recipient.email],
        headers={
            "List-Unsubscribe": f"<{reminders_off_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("raci/email/digest.html", context), "text/html")
    return message


def send_digest(digest: Digest) -> None:
    """Send one person's digest; raises whatever the e-mail backend raises."""
    digest_message(digest).send()


def notify_administrators(*, subject: str, body: str) -> int:
    recipients = [admin.email for admin in administrators()]
    if not recipients:
        logger.warning("No administrator to tell: %s", subject)
        return 0
    return send_mail(subject, body, settings.TANDEM_REMINDER_FROM_EMAIL, recipients)
