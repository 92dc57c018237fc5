"""Intake forms: a request, an IT review, an approval, a move, a waiver, the list's filters.

Forms improve the messages; the services decide (``intake.services``).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.urls import reverse

from governance.models import Side, User
from intake.models import IntakeRequest, Outcome, PersonalData, Result, ReviewCheck, Urgency
from intake.states import TRANSITION_STATES, State
from inventory.models import Tool, ToolCategory, ToolStatus
from projects.access import pickable_people
from projects.forms import MAX_ID, PersonChoiceField, version_field

TEXTAREA = {"rows": 3}


class ToolsField(forms.ModelMultipleChoiceField):
    """Tools by id; anything that cannot be an id is a form error before the database sees it."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID):
                raise forms.ValidationError(
                    "Choose tools from the list: “%(pk)s” is not one of them.",
                    code="invalid_pk_value",
                    params={"pk": text[:40]},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj: Tool) -> str:
        return f"{obj.name} ({obj.vendor}, {obj.category.name})"


def _categories():
    return ToolCategory.objects.filter(is_active=True).order_by("position", "name")


def _tools():
    return Tool.objects.exclude(status=ToolStatus.RETIRED).select_related("category").order_by("name", "vendor")


class RequestForm(forms.Form):
    """Submit or edit a request. While the category and the replaced tools are
    chosen, the page shows the tools in use they overlap with (htmx, ``intake:overlaps``)."""

    title = forms.CharField(max_length=200, help_text="A short name for the tool or project you ask for.")
    problem = forms.CharField(
        label="The problem", widget=forms.Textarea(attrs=TEXTAREA), help_text="What is wrong today, for whom?"
    )
    desired_outcome = forms.CharField(
        widget=forms.Textarea(attrs=TEXTAREA), help_text="What will be better, and how will we know?"
    )
    budget_side = forms.ChoiceField(label="Budget owner", choices=Side.choices, widget=forms.RadioSelect)
    yearly_cost = forms.DecimalField(
        label="Estimated yearly cost (€)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
    )
    category = forms.ModelChoiceField(label="Tool category", queryset=ToolCategory.objects.none())
    replaces = ToolsField(
        label="Tools it might replace",
        queryset=Tool.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Tools in the stack inventory (hold Ctrl or ⌘ to choose several).",
    )
    replaces_other = forms.CharField(
        label="Other tools it might replace",
        max_length=300,
        required=False,
        help_text="Tools that are not in the inventory, separated by commas.",
    )
    touches_personal_data = forms.BooleanField(
        label="It stores or processes customer or personal data",
        required=False,
        help_text="If so, IT records a security and privacy review before anyone may approve it.",
    )
    personal_data_kinds = forms.MultipleChoiceField(
        label="Which kinds of personal data?",
        choices=PersonalData.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    integrations = forms.CharField(
        label="Systems it must integrate with",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="CRM, website, data warehouse, single sign-on...",
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.STRATEGIC)
    version = version_field()

    def __init__(self, *args, instance: IntakeRequest | None = None, **kwargs):
        if instance is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = _initial(instance)
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()
        self.fields["replaces"].queryset = _tools()
        self.fields["touches_personal_data"].widget.attrs["data-intake-personal"] = ""
        if instance is None:
            del self.fields["version"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            "problem",
            "desired_outcome",
            Row(Column("budget_side"), Column("urgency"), Column("yearly_cost")),
            # Choosing a category or tools shows what they overlap with (htmx; intake:overlaps).
            Div(
                Row(Column("category"), Column("replaces")),
                hx_get=reverse("intake:overlaps"),
                hx_trigger="change",
                hx_target="#overlaps-live",
                hx_include="this",
                hx_params="category,replaces",
            ),
            HTML('{% include "intake/_overlaps_live.html" %}'),
            "replaces_other",
            Fieldset(
                "Customer and personal data",
                "touches_personal_data",
                "personal_data_kinds",
                css_class="border rounded p-3 mb-3",
            ),
            "integrations",
            *(["version"] if instance is not None else []),
        )

    def clean(self):
        cleaned = super().clean()
        touches, kinds = cleaned.get("touches_personal_data"), cleaned.get("personal_data_kinds")
        if touches and not kinds:
            self.add_error(
                "personal_data_kinds", "Say which kinds of customer or personal data it stores or processes."
            )
        if kinds and not touches:
            self.add_error(
                "touches_personal_data", "You named kinds of personal data: tick this box, or clear the kinds."
            )
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["replaces"] = list(data["replaces"])
        return data


def _initial(request: IntakeRequest) -> dict:
    return {
        "title": request.title,
        "problem": request.problem,
        "desired_outcome": request.desired_outcome,
        "budget_side": request.budget_side,
        "yearly_cost": request.yearly_cost,
        "category": request.category_id,
        "replaces": [tool.pk for tool in request.replaces.all()],
        "replaces_other": request.replaces_other,
        "touches_personal_data": request.touches_personal_data,
        "personal_data_kinds": request.kinds,
        "integrations": request.integrations,
        "urgency": request.urgency,
        "version": request.version,
    }


class ReviewForm(forms.Form):
    """An IT review: each check of the checklist (a result and notes), then the outcome."""

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when approving with conditions: what must hold for the approval to stand.",
    )
    notes = forms.CharField(label="Notes for the approver", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    version = version_field()

    def __init__(self, *args, checks: list[ReviewCheck], **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            self.fields[f"check_{check.key}"] = forms.ChoiceField(
                label=check.label, choices=Result.choices, widget=forms.RadioSelect, help_text=check.guidance
            )
            self.fields[f"notes_{check.key}"] = forms.CharField(
                label=f"Notes on {check.label.lower()}", required=False, max_length=2000
            )
        self.order_fields([name for c in checks for name in (f"check_{c.key}", f"notes_{c.key}")])

    def rows(self):
        """(check, result field, notes field) for the template."""
        return [(c, self[f"check_{c.key}"], self[f"notes_{c.key}"]) for c in self.checks]

    def clean(self):
        cleaned = super().clean()
        for check in self.checks:
            if cleaned.get(f"check_{check.key}") == Result.FAILED and not cleaned.get(f"notes_{check.key}", "").strip():
                self.add_error(f"notes_{check.key}", f"{check.label} failed: say what failed.")
        if cleaned.get("outcome") == Outcome.APPROVE_WITH_CONDITIONS and not cleaned.get("conditions", "").strip():
            self.add_error("conditions", "State the conditions of the approval.")
        return cleaned

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            c.key: (self.cleaned_data[f"check_{c.key}"], self.cleaned_data.get(f"notes_{c.key}", ""))
            for c in self.checks
        }


class ApproveForm(forms.Form):
    """Approve a request: who runs the project, and the decision note."""

    owner = PersonChoiceField(label="Project owner", queryset=User.objects.none())
    marketing_sponsor = PersonChoiceField(queryset=User.objects.none())
    it_sponsor = PersonChoiceField(label="IT sponsor", queryset=User.objects.none())
    it_lead = PersonChoiceField(label="IT lead", queryset=User.objects.none())
    target_launch = forms.DateField(
        label="Target launch date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    decision_note = forms.CharField(
        widget=forms.Textarea(attrs=TEXTAREA), help_text="Why it is approved and on what terms; the requester reads it."
    )
    version = version_field()

    PEOPLE = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = pickable_people()
        self.fields["owner"].queryset = people
        self.fields["marketing_sponsor"].queryset = people.on_side(Side.MARKETING)
        self.fields["it_sponsor"].queryset = people.on_side(Side.IT)
        self.fields["it_lead"].queryset = people.on_side(Side.IT)


class PreviewForm(ApproveForm):
    """The approval form read from a GET (the preview): only the people matter; nothing is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def given(self) -> dict:
        """The valid values given, to fill the approval form again (never the version: the page's own is used)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "") and k != "version"}

    def people(self) -> dict[str, User | None]:
        """The valid people given (None for the rest)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.PEOPLE}


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=[(s, State(s).label) for s in TRANSITION_STATES])
    reason = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    duplicate_of = forms.ModelChoiceField(queryset=IntakeRequest.objects.none(), required=False)
    version = version_field()

    def __init__(self, *args, originals=None, **kwargs):
        super().__init__(*args, **kwargs)
        if originals is not None:
            self.fields["duplicate_of"].queryset = originals


class WaiveForm(forms.Form):
    reason = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()


class ListFilterForm(forms.Form):
    """The list's filters (GET); an invalid value is ignored, never an error page."""

    state = forms.ChoiceField(choices=[("", "Any state"), *State.choices], required=False)
    category = forms.ModelChoiceField(queryset=ToolCategory.objects.none(), required=False, empty_label="Any category")
    side = forms.ChoiceField(label="Budget owner", choices=[("", "Either side"), *Side.choices], required=False)
    touches = forms.ChoiceField(
        label="Customer or personal data",
        choices=[("", "Either"), ("yes", "Touches personal data"), ("no", "No personal data")],
        required=False,
    )
    waiting = forms.BooleanField(label="Waiting for me", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ToolCategory.objects.order_by("position", "name")

    def filters(self) -> dict:
        """The valid filters (a field with an invalid value counts as not given)."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        touches = {"yes": True, "no": False}.get(data.get("touches") or "")
        return {
            "state": data.get("state") or "",
            "category": data.get("category"),
            "side": data.get("side") or "",
            "touches": touches,
            "waiting": bool(data.get("waiting")),
        }
