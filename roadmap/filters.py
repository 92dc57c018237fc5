"""The roadmap's filters (django-filter): side, category, status, sponsor and mark, all in the
query string. A value that is not one of the choices is reported on the form and ignored."""

import django_filters

from governance.models import Side
from inventory.models import ToolCategory
from projects.models import ProjectStatus
from roadmap import selectors
from roadmap.models import Mark


class RoadmapFilter(django_filters.FilterSet):
    budget_owner_side = django_filters.ChoiceFilter(
        label="Budget owner", choices=Side.choices, empty_label="Either side"
    )
    requirements_side = django_filters.ChoiceFilter(
        label="Requirements led by", choices=Side.choices, empty_label="Either side"
    )
    category = django_filters.ModelChoiceFilter(
        label="Category",
        queryset=ToolCategory.objects.order_by("position", "name"),
        empty_label="Any category",
        method="filter_category",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=ProjectStatus.choices, empty_label="Any but cancelled", method="filter_status"
    )
    sponsor = django_filters.TypedChoiceFilter(label="Sponsor", coerce=int, empty_value=None, method="filter_sponsor")
    mark = django_filters.ChoiceFilter(label="Quick win or strategic", choices=Mark.choices, empty_label="Both")

    def __init__(self, data=None, queryset=None, *, viewer, **kwargs):
        super().__init__(data, queryset, **kwargs)
        people = selectors.sponsors(viewer)
        self.filters["sponsor"].extra["choices"] = [("", "Any sponsor")] + [(p.pk, p.display_name) for p in people]

    def filter_category(self, queryset, name, value):
        return selectors.with_category(queryset, value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_sponsor(self, queryset, name, value):
        return selectors.with_sponsor(queryset, value)

    def filter_queryset(self, queryset):
        """Cancelled projects are left out unless the status filter asks for them."""
        if not self.form.cleaned_data.get("status"):
            queryset = selectors.not_cancelled(queryset)
        return super().filter_queryset(queryset)

    @property
    def active(self) -> dict:
        """The filters in effect (valid and not empty)."""
        self.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value not in ("", None)}
