"""Signing an API caller in with a personal token: ``Authorization: Bearer tdm_…``.

A request without the header falls through to the browser session (DRF's
``SessionAuthentication``, which enforces CSRF). A header that is present but
wrong, revoked, expired or whose owner was deactivated is refused (401): it
never falls back to the session.
"""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from api import selectors
from api.models import ApiToken

KEYWORD = "Bearer"
# ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send “Authorization: Bearer <token>”, one token, no spaces.")
        try:
            presented = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = selectors.live_token(presented)
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid, or was revoked or has expired.")
        mark_used(token)
        return token.owner, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


def mark_used(token: ApiToken) -> None:
    """Record that ``token`` was used now, at most once per ``LAST_USED_GRANULARITY``
    (a conditional UPDATE: two requests at once write it once)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USED_GRANULARITY).update(last_used_at=now)
    token.last_used_at = now
