"""Reads of the API app: a person's tokens, and the token a request presents."""

from django.db.models import QuerySet
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from governance.models import User


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's own tokens, newest first, revoked ones included (the list says so)."""
    return ApiToken.objects.filter(owner=user).order_by("-created_at", "-pk")


def token_of(user: User, pk: int) -> ApiToken | None:
    return tokens_of(user).filter(pk=pk).first()


def live_token(presented: str) -> ApiToken | None:
    """The live token matching ``presented``: well formed, digest equal, not revoked,
    not expired, its owner active. None otherwise (one query)."""
    prefix = tokens.prefix_of(presented)
    if prefix is None:
        return None
    row = ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
    if row is None or not tokens.matches(presented, row.digest):
        return None
    now = timezone.now()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if not row.owner.is_active:
        return None
    return row
