from django import forms

from governance.models import Side
from projects.models import ProjectStatus


class PortfolioFilterForm(forms.Form):
    """The dashboard's filters. Invalid values are reported and ignored, never a 500."""

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ProjectStatus.choices])
    sponsor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Sponsor")
    side = forms.ChoiceField(
        required=False,
        label="Current step led by",
        choices=[("", "Either side"), *Side.choices],
        help_text="The side of the current step's Accountable person, or its suggested side when it has none.",
    )
    alone = forms.ChoiceField(
        required=False,
        label="Going it alone",
        choices=[
            ("", "Either way"),
            ("either", "One side alone"),
            *((side, f"{label} alone") for side, label in Side.choices),
        ],
        help_text="One side holds Responsible, Accountable or Consulted on steps 1–5 and the other side holds none.",
    )
    attention = forms.BooleanField(required=False, label="Needs attention only")

    def __init__(self, *args, sponsors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].choices = [("", "Any sponsor")] + [(u.pk, u.display_name) for u in sponsors]

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (its error is on the form)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, False)}
