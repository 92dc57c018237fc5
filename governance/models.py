"""The organization half of governance: people, their departments and sides.

This module imports no other Tandem app; every app above it may import it.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Department(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    MARKETING_OPS = "marketing_ops", "Marketing Ops"
    IT = "it", "IT"
    OTHER = "other", "Other"


class Side(models.TextChoices):
    """The two sides every "Marketing vs IT" figure is computed by."""

    MARKETING = "marketing", "Marketing"
    IT = "it", "IT"


MARKETING_SIDE_DEPARTMENTS = (Department.MARKETING, Department.MARKETING_OPS)
IT_SIDE_DEPARTMENTS = (Department.IT,)


def side_of(department: str) -> str | None:
    """The side a department belongs to, or None for Other."""
    if department in MARKETING_SIDE_DEPARTMENTS:
        return Side.MARKETING
    if department in IT_SIDE_DEPARTMENTS:
        return Side.IT
    return None


def departments_of(side: str) -> tuple[str, ...]:
    return MARKETING_SIDE_DEPARTMENTS if side == Side.MARKETING else IT_SIDE_DEPARTMENTS


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def on_side(self, side: str):
        return self.filter(department__in=departments_of(side))

    def by_name(self):
        return self.order_by("first_name", "last_name", "username")


class TandemUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    department = models.CharField(max_length=20, choices=Department.choices, default=Department.OTHER)
    job_title = models.CharField(max_length=120, blank=True)
    is_executive = models.BooleanField(
        "executive sponsor",
        default=False,
        help_text="CMO, CIO and other sponsors: may read every project.",
    )
    on_steering_group = models.BooleanField(
        "steering group",
        default=False,
        help_text="Named by an administrator: may approve intake requests, like an executive.",
    )
    reminders_enabled = models.BooleanField(
        "e-mail reminders",
        default=True,
        help_text="Receive a digest when a step you can fix has no accountable owner.",
    )

    objects = TandemUserManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__in=Department.values),
                name="user_department_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def side(self) -> str | None:
        return side_of(self.department)

    @property
    def side_label(self) -> str:
        side = self.side
        return Side(side).label if side else "Other"

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.is_staff or self.is_superuser)
