"""The framework editor's form: one letter per step and role, and the two named people."""

from django import forms
from django.db.models import Q

from governance.models import User
from projects.lifecycle import LIFECYCLE
from raci.framework import ORGANIZATION_ROLES, Letters, role_label
from raci.framework_services import FrameworkError, StaleFramework
from raci.models import FrameworkRole, Role

LETTER_CHOICES = [("", "—"), *list(Role.choices)]
EMPTY = "-"  # an empty cell in the "as opened" string


def cell_name(number: int, role: str) -> str:
    return f"cell-{number}-{role}"


def person_name(post: str) -> str:
    return f"person-{post}"


def cell_keys() -> list[tuple[int, str]]:
    """Every (step number, framework role) the editor shows, in page order."""
    return [(step.number, role) for step in LIFECYCLE for role in FrameworkRole.values]


def as_opened(letters: Letters) -> str:
    """The framework's letters as one string, one character per cell in page
    order: posted back, so a stale save can tell the user's changes from the rest."""
    return "".join(letters.get(key, "") or EMPTY for key in cell_keys())


class FrameworkForm(forms.Form):
    """The whole framework on one page. ``letters`` and ``organization`` are
    the framework as it is now (``raci.framework``), shown as the initial values."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, letters: Letters, organization: dict[str, User | None], version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.step_errors: dict[int, list[str]] = {}
        self.fields["version"].initial = version
        self.fields["opened"].initial = as_opened(letters) + "|" + self._people_opened(organization)
        for number, role in cell_keys():
            self.fields[cell_name(number, role)] = forms.ChoiceField(
                choices=LETTER_CHOICES,
                required=False,
                initial=letters.get((number, role), ""),
                label=f"{FrameworkRole(role).label}, step {number}",
            )
        named = [user.pk for user in organization.values() if user is not None]
        people = User.objects.filter(Q(is_active=True) | Q(pk__in=named)).order_by(
            "first_name", "last_name", "username"
        )
        for post in ORGANIZATION_ROLES:
            self.fields[person_name(post)] = forms.ModelChoiceField(
                queryset=people,
                required=False,
                initial=organization.get(post),
                empty_label="Nobody named yet",
                label=f"The organization's {role_label(post)} person",
            )

    @staticmethod
    def _people_opened(organization: dict[str, User | None]) -> str:
        return ",".join(str(organization[p].pk) if organization.get(p) else "" for p in ORGANIZATION_ROLES)

    def entries(self) -> dict[tuple[int, str], str]:
        return {(number, role): self.cleaned_data[cell_name(number, role)] for number, role in cell_keys()}

    def people(self) -> dict[str, User | None]:
        return {post: self.cleaned_data[person_name(post)] for post in ORGANIZATION_ROLES}

    def show_refusal(self, error: FrameworkError) -> None:
        """Put the service's messages next to the cells, steps and people at fault."""
        for (number, role), messages in error.cell_errors.items():
            for message in messages:
                self.add_error(cell_name(number, role), message)
        for post, messages in error.people_errors.items():
            for message in messages:
                self.add_error(person_name(post), message)
        self.step_errors = {number: list(messages) for number, messages in error.step_errors.items()}
        if not isinstance(error, StaleFramework):
            for message in error.general:
                self.add_error(None, message)

    def mine(self) -> tuple[dict[tuple[int, str], str], dict[str, str]]:
        """The cells and people this user changed from the page as opened
        (everything, when the "as opened" value is missing or garbled)."""
        raw = self.data.get("opened", "")
        letters_part, _, people_part = raw.partition("|")
        keys = cell_keys()
        opened_people = people_part.split(",")
        ok = len(letters_part) == len(keys) and len(opened_people) == len(ORGANIZATION_ROLES)
        cells, people = {}, {}
        for index, key in enumerate(keys):
            value = self.data.get(cell_name(*key), "")
            before = letters_part[index] if ok else None
            if not ok or value != ("" if before == EMPTY else before):
                cells[key] = value
        for index, post in enumerate(ORGANIZATION_ROLES):
            value = self.data.get(person_name(post), "")
            if not ok or value != opened_people[index]:
                people[post] = value
        return cells, people
