"""Personal API tokens: a person's credential for scripts and tools calling /api/v1/.

Only a SHA-256 digest of the secret is stored; the token itself is shown once,
when it is created. ``prefix`` (not secret) finds the row; the digest proves it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Scope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, e.g. “Jira sync”.")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField("SHA-256 of the token", max_length=64, editable=False)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="apitoken_scope_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="apitoken_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_write(self) -> bool:
        return self.scope == Scope.WRITE
