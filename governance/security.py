"""Login protection, session lifetime and browser-policy headers.

What Tandem promises here, and how it is tested, is in ``docs/security.md``.
Imports no other Tandem app.

* Failed logins are throttled by django-axes (settings ``AXES_*``): a username
  tried from one address is locked for a cool-off after a few failures, so one
  person mistyping in an office behind one proxy locks out only themselves;
  an address that fails far more often (someone trying many usernames) is
  locked as a whole (:class:`LoginThrottleHandler`).
* A session ends after an idle time (``SESSION_COOKIE_AGE``, moved on by use)
  and at most a fixed time after logging in, however active
  (:class:`SessionLifetimeMiddleware`).
* Every response says which browser features no page uses
  (:class:`PermissionsPolicyMiddleware`); the Content-Security-Policy itself is
  django-csp's (``CONTENT_SECURITY_POLICY`` in settings).
"""

import ipaddress
import math
import time

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render

# --- Login throttling -------------------------------------------------------------


def client_ip(request) -> str | None:
    """The address a login attempt came from.

    Behind a load balancer (``DJANGO_BEHIND_PROXY``) every request arrives from
    the proxy, so its ``REMOTE_ADDR`` would put the whole company in one bucket;
    the client is then the address the proxy appended to ``X-Forwarded-For``,
    counted ``TANDEM_PROXY_HOPS`` entries from the right. Entries further left
    are whatever the client chose to send, so they are never trusted; nor is
    anything that is not an IP address (it is stored in an address column).
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.TANDEM_BEHIND_PROXY:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    hops = settings.TANDEM_PROXY_HOPS
    if len(forwarded) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler plus a ceiling per address.

    Axes counts failures per username *at* an address
    (``AXES_LOCKOUT_PARAMETERS``) against ``AXES_FAILURE_LIMIT``; on top of
    that, an address with ``TANDEM_LOGIN_IP_FAILURE_LIMIT`` failures within the
    cool-off, whatever the usernames, is locked too. The ceiling is far above
    what an office of people mistyping reaches, and far below what guessing
    passwords for many accounts needs.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = settings.AXES_FAILURE_LIMIT
        if failures < limit and self.address_failures(request) >= settings.TANDEM_LOGIN_IP_FAILURE_LIMIT:
            return limit
        return failures

    @staticmethod
    def address_failures(request) -> int:
        since = request.axes_attempt_time - get_cool_off(request)
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address, attempt_time__gte=since)
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' gate in front of the password check, for logins made over the web.

    Axes refuses to authenticate without a request; an ``authenticate()`` with
    none (a management command, a script) is no web login and has nothing to
    throttle, so it passes on to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cool_off_minutes() -> int:
    return max(1, math.ceil(get_cool_off().total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying why and for how long (HTTP 429).

    The cool-off starts again with every refused attempt, so "N minutes" is
    counted from this one.
    """
    minutes = cool_off_minutes()
    form = AuthenticationForm(request)
    context = {"form": form, "locked_out": True, "cool_off_minutes": minutes, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


# --- Session lifetime ------------------------------------------------------------------

LOGIN_TIME_KEY = "tandem_login_at"
SEEN_TIME_KEY = "tandem_seen_at"


@receiver(user_logged_in, dispatch_uid="tandem-record-login-time")
def record_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = request.session[SEEN_TIME_KEY] = time.time()


class SessionLifetimeMiddleware:
    """A session ends ``SESSION_COOKIE_AGE`` (the idle limit) after it was last
    used, and ``TANDEM_SESSION_MAX_DAYS`` after its login however busy it is.

    Idle: Django expires a session ``SESSION_COOKIE_AGE`` after it was last
    saved; a request saves it (moving that expiry on) once
    ``TANDEM_SESSION_REFRESH_SECONDS`` have passed since the last save, rather
    than on every request, so reading a page does not write to the database
    each time; the idle limit is exact to within that interval.
    Absolute: bounds a session kept alive by constant use, such as a dashboard
    left open on a wall screen. A session from before this rule existed starts
    counting from the first request that sees it.
    Placed after AuthenticationMiddleware and before LoginRequiredMiddleware, so
    an ended session is sent to the login page like any other.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(LOGIN_TIME_KEY)
            if started is None:
                session[LOGIN_TIME_KEY] = session[SEEN_TIME_KEY] = now
            elif now - started > settings.TANDEM_SESSION_MAX_DAYS * 86400:
                logout(request)
            elif now - session.get(SEEN_TIME_KEY, 0) > settings.TANDEM_SESSION_REFRESH_SECONDS:
                session[SEEN_TIME_KEY] = now  # modified: saved, with its expiry moved on
        return self.get_response(request)


# --- Browser features ----------------------------------------------------------------


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (settings ``PERMISSIONS_POLICY``) on every response:
    no page of Tandem uses the camera, the microphone, location and the like, so
    no page, nor anything injected into one, may ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
