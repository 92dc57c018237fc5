"""The secret in a feed URL: ``<user id>.<key>.<signature>``.

Signed with the site's secret key (and ``SECRET_KEY_FALLBACKS`` while rotating it),
under a salt of its own, so a signature made for anything else never opens a feed.
"""

from django.core import signing

SALT = "calendars.feed"
_signer = signing.Signer(salt=SALT, sep=".")


def make(user_id: int, key: str) -> str:
    return _signer.sign(f"{user_id}.{key}")


def read(token: str) -> tuple[int, str] | None:
    """``(user id, key)`` of a well-formed, correctly signed token; ``None`` for anything else."""
    try:
        value = _signer.unsign(token)
    except signing.BadSignature:
        return None
    user_id, _, key = value.partition(".")
    if not user_id.isdigit() or not key or len(user_id) > 18:
        return None
    return int(user_id), key
