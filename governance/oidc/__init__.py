"""Single sign-on with OpenID Connect (docs/sso.md).

Part of the organization layer: it creates and updates people, and imports no app above it.

* ``config``: the settings, read from ``TANDEM_OIDC_*`` and ``TANDEM_PASSWORD_LOGIN`` (no Django
  import, so ``governance/settings.py`` can use it), the claim mapping, and the provider's
  discovery document, fetched on first use, never at start-up;
* ``backend``: the authentication backend (mozilla-django-oidc's, with Tandem's checks);
* ``views``: the "Sign in with …" start, the provider's callback, the page for a person whose
  department Tandem cannot map, and logout (which ends the provider's session too when it can).
"""
