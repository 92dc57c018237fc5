"""The ID token checks the backend adds to mozilla-django-oidc's signature check: audience and issuer."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from governance.oidc import config
from governance.oidc.backend import TandemOIDCBackend

ISSUER = "https://login.example.com/realms/acme"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def backend(settings):
    settings.TANDEM_OIDC = config.parse(
        {"TANDEM_OIDC_ISSUER": ISSUER, "TANDEM_OIDC_CLIENT_ID": "tandem", "TANDEM_OIDC_CLIENT_SECRET": "s"}
    )
    return TandemOIDCBackend()


def _token(**overrides) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "tandem", "sub": "42", "iat": now, "exp": now + 300, **overrides}
    claims = {key: value for key, value in claims.items() if value is not None}
    return jwt.encode(claims, KEY, algorithm="RS256")


def test_a_token_for_us_from_our_issuer_is_accepted(backend):
    assert backend._verify_jws(_token(), KEY.public_key())["sub"] == "42"
    assert backend._verify_jws(_token(aud=["other", "tandem"]), KEY.public_key())["sub"] == "42"


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "another-app"},  # a token the provider issued to some other application
        {"iss": "https://evil.example.com"},
        {"exp": int(time.time()) - 3600},
        {"aud": None},
        {"iss": None},
    ],
)
def test_a_token_for_someone_else_or_expired_is_refused(backend, overrides):
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(_token(**overrides), KEY.public_key())


def test_a_token_signed_with_another_key_or_algorithm_is_refused(backend):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(_token(), other.public_key())
    hs = jwt.encode({"iss": ISSUER, "aud": "tandem", "exp": int(time.time()) + 60}, "s" * 32, algorithm="HS256")
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(hs, "s" * 32)


def test_a_password_login_never_reaches_the_provider(backend, rf):
    """Without a code and state in the URL the backend answers None before touching any endpoint
    (the issuer here does not exist: a network call would fail)."""
    assert backend.authenticate(rf.post("/login/"), username="a", password="b") is None
    assert backend.authenticate(None) is None
