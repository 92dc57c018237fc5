"""Reading a CSV of projects for ``projects.import_services.projects_import``: the
columns, and each row's values and errors. The file itself, people by username or
e-mail, dates and the signed preview are ``common.csv_import``'s (shared with the
stack's tool import).

Every row is parsed and checked before anything is written: the same rules as a
project created on its page (``projects.services.validate_people`` for the
sides of the sponsors and the IT lead, ``access.can_create_project`` for the
owner), plus a duplicate name in the file or among the projects the importer
can see.
"""

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from common import csv_import
from common.csv_import import Column, ParsedRow, People, parse_date
from governance.models import Side, User
from projects import access
from projects.services import validate_people

MAX_ROWS = 200
NAME_LIMIT = 200

COLUMNS = [
    Column("name", True, "The project's name.", "Loyalty programme"),
    Column("problem", True, "The business problem: what is wrong today, for customers or the business?", "Repeat buyers get nothing for coming back."),
    Column("owner", False, "A username or e-mail address; empty: you. Only executives and administrators name someone else.", ""),
    Column("marketing_sponsor", False, "Someone on the Marketing side (Marketing or Marketing Ops); may be empty.", "cmo"),
    Column("it_sponsor", False, "Someone in IT; may be empty.", "cio"),
    Column("it_lead", False, "Someone in IT; may be empty.", "itlead"),
    Column("budget_owner_side", False, "marketing or it; empty: marketing.", "marketing"),
    Column("requirements_side", False, "Who leads step 3, Define the requirements: marketing or it; empty: marketing.", "it"),
    Column("target_launch", False, "YYYY-MM-DD, e.g. 2027-03-14; may be empty.", "2027-03-14"),
]  # fmt: skip
PEOPLE_COLUMNS = ("owner", "marketing_sponsor", "it_sponsor", "it_lead")
SIDE_WORDS = {
    **{label.lower(): value for value, label in Side.choices},
    **{v: v for v in Side.values},
    "": Side.MARKETING,
}
LABELS = {
    "owner": "Owner",
    "marketing_sponsor": "Marketing sponsor",
    "it_sponsor": "IT sponsor",
    "it_lead": "IT lead",
    "budget_owner_side": "Budget owner side",
    "requirements_side": "Requirements side",
}


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The file's rows as dicts by column (``common.csv_import.read_csv`` with the project columns)."""
    return csv_import.read_csv(data, COLUMNS, max_rows=MAX_ROWS)


def template_rows() -> list[list[str]]:
    return csv_import.template_rows(COLUMNS)


def parse_rows(rows: list[dict[str, str]], *, actor: User) -> list[ParsedRow]:
    """Every non-blank row, parsed and checked for ``actor`` (two queries: the people
    named, and the names of the projects ``actor`` can see that the file repeats)."""
    people = People(rows, PEOPLE_COLUMNS)
    names = {row.get("name", "").lower() for row in rows} - {""}
    visible = access.visible_projects(actor).annotate(name_lower=Lower("name")).filter(name_lower__in=names)
    existing = dict(visible.values_list("name_lower", "name"))
    parsed, seen = csv_import.data_rows(rows), {}
    for row in parsed:
        _parse_fields(row, people, actor)
        _check_duplicate(row, seen, existing)
    return parsed


def _check_duplicate(row: ParsedRow, seen: dict[str, int], existing: dict[str, str]) -> None:
    key = row.raw.get("name", "").lower()
    if not key:
        return
    if key in seen:
        row.errors.append(f"Duplicate: “{row.raw['name']}” is already on row {seen[key]} of this file.")
    else:
        seen[key] = row.number
    if key in existing:
        row.errors.append(f"Duplicate: a project named “{existing[key]}” already exists.")


def _parse_fields(row: ParsedRow, people: People, actor: User) -> None:
    raw, values, errors = row.raw, row.values, row.errors
    values["name"] = raw.get("name", "")
    if not values["name"]:
        errors.append("Name is missing.")
    elif len(values["name"]) > NAME_LIMIT:
        errors.append(f"Name is longer than {NAME_LIMIT} characters.")
    values["problem"] = raw.get("problem", "")
    if not values["problem"]:
        errors.append("Problem is missing: say what is wrong today.")
    for name in PEOPLE_COLUMNS:
        values[name] = people.find(raw.get(name, ""), LABELS[name], errors)
    for name in ("budget_owner_side", "requirements_side"):
        text = raw.get(name, "")
        values[name] = SIDE_WORDS.get(text.lower())
        if values[name] is None:
            errors.append(f"{LABELS[name]}: “{text}” is not marketing or it.")
    values["target_launch"] = parse_date(raw.get("target_launch", ""), "Target launch", errors)
    _check_rules(values, errors, actor)


def _check_rules(values: dict, errors: list[str], actor: User) -> None:
    """The rules ``project_create`` applies, as row errors: who may own it, the people's sides."""
    owner = values["owner"]
    if owner is not None and not access.can_create_project(actor, owner=owner):
        errors.append(
            f"Owner: only executives and administrators create a project for someone else ({owner.display_name})."
        )
    try:
        validate_people(
            marketing_sponsor=values["marketing_sponsor"], it_sponsor=values["it_sponsor"], it_lead=values["it_lead"]
        )
    except ValidationError as error:
        errors.extend(error.messages)  # they name the role: "The IT lead must be in IT."
