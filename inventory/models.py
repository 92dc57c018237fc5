"""The stack inventory: the organization's tools in use and their categories."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.models import Side

# A renewal this close (today included) is flagged on the list and counted on the dashboard.
RENEWAL_WINDOW_DAYS = 90


class ToolStatus(models.TextChoices):
    IN_USE = "in_use", "In use"
    BEING_RETIRED = "being_retired", "Being retired"
    RETIRED = "retired", "Retired"


class ToolCategory(models.Model):
    """One entry of the small martech taxonomy (CRM, Analytics, ...), kept as data.

    Administrators edit it in Django admin; a category in use by a tool cannot be
    deleted (``Tool.category`` protects it), only made inactive.
    """

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists: lowest first.")
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive categories are not offered for new tools or imports."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "tool categories"

    def __str__(self) -> str:
        return self.name


class Tool(models.Model):
    """A tool the organization uses (or used): who owns it, what it costs, when it renews."""

    name = models.CharField(max_length=120)
    vendor = models.CharField(max_length=120)
    category = models.ForeignKey(ToolCategory, on_delete=models.PROTECT, related_name="tools")
    owner_side = models.CharField("owning side", max_length=20, choices=Side.choices, default=Side.MARKETING)
    business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    it_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="IT owner",
    )
    yearly_cost = models.DecimalField("yearly cost (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    renewal_date = models.DateField(null=True, blank=True)
    holds_customer_data = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=ToolStatus.choices, default=ToolStatus.IN_USE)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tools",
        help_text="The project that brought the tool in.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "vendor"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ToolStatus.values), name="tool_status_valid"),
            models.CheckConstraint(condition=Q(owner_side__in=Side.values), name="tool_owner_side_valid"),
            models.CheckConstraint(
                condition=Q(yearly_cost__isnull=True) | Q(yearly_cost__gte=0), name="tool_yearly_cost_not_negative"
            ),
            # One live entry per tool: a retired one may be followed by a new one of the same name.
            models.UniqueConstraint(
                Lower("name"),
                Lower("vendor"),
                condition=~Q(status=ToolStatus.RETIRED),
                name="tool_unique_name_vendor_while_not_retired",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:tool_detail", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status != ToolStatus.RETIRED

    @property
    def renews_soon(self) -> bool:
        """Not retired, and renews between today and ``RENEWAL_WINDOW_DAYS`` from now."""
        if self.renewal_date is None or not self.is_live:
            return False
        days = (self.renewal_date - timezone.localdate()).days
        return 0 <= days <= RENEWAL_WINDOW_DAYS

    @property
    def days_to_renewal(self) -> int | None:
        return None if self.renewal_date is None else (self.renewal_date - timezone.localdate()).days
