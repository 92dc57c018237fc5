"""Reading a CSV of tools for ``services.tools_import``: the columns, the file, and each row's values and errors.

Every row is parsed and checked before anything is written; the service writes
only when no row has an error. Row numbers are the spreadsheet's: the header is
row 1, the first tool row 2.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from common import csv_import
from common.csv_import import Column, ParsedRow, People, parse_date
from governance.models import Side
from inventory.models import Tool, ToolCategory, ToolStatus

MAX_BYTES = csv_import.MAX_BYTES
MAX_ROWS = 1000
MAX_COST = Decimal("9999999999.99")  # Decimal(12, 2)


COLUMNS = [
    Column("name", True, "The tool's name.", "HubSpot Marketing Hub"),
    Column("vendor", True, "Who sells it.", "HubSpot"),
    Column("category", True, "One of the categories below, by name (any case).", "Marketing automation"),
    Column("owner_side", False, "marketing or it; empty: marketing.", "marketing"),
    Column("business_owner", False, "A Tandem username or e-mail address; may be empty.", "mops"),
    Column("it_owner", False, "A username or e-mail address of someone in IT; may be empty.", "itlead"),
    Column("yearly_cost", False, "Euros a year, e.g. 36000 or 36,000.50; may be empty.", "36000"),
    Column("renewal_date", False, "YYYY-MM-DD, e.g. 2027-03-14; may be empty.", "2027-03-14"),
    Column("holds_customer_data", False, "yes or no; empty: no.", "yes"),
    Column("status", False, "in use, being retired or retired; empty: in use.", "in use"),
    Column("notes", False, "Anything else; may be empty.", ""),
]
COLUMN_NAMES = [c.name for c in COLUMNS]
REQUIRED = [c.name for c in COLUMNS if c.required]
TRUE_WORDS, FALSE_WORDS = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}
STATUS_WORDS = {
    **{label.lower(): value for value, label in ToolStatus.choices},
    **{value: value for value in ToolStatus.values},
    "": ToolStatus.IN_USE,
}
SIDE_WORDS = {
    **{label.lower(): value for value, label in Side.choices},
    **{v: v for v in Side.values},
    "": Side.MARKETING,
}
PLAIN_NUMBER = re.compile(r"^\d+(\.\d{1,2})?$")
GROUPED_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")


header_key = csv_import.header_key


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The file's rows as dicts by column (``common.csv_import.read_csv`` with the tool columns)."""
    return csv_import.read_csv(data, COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)


def _key(row: ParsedRow) -> tuple[str, str]:
    return (row.raw.get("name", "").lower(), row.raw.get("vendor", "").lower())


@dataclass
class Lookups:
    """What the rows are checked against, read once for the whole file (three queries)."""

    categories: dict[str, ToolCategory]
    people: People
    live_tools: dict[tuple[str, str], Tool]

    @classmethod
    def read(cls, rows: list[dict[str, str]]) -> "Lookups":
        categories = {}
        for category in ToolCategory.objects.filter(is_active=True):
            categories[category.name.lower()] = category
            categories[category.slug.lower()] = category
        people = People(rows, ("business_owner", "it_owner"))
        live = Tool.objects.exclude(status=ToolStatus.RETIRED).only("pk", "name", "vendor", "status")
        return cls(categories, people, {(t.name.lower(), t.vendor.lower()): t for t in live})

    def category_names(self) -> str:
        return ", ".join(sorted({c.name for c in self.categories.values()}, key=str.lower))


def parse_rows(rows: list[dict[str, str]]) -> list[ParsedRow]:
    """Every non-blank row, parsed and checked (unknown category, bad date or
    cost, unknown owner, duplicate in the file or of a tool in the stack)."""
    lookups = Lookups.read(rows)
    parsed, seen = csv_import.data_rows(rows), {}
    for row in parsed:
        _parse_fields(row, lookups)
        if row.values.get("status") != ToolStatus.RETIRED and all(_key(row)):
            _check_duplicate(row, seen, lookups)
    return parsed


