from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from scorecards.models import SCORE_CHOICES, Candidate

SCORE_ERROR = "Choose a score from 1 (Very poor) to 5 (Great)."


class CandidateForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", help_text="A site typed without https:// gets it.")

    class Meta:
        model = Candidate
        fields = ["name", "website", "build_in_house", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, submit_label: str = "Add candidate", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))


class RatingForm(forms.Form):
    """One radio group (1–5, labelled) and one comment per criterion."""

    def __init__(self, *args, criteria, initial_ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_ratings = initial_ratings or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            rating = initial_ratings.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=rating.score if rating else None,
                error_messages={"invalid_choice": SCORE_ERROR},
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on {criterion.name}",
                required=False,
                max_length=500,
                initial=rating.comment if rating else "",
                widget=forms.TextInput(attrs={"placeholder": "Optional comment"}),
            )

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"]

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}


class InviteForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Invite to test-drive and rate"
    )

    def __init__(self, *args, people, suggested_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].initial = list(suggested_ids)
        self.fields["people"].label_from_instance = lambda u: f"{u.display_name} ({u.side_label} side)"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Send invitations"))


class DecisionForm(forms.Form):
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why this vendor")
    against_ranking_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Why not the candidate ranked first",
        help_text="Needed when you choose a candidate the ranking does not put first.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Choose this vendor"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why withdraw the decision")
