import django_filters
from django import forms
from django.db.models import Q

from projects.models import Project, ProjectStatus

SEARCH_MAX_LENGTH = 200


class ProjectFilter(django_filters.FilterSet):
    """Search and status filter of the project list; the queryset it narrows
    comes from ``projects.access`` already restricted to the user. A term that
    is too long or holds a NUL character is a form error and filters nothing
    (an invalid field is left out of ``cleaned_data``)."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        # A longer term matches nothing anyway, and SQLite refuses a LIKE
        # pattern of tens of thousands of characters: a form error instead.
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "Name or problem", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, empty_label="Any status")

    class Meta:
        model = Project
        fields = ["q", "status"]

    @property
    def qs(self):
        # A refused term filters to nothing rather than silently to everything.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(problem__icontains=value))
