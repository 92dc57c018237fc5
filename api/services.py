"""Writes of the API app: creating and revoking personal API tokens.

Each service refuses first, through ``projects.access``, an actor who may not
act (an inactive person; someone else's token), before it writes anything.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api import tokens
from api.models import ApiToken, Scope
from governance.models import User
from projects import access

# A person holds at most this many live tokens: a leak is easier to find among few.
MAX_LIVE_TOKENS = 20
MAX_DAYS = 366


def token_create(*, actor: User, name: str, scope: str, expires_at: datetime | None) -> tuple[ApiToken, str]:
    """A new token of ``actor`` (always their own); returns the row and the token,
    which is shown once and never stored (only its digest is).

    Who: any active person, for themselves (``access.is_active_user``).
    """
    access.require(actor, None, access.is_active_user(actor), "Only an active person creates an API token.")
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name that says what it is for."
    elif len(name) > 80 or "\x00" in name:
        errors["name"] = "A name of at most 80 characters, without NUL characters."
    if scope not in Scope.values:
        errors["scope"] = f"The scope is one of: {', '.join(Scope.values)}."
    now = timezone.now()
    if expires_at is not None and not (now < expires_at <= now + timedelta(days=MAX_DAYS)):
        errors["expires_at"] = f"The expiry must be in the future and within {MAX_DAYS} days."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        live = ApiToken.objects.select_for_update().filter(owner=actor, revoked_at__isnull=True)
        if len(live) >= MAX_LIVE_TOKENS:
            raise ValidationError(f"You already have {MAX_LIVE_TOKENS} tokens: revoke one you no longer use first.")
        token, prefix, digest = tokens.generate()
        row = ApiToken.objects.create(
            owner=actor, name=name, scope=scope, expires_at=expires_at, prefix=prefix, digest=digest
        )
    return row, token


def token_revoke(*, actor: User, token: ApiToken) -> bool:
    """Revoke ``token`` at once; False when it was already revoked.

    Who: its owner, while active (administrators revoke by deactivating the person,
    whose tokens then fail).
    """
    access.require(actor, None, access.is_active_user(actor), "Only an active person revokes an API token.")
    if token.owner_id != actor.pk:
        raise PermissionDenied("Only its owner revokes an API token.")
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return revoked == 1
