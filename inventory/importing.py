"""Reading a CSV of tools for ``services.tools_import``: the columns, the file, and each row's values and errors.

Every row is parsed and checked before anything is written; the service writes
only when no row has an error. Row numbers are the spreadsheet's: the header is
row 1, the first tool row 2.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from governance.models import Side, User
from inventory.models import Tool, ToolCategory, ToolStatus

MAX_BYTES = 512 * 1024
MAX_ROWS = 1000
MAX_COST = Decimal("9999999999.99")  # Decimal(12, 2)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str


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
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLAIN_NUMBER = re.compile(r"^\d+(\.\d{1,2})?$")
GROUPED_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")


def header_key(text: str) -> str:
    """ "Business owner" → business_owner."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The file's rows as dicts by column (a blank line is an empty dict, so
    that the list index + 2 is the row number). Refuses a file that is not a
    CSV of these columns, with a message saying what to fix."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.") from None
    if "\x00" in text:
        raise ValidationError("The file contains a NUL character: it is not a CSV text file.")
    lines = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise ValidationError("The file is empty: its first row must name the columns (download the template).")
    header = [header_key(cell) for cell in lines[0]]
    _check_header(header)
    rows = [_row(header, line) for line in lines[1:]]
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
    return rows


EXTRA = "__extra_cells__"  # how many filled cells a row has past the last column


def _row(header: list[str], line: list[str]) -> dict[str, str]:
    if not any(cell.strip() for cell in line):
        return {}
    row = dict(zip(header, (cell.strip() for cell in line), strict=False))
    extra = sum(1 for cell in line[len(header) :] if cell.strip())
    if extra:
        row[EXTRA] = str(extra)
    return row


def _delimiter(text: str) -> str:
    """Commas, or the semicolons a spreadsheet writes where the comma is the decimal mark."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name and name not in COLUMN_NAMES]
    missing = [name for name in REQUIRED if name not in header]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
    if unknown:
        problems.append(f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
    if repeated:
        problems.append(f"Repeated column{'s' if len(repeated) > 1 else ''}: {', '.join(repeated)}.")
    if problems:
        raise ValidationError(" ".join(problems) + f" The columns are: {', '.join(COLUMN_NAMES)}.")


@dataclass
class ParsedRow:
    """One row of the file: what it says, the values it gives a tool, and what is wrong with it."""

    number: int
    raw: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.raw.get("name", "").lower(), self.raw.get("vendor", "").lower())


@dataclass
class Lookups:
    """What the rows are checked against, read once for the whole file (three queries)."""

    categories: dict[str, ToolCategory]
    people: dict[str, list[User]]
    live_tools: dict[tuple[str, str], Tool]

    @classmethod
    def read(cls, rows: list[dict[str, str]]) -> "Lookups":
        categories = {}
        for category in ToolCategory.objects.filter(is_active=True):
            categories[category.name.lower()] = category
            categories[category.slug.lower()] = category
        wanted = {row.get(c, "").lower() for row in rows for c in ("business_owner", "it_owner")} - {""}
        people: dict[str, list[User]] = {}
        if wanted:
            found = (
                User.objects.filter(is_active=True)
                .annotate(username_lower=Lower("username"), email_lower=Lower("email"))
                .filter(Q(username_lower__in=wanted) | Q(email_lower__in=wanted))
            )
            for person in found:
                for key in {person.username.lower(), person.email.lower()} & wanted:
                    people.setdefault(key, []).append(person)
        live = Tool.objects.exclude(status=ToolStatus.RETIRED).only("pk", "name", "vendor", "status")
        return cls(categories, people, {(t.name.lower(), t.vendor.lower()): t for t in live})

    def category_names(self) -> str:
        return ", ".join(sorted({c.name for c in self.categories.values()}, key=str.lower))


def parse_rows(rows: list[dict[str, str]]) -> list[ParsedRow]:
    """Every non-blank row, parsed and checked (unknown category, bad date or
    cost, unknown owner, duplicate in the file or of a tool in the stack)."""
    lookups = Lookups.read(rows)
    parsed, seen = [], {}
    for index, raw in enumerate(rows):
        if not any(value for value in raw.values()):
            continue
        row = ParsedRow(number=index + 2, raw=raw)
        if raw.get(EXTRA):
            row.errors.append(
                f"This row has {raw[EXTRA]} more cell(s) than the header has columns: "
                "a value with a comma in it needs quotes."
            )
        _parse_fields(row, lookups)
        if row.values.get("status") != ToolStatus.RETIRED and all(row.key):
            _check_duplicate(row, seen, lookups)
        parsed.append(row)
    return parsed


def _check_duplicate(row: ParsedRow, seen: dict, lookups: Lookups) -> None:
    name, vendor = row.raw.get("name"), row.raw.get("vendor")
    if row.key in seen:
        row.errors.append(f"Duplicate: “{name}” by {vendor} is already on row {seen[row.key]} of this file.")
    else:
        seen[row.key] = row.number
    existing = lookups.live_tools.get(row.key)
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
    values["renewal_date"] = _parse_date(raw.get("renewal_date", ""), errors)
    customer = raw.get("holds_customer_data", "").lower()
    if customer not in TRUE_WORDS | FALSE_WORDS:
        errors.append(f"Holds customer data: “{raw['holds_customer_data']}” is not yes or no.")
    values["holds_customer_data"] = customer in TRUE_WORDS
    values["business_owner"] = _parse_person(raw.get("business_owner", ""), "Business owner", errors, lookups)
    values["it_owner"] = _parse_person(raw.get("it_owner", ""), "IT owner", errors, lookups)
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


def _parse_date(text: str, errors: list[str]) -> date | None:
    if not text:
        return None
    if not ISO_DATE.match(text):
        errors.append(f"Renewal date: “{text}” is not a date written YYYY-MM-DD (e.g. 2027-03-14).")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"Renewal date: “{text}” is not a real date.")
        return None


def _parse_person(text: str, label: str, errors: list[str], lookups: Lookups) -> User | None:
    if not text:
        return None
    found = lookups.people.get(text.lower(), [])
    if not found:
        errors.append(f"{label}: nobody active in Tandem has the username or e-mail address “{text}”.")
        return None
    if len(found) > 1:
        errors.append(f"{label}: “{text}” matches several people; use their username.")
        return None
    return found[0]


def template_rows() -> list[list[str]]:
    """The template's rows: the header only (the page lists the columns with an example)."""
    return [COLUMN_NAMES]
