"""The shared part of every CSV import (the stack's tools, projects): reading the
file, the columns, each row's number and errors, people by username or e-mail,
dates, and the signed preview carried from the preview to the confirmation.

The pattern: upload → ``read_csv`` → the app parses and checks every row
(a dry run, nothing written) → the preview page shows each row with its errors
and, only when every row is valid, a confirmation form carrying the rows signed
for this person (``sign_rows``) → the confirmation reads them back
(``unsign_rows``: refused when altered, expired after an hour, or posted by
someone else), checks every row again and writes them all in one transaction.

Row numbers are the spreadsheet's: the header is row 1, the first data row 2.
Knows no app: people are read through ``get_user_model()``.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

MAX_BYTES = 512 * 1024
PREVIEW_MAX_AGE = 60 * 60  # a preview may be confirmed for an hour
EXTRA = "__extra_cells__"  # how many filled cells a row has past the last column
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str


def header_key(text: str) -> str:
    """ "Business owner" → business_owner."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def read_csv(data: bytes, columns: list[Column], *, max_rows: int, max_bytes: int = MAX_BYTES) -> list[dict[str, str]]:
    """The file's rows as dicts by column (a blank line is an empty dict, so
    that the list index + 2 is the row number). Refuses a file that is not a
    CSV of these columns, or has more than ``max_rows`` rows, with a message saying what to fix."""
    if len(data) > max_bytes:
        raise ValidationError(f"The file is larger than {max_bytes // 1024} KB; split it into smaller files.")
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
    _check_header(header, columns)
    rows = [_row(header, line) for line in lines[1:]]
    if len(rows) > max_rows:
        raise ValidationError(f"The file has {len(rows)} rows; import at most {max_rows} at a time.")
    return rows


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


def _check_header(header: list[str], columns: list[Column]) -> None:
    names = [c.name for c in columns]
    unknown = [name for name in header if name and name not in names]
    missing = [c.name for c in columns if c.required and c.name not in header]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
    if unknown:
        problems.append(f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
    if repeated:
        problems.append(f"Repeated column{'s' if len(repeated) > 1 else ''}: {', '.join(repeated)}.")
    if problems:
        raise ValidationError(" ".join(problems) + f" The columns are: {', '.join(names)}.")


def template_rows(columns: list[Column]) -> list[list[str]]:
    """A template file's rows: the header only (the import page lists the columns with an example)."""
    return [[c.name for c in columns]]


# --- Rows ------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    """One row of the file: what it says, the values it gives, and what is wrong with it."""

    number: int
    raw: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def data_rows(rows: list[dict[str, str]]) -> list[ParsedRow]:
    """Every non-blank row as a ``ParsedRow`` numbered as in the spreadsheet, with the
    error of a row that has more cells than the header has columns."""
    parsed = []
    for index, raw in enumerate(rows):
        if not any(value for value in raw.values()):
            continue
        row = ParsedRow(number=index + 2, raw=raw)
        if raw.get(EXTRA):
            row.errors.append(
                f"This row has {raw[EXTRA]} more cell(s) than the header has columns: "
                "a value with a comma in it needs quotes."
            )
        parsed.append(row)
    return parsed


@dataclass
class ImportResult:
    """Every row of the file with its errors; ``created`` what was written (nothing unless every row was valid)."""

    rows: list
    created: list = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)


class People:
    """Active people named in some columns of the rows, by username or e-mail (any
    case), read in one query for the whole file."""

    def __init__(self, rows: list[dict[str, str]], columns: tuple[str, ...]):
        wanted = {row.get(c, "").lower() for row in rows for c in columns} - {""}
        self.found: dict[str, list] = {}
        if not wanted:
            return
        people = (
            get_user_model()
            .objects.filter(is_active=True)
            .annotate(username_lower=Lower("username"), email_lower=Lower("email"))
            .filter(Q(username_lower__in=wanted) | Q(email_lower__in=wanted))
        )
        for person in people:
            for key in {person.username.lower(), person.email.lower()} & wanted:
                self.found.setdefault(key, []).append(person)

    def find(self, text: str, label: str, errors: list[str]):
        """The one active person ``text`` names (None when empty), or None with an error."""
        if not text:
            return None
        found = self.found.get(text.lower(), [])
        if not found:
            errors.append(f"{label}: nobody active in Tandem has the username or e-mail address “{text}”.")
            return None
        if len(found) > 1:
            errors.append(f"{label}: “{text}” matches several people; use their username.")
            return None
        return found[0]


def parse_date(text: str, label: str, errors: list[str]) -> date | None:
    """A date written YYYY-MM-DD (None when empty), or None with an error."""
    if not text:
        return None
    if not ISO_DATE.match(text):
        errors.append(f"{label}: “{text}” is not a date written YYYY-MM-DD (e.g. 2027-03-14).")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"{label}: “{text}” is not a real date.")
        return None


# --- The signed preview --------------------------------------------------------------------


def sign_rows(rows: list[dict], *, salt: str, user_pk: int) -> str:
    """The file's rows, signed for this person, carried by the preview to the confirmation."""
    return signing.dumps(rows, salt=f"{salt}:{user_pk}", compress=True)


def unsign_rows(payload: str, *, salt: str, user_pk: int, max_age: int = PREVIEW_MAX_AGE) -> list[dict] | None:
    """The rows ``sign_rows`` signed for this person, or None when the payload was
    altered, has expired, or was signed for someone else."""
    try:
        rows = signing.loads(payload, salt=f"{salt}:{user_pk}", max_age=max_age)
    except signing.BadSignature:  # altered, expired, or someone else's
        return None
    return rows if isinstance(rows, list) and all(isinstance(row, dict) for row in rows) else None


class CsvUploadForm(forms.Form):
    """The upload step: one CSV file."""

    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, comma- or semicolon-separated, at most {MAX_BYTES // 1024} KB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("preview", "Preview the import"))
