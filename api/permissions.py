"""Who may call the API at all: an active, signed-in person; a read-only token only reads.

What each person may see or change is decided by the services and selectors the
views call (``projects.access``), never here.
"""

from rest_framework import permissions

from api.models import ApiToken
from projects import access


class ActiveUserWithTokenScope(permissions.BasePermission):
    message = "This token is read-only: create a read-write token to change anything."

    def has_permission(self, request, view) -> bool:
        if not access.is_active_user(request.user):
            return False
        if isinstance(request.auth, ApiToken) and not request.auth.is_write:
            return request.method in permissions.SAFE_METHODS
        return True
