"""The project list's search, filters and sort, all read from the URL (nothing is remembered elsewhere).

* ``q`` searches the name, the business problem and the people: owner, sponsors, IT lead and anyone
  holding a RACI role. Every word must match one of them (``maya crm``: Maya's projects about a CRM).
* ``status``, ``side`` (the side owning the budget), ``sponsor`` (either sponsor) and ``mine`` (projects
  the viewer owns, sponsors, leads or holds a role in) narrow the list.
* ``sort`` orders it by any column (``-key``: descending); an unknown key falls back to the name.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import QueryDict

from governance.models import Side, User
from projects.models import LifecycleStep, Project, ProjectStatus

SEARCH_MAX_LENGTH = 200
# A search of more words than this uses the first ones (each word is one more condition).
SEARCH_MAX_WORDS = 8
# The annotation the caller adds for the "Accountability" column (steps without an Accountable person).
UNOWNED = "unowned_count"
PEOPLE = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")


def _status_rank():
    return Case(
        *[When(status=value, then=Value(rank)) for rank, value in enumerate(ProjectStatus.values)],
        output_field=IntegerField(),
    )


def _side_rank():
    return Case(When(budget_owner_side=Side.MARKETING, then=Value(0)), default=Value(1), output_field=IntegerField())


def _names(*people: str) -> list:
    return [Lower(f"{person}__{part}") for person in people for part in ("first_name", "last_name")]


@dataclass(frozen=True)
class Sort:
    """One column's sort: its title, how the two directions read, what it orders by."""

    title: str
    ascending: str
    descending: str
    fields: tuple  # expressions or field names, nulls last in either direction
    starts_descending: bool = False  # a first click on the column head


SORTS: dict[str, Sort] = {
    "name": Sort("Project", "A to Z", "Z to A", (Lower("name"),)),
    "status": Sort("Status", "active first", "cancelled first", (_status_rank(),)),
    "owner": Sort("Owner", "A to Z", "Z to A", tuple(_names("owner"))),
    "it_lead": Sort("IT lead", "A to Z", "Z to A", tuple(_names("it_lead"))),
    "sponsor": Sort("Sponsors", "A to Z", "Z to A", tuple(_names("marketing_sponsor", "it_sponsor"))),
    "side": Sort("Budget owner", "Marketing first", "IT first", (_side_rank(),)),
    "target": Sort("Target launch", "soonest first", "latest first", ("target_launch",)),
    "unowned": Sort("Accountability", "fewest unowned steps first", "most unowned steps first", (UNOWNED,), True),
}
DEFAULT_SORT = "name"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``(key, descending)`` from ``key`` or ``-key``; anything unknown is the default."""
    value = (value or "").strip()
    key = value.removeprefix("-")
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, value.startswith("-")


def sort_choices() -> list[tuple[str, str]]:
    """Every column in both directions, for the form's "Sort by" (a phone hides the column heads)."""
    choices = []
    for key, sort in SORTS.items():
        choices.append((key, f"{sort.title}, {sort.ascending}"))
        choices.append((f"-{key}", f"{sort.title}, {sort.descending}"))
    return choices


def _ordering(field, descending: bool):
    expression = F(field) if isinstance(field, str) else field
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


def ordered(queryset: QuerySet[Project], value: str | None) -> QuerySet[Project]:
    """``queryset`` in the order ``value`` names (ties by name, then id). The Accountability column
    needs the ``unowned_count`` annotation; without it that sort is the default one."""
    key, descending = parse_sort(value)
    if key == "unowned" and UNOWNED not in queryset.query.annotations:
        key, descending = DEFAULT_SORT, False
    order = [_ordering(field, descending) for field in SORTS[key].fields]
    return queryset.order_by(*order, Lower("name"), "pk")


def involving(user: User) -> Q:
    """Projects ``user`` owns, sponsors, leads on the IT side or holds a RACI role in."""
    holds_role = LifecycleStep.objects.filter(project=OuterRef("pk"), assignments__user=user)
    return Q(owner=user) | Q(marketing_sponsor=user) | Q(it_sponsor=user) | Q(it_lead=user) | Exists(holds_role)


