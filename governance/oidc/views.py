"""The SSO pages: start, callback, the "department not mapped" page, and logout.

Every one of them answers 404 while single sign-on is not configured.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from governance.oidc import config
from governance.oidc.backend import PATH, REFUSAL_KEY, TandemOIDCBackend

logger = logging.getLogger(__name__)
ID_TOKEN_KEY = "oidc_id_token"


def login_options(request) -> dict:
    """Template context (settings.TEMPLATES): how people may log in, for the login page and preferences."""
    oidc = settings.TANDEM_OIDC
    return {"sso_name": oidc.name if oidc.enabled else "", "password_login": settings.TANDEM_PASSWORD_LOGIN}


def _enabled() -> config.OIDCConfig:
    if not settings.TANDEM_OIDC.enabled:
        raise Http404("Single sign-on is not configured.")
    return settings.TANDEM_OIDC


def _failed(request, oidc: config.OIDCConfig, reason: str = "") -> HttpResponseRedirect:
    messages.error(
        request,
        f"Signing in with {oidc.name} did not work{reason}. Try again; if it keeps failing, ask {oidc.contact}.",
    )
    return redirect("login")


class _Start(OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)  # endpoints: in get(), not here
        self.OIDC_RP_CLIENT_ID = settings.TANDEM_OIDC.client_id

    def get(self, request):
        oidc = _enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = config.metadata(oidc)["authorization_endpoint"]
        except (config.ProviderUnavailable, KeyError) as error:
            logger.error("SSO: the provider cannot be reached: %s", error)
            return _failed(request, oidc, f": {oidc.name} cannot be reached right now")
        return super().get(request)


# GET /sso/start/?next=…: off to the provider (state, nonce and PKCE kept in the session).
start = login_not_required(_Start.as_view())


@login_not_required
@require_GET
def callback(request):
    """The provider sends the browser back here with a code: check it, find or create the person, log in.

    The backend is called directly rather than through ``django.contrib.auth.authenticate``:
    django-axes counts every failed ``authenticate`` as a password failure of that address, so
    a few refused SSO logins (someone whose department is not mapped) would lock everyone in an
    office behind one proxy out of SSO. Nothing here can be guessed: the code is single-use and
    bound to this session's state, nonce and PKCE verifier.
    """
    oidc = _enabled()
    request.session.pop(REFUSAL_KEY, None)
    states = request.session.get("oidc_states", {})
    entry = states.pop(request.GET.get("state", ""), None)
    request.session["oidc_states"] = states  # each state is used once, whatever happens next
    if request.GET.get("error") or "code" not in request.GET or entry is None:
        return _failed(request, oidc)
    backend = TandemOIDCBackend()
    try:
        user = backend.authenticate(request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier"))
    except Exception:  # the provider's answer was refused or unreachable: a message, never a 500
        logger.exception("SSO: the callback failed")
        user = None
    if user is None:
        if REFUSAL_KEY in request.session:
            # Not logged in to Tandem, but signed in at the provider: keep what lets the refusal page
            # offer to end that session, or "Sign in with …" would bring the same person straight back.
            request.session[ID_TOKEN_KEY] = backend.id_token
            return redirect("oidc_refused")
        return _failed(request, oidc)
    if not user.is_active:
        return _failed(request, oidc, ": your Tandem account is deactivated")
    next_url = request.session.pop("oidc_login_next", None)
    login(request, user, backend=PATH)
    request.session[ID_TOKEN_KEY] = backend.id_token
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@login_not_required
@require_http_methods(["GET", "POST"])
def refused(request):
    """Why the provider's sign-in did not let this person in: their department is not one Tandem
    can map, so they are not logged in (and no account is made) until someone fixes the mapping.

    POST signs them out of the provider (they are signed in there, not here), so that someone
    else can sign in on this browser."""
    oidc = _enabled()
    if request.method == "POST":
        provider_url = provider_logout_url(request)
        request.session.flush()
        return HttpResponseRedirect(provider_url or reverse("login"))
    refusal = request.session.get(REFUSAL_KEY)
    context = {"refusal": refusal, "contact": oidc.contact, "sso_name": oidc.name,
               "departments": list(config.DEPARTMENTS.values())[:-1]}  # fmt: skip
    return render(request, "registration/sso_refused.html", context, status=403 if refusal else 200)


def provider_logout_url(request) -> str:
    """The provider's end-session URL for this session, or "" (no SSO session, no such endpoint)."""
    oidc = settings.TANDEM_OIDC
    id_token = request.session.get(ID_TOKEN_KEY)
    if not oidc.enabled or not id_token:
        return ""
    try:
        endpoint = config.metadata(oidc).get("end_session_endpoint", "")
    except config.ProviderUnavailable as error:
        logger.warning("SSO: cannot end the provider's session: %s", error)
        return ""
    if not endpoint:
        return ""
    query = {"id_token_hint": id_token, "client_id": oidc.client_id,
             "post_logout_redirect_uri": settings.SITE_URL + reverse("login")}  # fmt: skip
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


class TandemLogoutView(LogoutView):
    """Django's logout (POST), then the provider's end-session page when the person came through SSO."""

    def post(self, request, *args, **kwargs):
        provider_url = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response


logout_view = TandemLogoutView.as_view()
