from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core import signing

from governance.models import Side
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


EDIT_FIELDS = ["name", "website", "build_in_house", "notes"]
SEEN_SALT = "scorecards.candidate-edit"
STALE_FORM = "This form is out of date or incomplete; reload the page and make your change again."


def candidate_snapshot(candidate: Candidate) -> dict:
    """What an edit form shows of ``candidate`` (compared when a save is refused as stale)."""
    return {field: getattr(candidate, field) for field in EDIT_FIELDS}


def candidate_changes(seen: dict, current: Candidate) -> list[str]:
    """What changed between the form a person opened (``seen``) and ``current``, one line a field."""
    if not seen:  # the form's copy is missing or altered: say who, not what
        return []
    lines = []
    for field, now in candidate_snapshot(current).items():
        before = seen.get(field)
        if before != now:
            label = Candidate._meta.get_field(field).verbose_name.capitalize()
            lines.append(f"{label}: {_shown(before)} → {_shown(now)}")
    return lines


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if value else "(empty)"


class CandidateEditForm(CandidateForm):
    """The candidate form of an edit: it carries the version it was opened at
    (``services.candidate_save`` refuses a save from a stale form) and a signed
    copy of what it showed, so a refusal can say what changed."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), STALE_FORM),
    )  # fmt: skip
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def __init__(self, *args, instance: Candidate, **kwargs):
        super().__init__(*args, instance=instance, submit_label="Save", **kwargs)
        if not self.is_bound:
            self.initial |= self.opened_at(instance)

    def clean(self):
        # A hidden field's error would show nowhere: say it above the form.
        if self._errors and "version" in self._errors:
            del self._errors["version"]
            self.add_error(None, STALE_FORM)
        return super().clean()

    @staticmethod
    def opened_at(candidate: Candidate) -> dict:
        return {"version": candidate.version, "seen": signing.dumps(candidate_snapshot(candidate), salt=SEEN_SALT)}

    def seen_values(self) -> dict:
        """What the form showed when it was opened ({} if the signed copy is missing or altered)."""
        try:
            seen = signing.loads(self.data.get("seen", ""), salt=SEEN_SALT)
        except signing.BadSignature:
            return {}
        return seen if isinstance(seen, dict) else {}

    def reopen_at(self, candidate: Candidate) -> None:
        """Keep what the person typed, but as a form opened now: saving again applies it over ``candidate``."""
        data = self.data.copy()
        for key, value in self.opened_at(candidate).items():
            data[key] = str(value)  # replaces (QueryDict.update would append)
        self.data = data


def _shown_values(rating, *, pending: bool) -> tuple[int | None, str]:
    if rating is None:
        return None, ""
    return (rating.draft_score, rating.draft_comment) if pending else (rating.score, rating.comment)


class RatingForm(forms.Form):
    """One radio group (1–5, labelled) and one comment per criterion."""

    def __init__(self, *args, criteria, initial_ratings=None, pending: bool = False, **kwargs):
        """``pending``: the sheet was submitted and has changes saved as a draft; the form shows those."""
        super().__init__(*args, **kwargs)
        initial_ratings = initial_ratings or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            rating = initial_ratings.get(criterion.pk)
            score, comment = _shown_values(rating, pending=pending)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=score,
                error_messages={"invalid_choice": SCORE_ERROR},
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on {criterion.name}",
                required=False,
                max_length=500,
                initial=comment,
                widget=forms.TextInput(attrs={"placeholder": "Optional comment"}),
            )

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"]

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}


MAX_ID = 2**63 - 1  # the largest id a database row can have (a 64-bit signed integer)
PEOPLE_ERROR = "Choose people from the list: “%(pk)s” is not one of them."


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses, as a form error, anything that
    cannot be an id (not a whole number, or beyond a 64-bit integer) before the
    database sees it: SQLite raises on such a number instead of finding nothing."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID):
                raise forms.ValidationError(PEOPLE_ERROR, code="invalid_pk_value", params={"pk": text[:40]})
        return super()._check_values(value)


class InviteForm(forms.Form):
    people = IdsField(queryset=None, widget=forms.CheckboxSelectMultiple, label="Invite to test-drive and rate")

    def __init__(self, *args, people, suggested_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].error_messages["invalid_choice"] = PEOPLE_ERROR.replace("%(pk)s", "%(value)s")
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

    def __init__(
        self, *args, ranked_first: bool | None = None, reason_label: str = "", reason_help: str = "", **kwargs
    ):
        """``ranked_first``: whether the candidate is ranked first, as far as the
        decider may see (None: the blind rule hides it, so the question stays,
        worded for either case). A candidate ranked first needs no reason."""
        super().__init__(*args, **kwargs)
        if ranked_first:
            del self.fields["against_ranking_reason"]
        else:
            field = self.fields["against_ranking_reason"]
            field.label = reason_label or field.label
            field.help_text = reason_help or field.help_text
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Propose this vendor"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why withdraw the decision")
    # The decision the page showed: a withdrawal never reaches a proposal recorded since.
    decision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SignForm(forms.Form):
    """One sponsor's position on a proposed vendor decision."""

    side = forms.ChoiceField(choices=Side.choices, widget=forms.HiddenInput)
    position = forms.ChoiceField(
        choices=[("agree", "I agree"), ("disagree", "I disagree")], widget=forms.RadioSelect, label="Your position"
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Comment",
        help_text="Required when you disagree: your dissent is part of the record.",
        max_length=2000,
    )
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("position") == "disagree" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say why you disagree: your dissent is part of the record.")
        return data


class TieBreakForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the decision should stand despite the disagreement",
        max_length=2000,
    )
