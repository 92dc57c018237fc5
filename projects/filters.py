import django_filters
from django import forms
from django.db.models import Q

from projects.models import Project, ProjectStatus


class ProjectFilter(django_filters.FilterSet):
    """Search and status filter of the project list; the queryset it narrows
    comes from ``projects.access`` already restricted to the user."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name or problem", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, empty_label="Any status")

    class Meta:
        model = Project
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(problem__icontains=value))
