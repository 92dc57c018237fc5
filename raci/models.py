"""RACI assignments: who is Responsible, Accountable, Consulted, Informed per step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


# Roles that answer for or do the work: only active people may hold them.
WORKING_ROLES = (Role.RESPONSIBLE, Role.ACCOUNTABLE)


class RaciAssignment(models.Model):
    step = models.ForeignKey("projects.LifecycleStep", on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="raci_assignments")
    role = models.CharField(max_length=1, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "RACI assignment"
        ordering = ["step__number", "role", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["step", "user"], name="raci_one_role_per_person_per_step"),
            models.UniqueConstraint(
                fields=["step"], condition=Q(role=Role.ACCOUNTABLE), name="raci_one_accountable_per_step"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="raci_role_valid"),
        ]
        indexes = [models.Index(fields=["step", "role"], name="raci_step_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.step}"
