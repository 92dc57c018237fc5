"""Rate limits: one bucket per token (scope ``api``), or per person for the browser session.

The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"]`` (``TANDEM_API_RATE``);
the counts live in Django's cache, so several web processes count apart unless the
cache is shared (docs/api.md).
"""

from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
