"""The stack list's filters (django-filter): search, category, side, status,
customer data and renewals due. The queryset they narrow comes from
``inventory.selectors`` already limited to what the viewer may see."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from governance.models import Side
from inventory.models import RENEWAL_WINDOW_DAYS, ToolCategory, ToolStatus

SEARCH_MAX_LENGTH = 200
# The status filter's values besides a single status: the default hides retired tools.
LIVE, ANY = "", "any"
STATUS_CHOICES = [("any", "Any status, retired too"), *ToolStatus.choices]
YES_NO = [("yes", "Yes"), ("no", "No")]


class ToolFilter(django_filters.FilterSet):
    """A term that is too long or a value that is not offered is a form error,
    and the list then shows nothing rather than silently everything."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "Name or vendor", "type": "search"}),
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ToolCategory.objects.order_by("position", "name"), empty_label="Any category"
    )
    side = django_filters.ChoiceFilter(
        field_name="owner_side", label="Owning side", choices=Side.choices, empty_label="Either side"
    )
    status = django_filters.ChoiceFilter(
        method="by_status", choices=STATUS_CHOICES, empty_label="In use or being retired"
    )
    customer_data = django_filters.ChoiceFilter(
        method="by_customer_data", label="Holds customer data", choices=YES_NO, empty_label="Either"
    )
    renewal_due = django_filters.BooleanFilter(
        method="by_renewal_due",
        label=f"Renews within {RENEWAL_WINDOW_DAYS} days",
        widget=forms.CheckboxInput,
    )

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=ToolStatus.RETIRED)
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(vendor__icontains=value))

    def by_status(self, queryset, name, value):
        return queryset if value == ANY else queryset.filter(status=value)

    def by_customer_data(self, queryset, name, value):
        return queryset.filter(holds_customer_data=value == "yes")

    def by_renewal_due(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.filter(renewal_date__gte=today, renewal_date__lte=today + timedelta(days=RENEWAL_WINDOW_DAYS))
