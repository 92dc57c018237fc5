from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from common.csv_import import CsvUploadForm
from governance.models import Side, User
from inventory.models import Tool, ToolCategory
from inventory.services import TOOL_FIELDS
from projects.access import pickable_people, visible_projects
from projects.forms import PersonChoiceField, version_field
from projects.models import Project


class ToolForm(forms.ModelForm):
    """Add or edit a tool. Dropdowns offer active categories and people (plus
    whatever the tool has now) and the projects the person may see."""

    version = version_field()
    business_owner = PersonChoiceField(queryset=User.objects.none(), required=False)
    it_owner = PersonChoiceField(
        queryset=User.objects.none(), required=False, label="IT owner", help_text="Someone in IT."
    )

    class Meta:
        model = Tool
        fields = list(TOOL_FIELDS)
        widgets = {
            "renewal_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "yearly_cost": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        self.fields["category"].queryset = _with_current(
            ToolCategory.objects.filter(is_active=True), ToolCategory, instance and instance.category_id
        ).order_by("position", "name")
        self.fields["business_owner"].queryset = _with_current(
            pickable_people(), User, instance and instance.business_owner_id
        ).order_by("first_name", "last_name", "username")
        self.fields["it_owner"].queryset = _with_current(
            pickable_people().on_side(Side.IT), User, instance and instance.it_owner_id
        ).order_by("first_name", "last_name", "username")
        self.fields["project"].queryset = _with_current(
            visible_projects(user), Project, instance and instance.project_id
        ).order_by("name")
        self.fields["project"].help_text = "The project that brought the tool in, if any."
        if instance is None:
            del self.fields["version"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name"), Column("vendor")),
            Row(Column("category"), Column("status")),
            Row(Column("owner_side"), Column("business_owner"), Column("it_owner")),
            Row(Column("yearly_cost"), Column("renewal_date"), Column("holds_customer_data", css_class="pt-md-4")),
            "project",
            "notes",
            *(["version"] if instance else []),
            Submit("submit", "Save tool" if instance else "Add tool"),
        )


def _with_current(queryset, model, current_pk):
    """``queryset`` plus the row the tool has now (an inactive category or person stays shown)."""
    if current_pk:
        return queryset | model.objects.filter(pk=current_pk)
    return queryset


# The upload step of the CSV import (common.csv_import, shared with the projects import).
ImportUploadForm = CsvUploadForm
