"""Reminders, the one-click opt-out: a signed link in every digest turns them off.

The link carries the recipient's id signed with the site's secret
(``django.core.signing``, salted for this one purpose), so it works without
logging in and cannot be forged for someone else. Opening it (GET) shows a
page with one button and changes nothing: mail scanners and link previews
follow links. The button, and a mail program's one-click unsubscribe
(RFC 8058: a POST of ``List-Unsubscribe=One-Click`` to the ``List-Unsubscribe``
address, with no cookie and no CSRF token), turn the person's reminders off.
The signature is the credential, so the POST is exempt from CSRF; all it can
ever do is switch off the reminders of the person the link was sent to.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from governance.models import User

SALT = "tandem.raci.reminders-off"


def token_for(user: User) -> str:
    return signing.dumps(user.pk, salt=SALT)


def url_for(user: User) -> str:
    """The absolute opt-out link of ``user`` (from ``settings.SITE_URL``)."""
    return settings.SITE_URL + reverse("raci:reminders_off", kwargs={"token": token_for(user)})


def user_for(token: str) -> User | None:
    """The person a token was signed for, or None for a token that is not ours."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def turn_off(user: User) -> None:
    """The person asked, through their own signed link: no more reminders."""
    User.objects.filter(pk=user.pk).update(reminders_enabled=False)


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def reminders_off(request, token: str):
    """GET: a page with one button (writes nothing). POST: reminders off, done."""
    user = user_for(token)
    if user is None:
        raise Http404("This link is not valid.")
    done = request.method == "POST"
    if done:
        turn_off(user)
    return render(request, "raci/reminders_off.html", {"person": user, "done": done})
