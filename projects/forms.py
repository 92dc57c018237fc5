from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from governance.models import Side, User
from projects.access import pickable_people
from projects.models import LifecycleStep, Project
from projects.services import PROJECT_FIELDS


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        extra = ", ".join(part for part in (obj.job_title, obj.get_department_display()) if part)
        return f"{obj.display_name} ({extra})" if extra else obj.display_name


# Database ids and versions are signed 64-bit integers.
MAX_ID = 2**63 - 1


def version_field() -> forms.IntegerField:
    """The version an edit page was opened at (``projects.selectors``), posted
    back so a save from a stale page is refused instead of undoing another."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_ID)


class ProjectForm(forms.ModelForm):
    """Create or edit a project. People dropdowns list only active people of
    the side the role belongs to (plus whoever holds it now)."""

    version = version_field()

    marketing_sponsor = PersonChoiceField(queryset=User.objects.none(), required=False)
    it_sponsor = PersonChoiceField(queryset=User.objects.none(), required=False, label="IT sponsor")
    it_lead = PersonChoiceField(queryset=User.objects.none(), required=False, label="IT lead")

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "target_launch": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        for field_name, side in (
            ("marketing_sponsor", Side.MARKETING),
            ("it_sponsor", Side.IT),
            ("it_lead", Side.IT),
        ):
            people = pickable_people().on_side(side)
            current_id = getattr(instance, f"{field_name}_id", None) if instance else None
            if current_id:
                people = people | User.objects.filter(pk=current_id)
            self.fields[field_name].queryset = people.order_by("first_name", "last_name", "username")
        if instance is None:
            del self.fields["status"]
            del self.fields["version"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            "problem",
            *(["status"] if instance else []),
            Row(Column("marketing_sponsor"), Column("it_sponsor"), Column("it_lead")),
            Row(Column("budget_owner_side"), Column("requirements_side"), Column("target_launch")),
            *(["version"] if instance else []),
            Submit("submit", "Save project" if instance else "Create project"),
        )


class StepForm(forms.ModelForm):
    version = version_field()

    class Meta:
        model = LifecycleStep
        fields = ["due_date", "outcome"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save step"))


def add_service_errors(form: forms.Form, error) -> None:
    """Show a service's ValidationError on the form: on its fields where it names
    them, otherwise at the top. The user's input stays in the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
