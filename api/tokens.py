"""The shape of a personal API token and how it is checked (no database here).

A token reads ``tdm_<prefix>_<secret>``: ``prefix`` (8 hex characters) is stored
in clear to find the row, ``secret`` is 32 random bytes (URL-safe base64). Only
the SHA-256 digest of the whole token is stored, compared in constant time.
"""

import hashlib
import hmac
import secrets

PREFIX = "tdm"


def generate() -> tuple[str, str, str]:
    """A new token: ``(token, prefix, digest)``; the token is shown once and never stored."""
    prefix = secrets.token_hex(4)
    token = f"{PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, digest_of(token)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def prefix_of(token: str) -> str | None:
    """The lookup prefix of a well-formed token, or None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 8 or not parts[2]:
        return None
    return parts[1]


def matches(token: str, digest: str) -> bool:
    return hmac.compare_digest(digest_of(token), digest)
