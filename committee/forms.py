"""The committee's forms: a meeting, a decision on an agenda item, the minutes, an action."""

from django import forms
from django.forms.models import ModelChoiceIterator

from committee.models import AgendaItem, Decision, ItemKind, Meeting
from governance.models import Side, User
from projects.access import pickable_people
from projects.forms import MAX_ID, PersonChoiceField, version_field

TEXTAREA = {"rows": 3}


class PeopleField(forms.ModelMultipleChoiceField):
    """People by id; anything that cannot be an id is a form error before the database sees it."""

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

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.side_label})"


class _ListedChoices(ModelChoiceIterator):
    """The choices from a list read once for the whole page (``field.listed``), not a query per field."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed) + (1 if self.field.empty_label is not None else 0)


def _list_choices(field: forms.ModelChoiceField, people: list[User]) -> None:
    field.listed = people
    field.iterator = _ListedChoices
    field.widget.choices = field.choices


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Steering committee")
    starts_at = forms.DateTimeField(
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=5, max_value=600, initial=60)
    location = forms.CharField(max_length=200, required=False, help_text="A room, if any.")
    call_link = forms.CharField(
        max_length=200, required=False, help_text="The video call's address, starting with https://."
    )
    attendees = PeopleField(queryset=User.objects.none(), required=False, help_text="Members are invited anyway.")
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = pickable_people()
        self.fields["attendees"].widget.attrs["size"] = 8

    @staticmethod
    def initial_of(meeting: Meeting) -> dict:
        return {
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "call_link": meeting.call_link,
            "attendees": list(meeting.attendees.values_list("pk", flat=True)),
            "version": meeting.version,
        }


class DecideForm(forms.Form):
    """The committee's decision on one item; for an intake request, who runs the project if approved."""

    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Decision note", widget=forms.Textarea(attrs=TEXTAREA), help_text="What was decided and why."
    )
    owner = PersonChoiceField(label="Project owner", queryset=User.objects.none(), required=False)
    marketing_sponsor = PersonChoiceField(queryset=User.objects.none(), required=False)
    it_sponsor = PersonChoiceField(label="IT sponsor", queryset=User.objects.none(), required=False)
    it_lead = PersonChoiceField(label="IT lead", queryset=User.objects.none(), required=False)
    target_launch = forms.DateField(
        label="Target launch date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    APPROVAL = ("owner", "marketing_sponsor", "it_sponsor", "it_lead", "target_launch")

    def __init__(self, *args, item: AgendaItem, people=None, **kwargs):
        kwargs.setdefault("prefix", f"item-{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item
        if item.kind != ItemKind.INTAKE:
            for name in self.APPROVAL:
                del self.fields[name]
            self.fields["decision"].choices = [(Decision.NOTE, "Note"), (Decision.DEFER, "Defer")] + [
                c for c in Decision.choices if c[0] in (Decision.APPROVE, Decision.REJECT)
            ]
            return
        everyone = pickable_people()
        self.fields["owner"].queryset = everyone
        self.fields["marketing_sponsor"].queryset = everyone.on_side(Side.MARKETING)
        self.fields["it_sponsor"].queryset = everyone.on_side(Side.IT)
        self.fields["it_lead"].queryset = everyone.on_side(Side.IT)
        if people is not None:  # the page's many forms share one read of the people (validation still queries)
            sides = {"owner": None, "marketing_sponsor": Side.MARKETING, "it_sponsor": Side.IT, "it_lead": Side.IT}
            for name, side in sides.items():
                _list_choices(self.fields[name], [p for p in people if side is None or p.side == side])
        if item.intake_request is not None and not self.is_bound:
            self.initial.setdefault("owner", item.intake_request.requester_id)

    def approval(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.APPROVAL if name in self.fields}


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}), required=False, help_text="What was discussed and agreed."
    )
    version = version_field()


class ActionForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA), label="What is to be done")
    owner = PersonChoiceField(queryset=User.objects.none(), label="Owner")
    due = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), required=False, label="On agenda item")

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = pickable_people()
        self.fields["item"].queryset = meeting.items.order_by("position")
        self.fields["item"].label_from_instance = lambda item: f"{item.position}. {item.title}"