def _check_duplicate(row: ParsedRow, seen: dict, lookups: Lookups) -> None:
    name, vendor = row.raw.get("name"), row.raw.get("vendor")
    key = _key(row)
    if key in seen:
        row.errors.append(f"Duplicate: “{name}” by {vendor} is already on row {seen[key]} of this file.")
    else:
        seen[key] = row.number
    existing = lookups.live_tools.get(key)
    if existing is not None:
        row.errors.append(
            f"Duplicate: “{existing.name}” by {existing.vendor} is already in the stack ({existing.get_status_display().lower()})."
        )


def _parse_fields(row: ParsedRow, lookups: Lookups) -> None:
    raw, values, errors = row.raw, row.values, row.errors
    for name, label, limit in (("name", "Name", 120), ("vendor", "Vendor", 120)):
        text = raw.get(name, "")
        if not text:
            errors.append(f"{label} is missing.")
        elif len(text) > limit:
            errors.append(f"{label} is longer than {limit} characters.")
        values[name] = text
    values["notes"] = raw.get("notes", "")
    _parse_category(raw.get("category", ""), values, errors, lookups)
    _parse_choice(raw.get("owner_side", ""), SIDE_WORDS, "owner_side", "Owning side", "marketing or it", values, errors)
    _parse_choice(
        raw.get("status", ""), STATUS_WORDS, "status", "Status", "in use, being retired or retired", values, errors
    )
    values["yearly_cost"] = _parse_cost(raw.get("yearly_cost", ""), errors)
    values["renewal_date"] = parse_date(raw.get("renewal_date", ""), "Renewal date", errors)
    customer = raw.get("holds_customer_data", "").lower()
    if customer not in TRUE_WORDS | FALSE_WORDS:
        errors.append(f"Holds customer data: “{raw['holds_customer_data']}” is not yes or no.")
    values["holds_customer_data"] = customer in TRUE_WORDS
    values["business_owner"] = lookups.people.find(raw.get("business_owner", ""), "Business owner", errors)
    values["it_owner"] = lookups.people.find(raw.get("it_owner", ""), "IT owner", errors)
    if values["it_owner"] is not None and values["it_owner"].side != Side.IT:
        errors.append(f"IT owner: {values['it_owner'].display_name} is not in IT.")


def _parse_category(text: str, values: dict, errors: list[str], lookups: Lookups) -> None:
    category = lookups.categories.get(text.lower())
    if not text:
        errors.append("Category is missing.")
    elif category is None:
        errors.append(f"Unknown category “{text}”. Use one of: {lookups.category_names()}.")
    values["category"] = category


def _parse_choice(text: str, words: dict, name: str, label: str, allowed: str, values: dict, errors: list) -> None:
    value = words.get(text.lower().replace("_", " ")) or words.get(text.lower())
    if value is None:
        errors.append(f"{label}: “{text}” is not one of {allowed}.")
    values[name] = value


def _parse_cost(text: str, errors: list[str]) -> Decimal | None:
    cleaned = text.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "").strip()
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        errors.append(f"Yearly cost: “{text}” is negative; a cost is 0 or more.")
        return None
    if not (PLAIN_NUMBER.match(cleaned) or GROUPED_NUMBER.match(cleaned)):
        errors.append(f"Yearly cost: “{text}” is not an amount; write it like 36000 or 36,000.50.")
        return None
    try:
        amount = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the patterns above admit only numbers
        errors.append(f"Yearly cost: “{text}” is not an amount.")
        return None
    if amount > MAX_COST:
        errors.append(f"Yearly cost: “{text}” is too large.")
        return None
    return amount


def template_rows() -> list[list[str]]:
    """The template's rows: the header only (the page lists the columns with an example)."""
    return csv_import.template_rows(COLUMNS)
