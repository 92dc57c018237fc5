"""Importing projects from a CSV file (``projects.importing`` reads and checks the rows)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from common.csv_import import ImportResult
from governance.models import User
from projects import access, importing
from projects.services import project_create


class _Undo(Exception):
    """Raised inside the transaction to roll back every project of a file with a refused row."""


def projects_import(*, actor: User, rows: list[dict[str, str]], dry_run: bool) -> ImportResult:
    """Import projects from CSV rows (``importing.read_csv``): parse and check every
    row first (unknown person, a sponsor or IT lead on the wrong side, an owner the
    actor may not name, a duplicate name in the file or among the projects the actor
    sees, a bad date or side) and write nothing unless every row is valid; then
    create each project, with its ten steps, through ``projects.services.project_create``
    (the same rules and access as the "New project" page), all in one transaction:
    a row refused at that point undoes the whole file. ``dry_run``: check only (the
    preview). A file with no project rows is refused.

    Who: anyone active (``access.can_create_project``), each project owned by
    themselves; owned by someone else, executives and administrators.
    """
    access.require(actor, None, access.can_create_project(actor), "Only active people create projects.")
    result = ImportResult(importing.parse_rows(rows, actor=actor))
    if not result.rows:
        raise ValidationError("The file has no project rows under its header.")
    if dry_run or not result.valid:
        return result
    created = []
    try:
        with transaction.atomic():
            for row in result.rows:
                values = {**row.values, "owner": row.values["owner"] or actor}
                try:
                    created.append(project_create(actor=actor, **values))
                except ValidationError as error:
                    row.errors.extend(error.messages)
                except PermissionDenied as refusal:
                    row.errors.append(str(refusal))
            if not result.valid:
                raise _Undo
    except _Undo:
        return result
    result.created = created
    return result
