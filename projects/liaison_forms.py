"""The form that names both sides' liaisons (the organization's or a project's)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from governance.models import Side, User
from projects.forms import PersonChoiceField
from projects.liaisons import people_of_side


class LiaisonsForm(forms.Form):
    """One dropdown per side: active people of that side (plus whoever holds it now,
    so a page never silently drops them). Empty: nobody (a project then falls back
    to the organization's)."""

    marketing = PersonChoiceField(queryset=User.objects.none(), required=False, label="Marketing liaison")
    it = PersonChoiceField(queryset=User.objects.none(), required=False, label="IT liaison")

    def __init__(self, *args, current: dict[str, User | None], fallback: dict[str, User | None] | None = None, **kw):
        kw.setdefault("initial", {side: person for side, person in current.items() if person is not None})
        super().__init__(*args, **kw)
        for side in Side.values:
            people = people_of_side(side)
            holder = current.get(side)
            if holder is not None:
                people = people | User.objects.filter(pk=holder.pk)
            field = self.fields[side]
            field.queryset = people.by_name()
            organization = (fallback or {}).get(side)
            if fallback is None:
                field.empty_label = "— nobody named —"
                field.help_text = f"Someone on the {Side(side).label} side who speaks for it to the other side."
            else:
                name = organization.display_name if organization else "nobody named"
                field.empty_label = f"— the organization's ({name}) —"
                field.help_text = f"Empty: the organization's {Side(side).label} liaison speaks for this project."
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save the liaisons"))

    def people(self) -> dict[str, User | None]:
        """What to save, by side (None: clear)."""
        return {side: self.cleaned_data.get(side) for side in Side.values}
