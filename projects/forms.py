from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from governance.models import Side, User
from projects.access import pickable_people
from projects.models import LifecycleStep, Project, StepStatus
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


# When each step is due, in days from the target launch: the plan a new project
# starts from (four months from problem to launch; maintenance's first review a
# month after). Keyed by the lifecycle's step keys (projects.lifecycle).
DAYS_FROM_LAUNCH = {
    "problem": -112,
    "outcomes": -98,
    "requirements": -84,
    "technologies": -70,
    "vendor": -56,
    "build": -21,
    "management": -7,
    "testing": -7,
    "launch": 0,
    "maintenance": 28,
}


def suggested_due_dates(target_launch: date | None, *, today: date) -> dict[str, date]:
    """Due dates by step key, counted back from ``target_launch``; when the launch
    is nearer than the usual lead time, the steps before it share the time left
    (in the same order). Empty without a target launch in the future."""
    if target_launch is None or target_launch <= today:
        return {}
    lead = -min(DAYS_FROM_LAUNCH.values())
    left = (target_launch - today).days
    scale = min(1.0, left / lead)
    return {
        key: target_launch + timedelta(days=round(days * scale) if days < 0 else days)
        for key, days in DAYS_FROM_LAUNCH.items()
    }


class HiddenDateInput(forms.DateInput):
    input_type = "hidden"


class PlanForm(forms.Form):
    """Every step's due date on one page: ``due_<n>`` (what the person sets),
    ``opened_<n>`` and ``version_<n>`` (the date and the step's version as the
    page was opened: only the dates the person changed are saved, and a step
    changed meanwhile is refused, ``services.steps_plan``)."""

    def __init__(self, *args, steps, versions: dict[int, int], suggestions: dict[str, date], fill=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = list(steps)
        self.suggestions = suggestions
        for step in self.steps:
            n, suggested = step.number, suggestions.get(step.key)
            attrs = {"type": "date"}
            if suggested and step.status != StepStatus.DONE:
                attrs["data-suggested"] = suggested.isoformat()
            proposed = (
                suggested if suggested and step.status != StepStatus.DONE and (fill or not step.due_date) else None
            )
            self.fields[f"due_{n}"] = forms.DateField(
                required=False,
                label=f"Step {n}, {step.name}: due date",
                initial=proposed or step.due_date,
                widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
            )
            self.fields[f"opened_{n}"] = forms.DateField(
                required=False, initial=step.due_date, widget=HiddenDateInput(format="%Y-%m-%d")
            )
            self.fields[f"version_{n}"] = version_field()
            self.fields[f"version_{n}"].initial = versions.get(step.pk)

    def rows(self):
        """One row a step: the step, its date field, its hidden fields and the suggestion."""
        for step in self.steps:
            n = step.number
            due = self[f"due_{n}"]
            suggested = self.suggestions.get(step.key) if step.status != StepStatus.DONE else None
            proposed = not self.is_bound and suggested and due.initial == suggested and step.due_date != suggested
            value = due.value()
            yield {
                "step": step,
                "due": due,
                "value": value.isoformat() if isinstance(value, date) else (value or ""),
                "hidden": (self[f"opened_{n}"], self[f"version_{n}"]),
                "suggested": suggested,
                "proposed": proposed,
            }

    def changes(self) -> tuple[dict[int, date | None], dict[int, int | None]]:
        """The dates the person changed (step number → date) and the versions they were opened at."""
        plans, versions = {}, {}
        for step in self.steps:
            n = step.number
            due, opened = self.cleaned_data.get(f"due_{n}"), self.cleaned_data.get(f"opened_{n}")
            if due != opened:
                plans[n] = due
                versions[n] = self.cleaned_data.get(f"version_{n}")
        return plans, versions


def add_service_errors(form: forms.Form, error) -> None:
    """Show a service's ValidationError on the form: on its fields where it names
    them, otherwise at the top. The user's input stays in the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
