"""Forms for alignment rounds: opening one, and answering one."""

from django import forms
from django.utils import timezone

from alignment.models import ALIGNMENT_LEVEL_NAMES, RoundDimension
from alignment.services import closing_date_errors
from governance.models import IT_SIDE_DEPARTMENTS, MARKETING_SIDE_DEPARTMENTS
from projects.access import member_ids, pickable_people
from projects.models import Project

MAX_ID = 2**63 - 1  # the largest id a database row can have (a 64-bit signed integer)


class PersonChoiceField(forms.ModelMultipleChoiceField):
    """People by id. Anything that cannot be an id (not a whole number, or beyond
    a 64-bit integer) is a form error before the database sees it: SQLite raises
    on such a number instead of finding nothing."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID):
                raise forms.ValidationError(
                    "Choose people from the list: “%(pk)s” is not one of them.",
                    code="invalid_pk_value",
                    params={"pk": text[:40]},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj) -> str:
        title = f", {obj.job_title}" if obj.job_title else ""
        return f"{obj.display_name} ({obj.side_label}{title})"


class RoundOpenForm(forms.Form):
    title = forms.CharField(max_length=200)
    closes_on = forms.DateField(
        label="Closes on",
        help_text="Answers are accepted until the end of this day; results appear once the round closes.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    invitees = PersonChoiceField(
        label="Invite",
        queryset=pickable_people().none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="People on both sides. Each side needs at least 3 respondents for its figures to be shown.",
    )

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = pickable_people().filter(department__in=[*MARKETING_SIDE_DEPARTMENTS, *IT_SIDE_DEPARTMENTS])
        if project is not None:
            people = people.filter(pk__in=member_ids(project))
        self.fields["invitees"].queryset = people
        if not self.is_bound:
            scope = project.name if project else "Organization"
            self.initial.setdefault("title", f"{scope} alignment, {timezone.localdate():%B %Y}")
            self.initial.setdefault("closes_on", timezone.localdate() + timezone.timedelta(days=14))
            self.initial.setdefault("invitees", list(people))

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        errors = closing_date_errors(closes_on)
        if errors:
            raise forms.ValidationError(errors)
        return closes_on


class RoundExtendForm(forms.Form):
    """A later closing date for an open round (``services.round_extend`` checks it)."""

    closes_on = forms.DateField(label="New closing date", widget=forms.DateInput(attrs={"type": "date"}))


class AnswerForm(forms.Form):
    """One level (radio buttons with the round's own wording) and an optional comment per dimension."""

    def __init__(self, *args, dimensions: list[RoundDimension], current: dict[int, tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for d in dimensions:
            choices = [
                (str(level), f"{level} · {ALIGNMENT_LEVEL_NAMES[level]}: {text}")
                for level, text in enumerate(d.levels, start=1)
            ]
            self.fields[f"level_{d.pk}"] = forms.TypedChoiceField(
                label=f"{d.position}. {d.name}",
                help_text=d.question,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the level that fits best."},
            )
            self.fields[f"comment_{d.pk}"] = forms.CharField(
                label=f"Comment on {d.name} (optional)",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if d.pk in current and not self.is_bound:
                self.initial[f"level_{d.pk}"] = str(current[d.pk][0])
                self.initial[f"comment_{d.pk}"] = current[d.pk][1]

    def rows(self):
        return [(d, self[f"level_{d.pk}"], self[f"comment_{d.pk}"]) for d in self.dimensions]

    def answers(self) -> dict[int, tuple[int, str]]:
        return {
            d.pk: (self.cleaned_data[f"level_{d.pk}"], self.cleaned_data[f"comment_{d.pk}"]) for d in self.dimensions
        }