def _word_matches(word: str) -> Q:
    """The project's name, problem or one of its people mentions ``word``."""
    people = Q()
    for person in PEOPLE:
        people |= (
            Q(**{f"{person}__first_name__icontains": word})
            | Q(**{f"{person}__last_name__icontains": word})
            | Q(**{f"{person}__username__iexact": word})
        )
    role_holder = LifecycleStep.objects.filter(project=OuterRef("pk")).filter(
        Q(assignments__user__first_name__icontains=word)
        | Q(assignments__user__last_name__icontains=word)
        | Q(assignments__user__username__iexact=word)
    )
    return Q(name__icontains=word) | Q(problem__icontains=word) | people | Exists(role_holder)


class ProjectFilter(django_filters.FilterSet):
    """The project list's form; the queryset it narrows comes from ``projects.access`` already
    restricted to ``viewer``. A value that is refused (a term that is too long or holds a NUL
    character, a sponsor who sponsors nothing the viewer sees) is a form error and the list is
    empty rather than silently unfiltered."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        # A longer term matches nothing anyway, and SQLite refuses a LIKE
        # pattern of tens of thousands of characters: a form error instead.
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "Name, problem or person", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, empty_label="Any status")
    side = django_filters.ChoiceFilter(
        field_name="budget_owner_side", choices=Side.choices, label="Budget owner", empty_label="Either side"
    )
    sponsor = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), method="sponsored_by", label="Sponsor", empty_label="Any sponsor"
    )
    mine = django_filters.BooleanFilter(method="only_mine", label="Only my projects", widget=forms.CheckboxInput)

    class Meta:
        model = Project
        fields = ["q", "status", "side", "sponsor", "mine"]

    def __init__(self, data=None, queryset=None, *, viewer: User, sponsors: QuerySet[User], **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.viewer = viewer
        self.filters["sponsor"].queryset = sponsors

    @property
    def qs(self):
        # A refused value filters to nothing rather than silently to everything. The sort is never
        # refused: an unknown one is the default order.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return ordered(super().qs, self.sort_value)

    @property
    def filtered(self) -> bool:
        """Whether any filter (not the sort) narrows the list."""
        data = self.data or {}
        return any(data.get(name) for name in ("q", "status", "side", "sponsor", "mine"))

    @property
    def sort_value(self) -> str:
        key, descending = parse_sort((self.data or {}).get("sort"))
        return f"-{key}" if descending else key

    @property
    def sort_choices(self) -> list[tuple[str, str]]:
        return sort_choices()

    def sort_columns(self) -> dict[str, dict]:
        """Per sortable column: the query string its head links to (the other direction when it is
        the current sort; filters kept, page dropped) and its ``aria-sort`` value."""
        current, descending = parse_sort(self.sort_value)
        columns = {}
        for key, sort in SORTS.items():
            params = self.data.copy() if self.data else QueryDict(mutable=True)
            params.pop("page", None)
            down = not descending if key == current else sort.starts_descending
            params["sort"] = f"-{key}" if down else key
            state = ("descending" if descending else "ascending") if key == current else None
            columns[key] = {"title": sort.title, "query": params.urlencode(), "aria_sort": state}
        return columns

    def search(self, queryset, name, value):
        words = value.split()[:SEARCH_MAX_WORDS]
        for word in words:
            queryset = queryset.filter(_word_matches(word))
        return queryset

    def sponsored_by(self, queryset, name, value):
        return queryset.filter(Q(marketing_sponsor=value) | Q(it_sponsor=value))

    def only_mine(self, queryset, name, value):
        return queryset.filter(involving(self.viewer)) if value else queryset


def sponsors_of(projects: QuerySet[Project]) -> QuerySet[User]:
    """Everyone sponsoring one of ``projects``, by name: the sponsor filter's choices."""
    ids = projects.order_by()
    return User.objects.filter(Q(pk__in=ids.values("marketing_sponsor")) | Q(pk__in=ids.values("it_sponsor"))).order_by(
        Lower("first_name"), Lower("last_name"), "pk"
    )
