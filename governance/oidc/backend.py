"""The OpenID Connect authentication backend: mozilla-django-oidc's code flow, with Tandem's rules.

On top of the library:

* endpoints come from ``config.metadata`` (discovery on first use), so neither start-up nor a
  password login needs the provider;
* the ID token's audience (our client id) and issuer are checked, not only its signature;
* claims are the ID token's with the userinfo endpoint's on top (same ``sub``);
* a person is found by e-mail (case-insensitive; the provider must vouch for it, so an
  ``email_verified`` of false is refused), created on first login, and their name, department
  and (when executive groups are configured) executive flag are updated on every login;
* a person whose department cannot be mapped is **not** logged in and not created: the backend
  leaves what it received in the session (``REFUSAL_KEY``) for the page that explains it.
"""

import hashlib
import logging

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from governance.models import User
from governance.oidc import config

logger = logging.getLogger(__name__)
REFUSAL_KEY = "tandem_oidc_refusal"
PATH = "governance.oidc.backend.TandemOIDCBackend"


class TandemOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The library reads the endpoints here; Tandem reads them when a login needs them (properties).
        self.oidc = settings.TANDEM_OIDC
        self.OIDC_RP_CLIENT_ID = self.oidc.client_id
        self.OIDC_RP_CLIENT_SECRET = self.oidc.client_secret
        self.OIDC_RP_SIGN_ALGO = self.oidc.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User
        self.id_token = ""

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return config.metadata(self.oidc)["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return config.metadata(self.oidc)["userinfo_endpoint"]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return config.metadata(self.oidc)["jwks_uri"]

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None  # a password login, or no request at all: not ours
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature (the library), then the audience and issuer, which the library leaves out."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token's algorithm is not the configured one.")
        options = {"require": ["exp", "iat", "aud", "iss"]}
        try:
            claims = jwt.decode(payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                                options=options, leeway=60)  # fmt: skip
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        if self.oidc.issuer and str(claims["iss"]).rstrip("/") != self.oidc.issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return claims

    def store_tokens(self, access_token, id_token):
        """Kept for logout (``id_token_hint``); stored by the callback after login, which may start a new session."""
        self.id_token = id_token

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo endpoint's claims over the (verified) ID token's: Entra ID, for one, puts
        ``groups`` and ``roles`` only in the ID token, Keycloak's mappers often only in userinfo."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo endpoint answered for another person.")
        return {**payload, **userinfo}

    def verify_claims(self, claims):
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims["email"])

    def get_or_create_user(self, access_token, id_token, payload):
        with transaction.atomic():
            return super().get_or_create_user(access_token, id_token, payload)

    def create_user(self, claims):
        fields = self._mapped(claims)
        if fields is None:
            return None
        user = self.UserModel(username=self._free_username(claims), email=claims["email"].strip())
        user.set_unusable_password()  # signs in through the provider only
        for name, value in fields.items():
            setattr(user, name, value)
        user.full_clean(exclude=["password"])
        user.save()
        logger.info("SSO: created %s (%s)", user.username, user.department)
        return user

    def update_user(self, user, claims):
        fields = self._mapped(claims)
        if fields is None:
            return None
        changed = [name for name, value in fields.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            user.save(update_fields=changed)
        return user

    def _mapped(self, claims) -> dict | None:
        """What Tandem keeps from the claims; ``None`` (and the refusal noted) for an unmapped department."""
        match = config.map_department(claims, self.oidc)
        if match.code is None:
            self.request.session[REFUSAL_KEY] = {
                "email": str(claims.get("email", ""))[:254],
                "claim": self.oidc.department_claim,
                "received": [value[:100] for value in match.received[:10]],
                "ambiguous": match.ambiguous,
            }
            logger.warning("SSO: refused %s, department claim %r unmapped", claims.get("email"), match.received)
            return None
        fields = {"department": match.code}
        for name, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            if claims.get(claim):
                fields[name] = str(claims[claim])[:150]
        executive = config.is_executive(claims, self.oidc)
        if executive is not None:
            fields["is_executive"] = executive
        return fields

    def _free_username(self, claims) -> str:
        """The e-mail address (what people type and see), or a hash of it if that is taken."""
        email = claims["email"].strip().lower()
        if len(email) <= 150 and not self.UserModel.objects.filter(username__iexact=email).exists():
            return email
        return "sso-" + hashlib.sha256(email.encode()).hexdigest()[:32]
