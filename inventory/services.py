"""Writes to the stack inventory: add, edit, retire and import tools, and the
tool a finished project brings in.

Each service taking ``actor`` refuses first, through ``projects.access``
(``can_manage_inventory``: administrators, executives, IT and Marketing Ops),
before it reads or writes anything else, and raises ``ValidationError`` with a
message per field a person can act on. The database holds the same rules
(``inventory.models``): a race the checks miss is still refused.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from common import csv_import
from governance.models import Side, User
from inventory import importing, selectors
from inventory.models import Tool, ToolCategory, ToolStatus
from projects import access
from projects.models import Project
from projects.services import StaleEdit

TOOL_FIELDS = (
    "name",
    "vendor",
    "category",
    "owner_side",
    "business_owner",
    "it_owner",
    "yearly_cost",
    "renewal_date",
    "holds_customer_data",
    "status",
    "project",
    "notes",
)
REFUSAL = "Only administrators, executives, IT and Marketing Ops change the stack inventory."
MAX_COST = importing.MAX_COST


def _require_manager(actor: User) -> None:
    access.require(actor, None, access.can_manage_inventory(actor), REFUSAL)


def _duplicate_message(tool: Tool) -> str:
    return (
        f"“{tool.name}” by {tool.vendor} is already in the stack ({tool.get_status_display().lower()}): "
        "edit that entry, or retire it first."
    )


def _field_errors(values: dict) -> dict[str, str]:
    """The checks that need no query: required text, lengths, choices, the cost."""
    errors = {}
    for name in ("name", "vendor"):
        if not (values.get(name) or "").strip():
            errors[name] = f"Give the tool's {name}."
        elif len(values[name].strip()) > 120:
            errors[name] = "At most 120 characters."
    for name in ("name", "vendor", "notes"):
        if "\x00" in (values.get(name) or ""):
            errors[name] = "This text contains a character that cannot be stored (NUL); remove it."
    if values.get("category") is None:
        errors["category"] = "Choose the tool's category."
    if values.get("owner_side") not in Side.values:
        errors["owner_side"] = "Choose Marketing or IT."
    if values.get("status") not in ToolStatus.values:
        errors["status"] = "Choose in use, being retired or retired."
    cost = values.get("yearly_cost")
    if cost is not None and not (Decimal(0) <= Decimal(cost) <= MAX_COST):
        errors["yearly_cost"] = "The yearly cost is 0 or more (and less than ten billion)."
    return errors


def _checked(actor: User, values: dict, *, changed: set[str], tool: Tool | None = None) -> None:
    """Every check of a tool about to be saved with ``values``; ``changed``: the fields being set
    (a person who left since, or a category made inactive since, blocks no unrelated edit)."""
    errors = _field_errors(values)
    category = values.get("category")
    if "category" in changed and category is not None and not category.is_active:
        errors["category"] = f"The category “{category.name}” is no longer in use; choose another."
    for name, label in (("business_owner", "business owner"), ("it_owner", "IT owner")):
        person = values.get(name)
        if name in changed and person is not None and not person.is_active:
            errors[name] = f"{person.display_name} is no longer active; choose another {label}."
    it_owner = values.get("it_owner")
    if "it_owner" in changed and it_owner is not None and it_owner.side != Side.IT and "it_owner" not in errors:
        errors["it_owner"] = "The IT owner must be in IT."
    project = values.get("project")
    if "project" in changed and project is not None and not access.can_view(actor, project):
        errors["project"] = "No such project."
    if not errors and values["status"] != ToolStatus.RETIRED:
        same = Tool.objects.exclude(status=ToolStatus.RETIRED).filter(
            name__iexact=values["name"].strip(), vendor__iexact=values["vendor"].strip()
        )
        duplicate = same.exclude(pk=tool.pk).first() if tool else same.first()
        if duplicate is not None:
            errors["name"] = _duplicate_message(duplicate)
    if errors:
        raise ValidationError(errors)


def _save(tool: Tool, actor: User | None) -> Tool:
    """Save inside a savepoint: a duplicate that slipped past the check (two saves at once) is a message."""
    tool._history_user = actor
    try:
        with transaction.atomic():
            tool.save()
    except IntegrityError:
        raise ValidationError({"name": f"“{tool.name}” by {tool.vendor} was just added by someone else."}) from None
    return tool


def tool_create(
    *,
    actor: User,
    name: str,
    vendor: str,
    category: ToolCategory | None,
    owner_side: str = Side.MARKETING,
    business_owner: User | None = None,
    it_owner: User | None = None,
    yearly_cost: Decimal | None = None,
    renewal_date=None,
    holds_customer_data: bool = False,
    status: str = ToolStatus.IN_USE,
    project: Project | None = None,
    notes: str = "",
) -> Tool:
    """Add a tool to the stack.

    Who: administrators, executives, IT and Marketing Ops (``access.can_manage_inventory``).
    """
    _require_manager(actor)
    values = {
        "name": name,
        "vendor": vendor,
        "category": category,
        "owner_side": owner_side,
        "business_owner": business_owner,
        "it_owner": it_owner,
        "yearly_cost": yearly_cost,
        "renewal_date": renewal_date,
        "holds_customer_data": holds_customer_data,
        "status": status,
        "project": project,
        "notes": notes,
    }
    _checked(actor, values, changed=set(TOOL_FIELDS))
    values["name"], values["vendor"] = name.strip(), vendor.strip()
    return _save(Tool(**values), actor)


@transaction.atomic
def tool_update(*, actor: User, tool: Tool, expected_version: int | None = None, **changes) -> Tool:
    """Change a tool's fields.

    ``expected_version`` is the ``selectors.tool_version`` the edit page was
    opened at: when one of its fields was changed since, nothing is written and
    ``StaleEdit`` says what (who, when, field: before → after), so a stale page
    never undoes someone's save.

    Who: administrators, executives, IT and Marketing Ops (``access.can_manage_inventory``).
    """
    _require_manager(actor)
    unknown = set(changes) - set(TOOL_FIELDS)
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))}")
    tool = Tool.objects.select_for_update().get(pk=tool.pk)  # serializes two saves: the check sees the other
    if expected_version is not None and expected_version != selectors.tool_version(tool):
        since = selectors.tool_changes_since(tool, expected_version, TOOL_FIELDS)
        if since:
            raise StaleEdit("tool", since, selectors.tool_version(tool))
    values = {name: getattr(tool, name) for name in TOOL_FIELDS} | changes
    _checked(actor, values, changed=set(changes), tool=tool)
    for name, value in changes.items():
        setattr(tool, name, value.strip() if name in ("name", "vendor") else value)
    return _save(tool, actor)


@transaction.atomic
def tool_retire(*, actor: User, tool: Tool) -> Tool:
    """Mark a tool retired: it leaves the overlaps, the totals and the renewals; its history stays.

    Who: administrators, executives, IT and Marketing Ops (``access.can_manage_inventory``).
    """
    _require_manager(actor)
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    if tool.status == ToolStatus.RETIRED:
        raise ValidationError(f"{tool.name} is already retired.")
    tool.status = ToolStatus.RETIRED
    return _save(tool, actor)


# Every row of the file with its errors, and the tools written (none unless every row was valid).
ImportResult = csv_import.ImportResult


def tools_import(*, actor: User, rows: list[dict[str, str]], dry_run: bool) -> ImportResult:
    """Import tools from CSV rows (``importing.read_csv``): parse and check every
    row first (unknown category, bad date or cost, unknown owner, duplicate in
    the file or of a tool in the stack) and write nothing unless every row is
    valid; then create them all in one transaction. ``dry_run``: check only
    (the preview). A file with no tool rows is refused.

    Who: administrators, executives, IT and Marketing Ops (``access.can_manage_inventory``).
    """
    _require_manager(actor)
    result = ImportResult(importing.parse_rows(rows))
    if not result.rows:
        raise ValidationError("The file has no tool rows under its header.")
    if dry_run or not result.valid:
        return result
    tools = []
    for row in result.rows:
        extra = _field_errors(row.values)  # the same checks as one tool at a time
        if extra:
            row.errors += list(extra.values())
        tools.append(Tool(**row.values))
    if not result.valid:
        return result
    try:
        with transaction.atomic():
            result.created = bulk_create_with_history(tools, Tool, default_user=actor)
    except IntegrityError:
        raise ValidationError(
            "One of these tools was added to the stack while you were importing; nothing was imported. "
            "Upload the file again to see which."
        ) from None
    return result


# --- The tool a finished project brings in --------------------------------------------------------------


def category_of_project(project: Project) -> ToolCategory | None:
    """The category of the intake request the project came from, if any."""
    request = getattr(project, "intake_request", None)
    category = getattr(request, "category", None)
    return category if isinstance(category, ToolCategory) else None


def tool_from_finished_project(project: Project, *, finished_by: User | None) -> Tool | None:
    """Add the vendor chosen for ``project`` (its standing decision) to the stack, once.

    Called when the project is finished (``inventory.receivers``), on behalf of
    whoever finished it: finishing the project is the permission, so no
    inventory rule is asked. The rule:

    * no standing vendor decision: nothing to add;
    * the project already brought in a tool of that name (finished twice,
      or added by hand from the list of finished projects): nothing more;
    * a tool of that name and vendor is already in the stack: nothing (the
      stack already has it);
    * the category is the intake request's; with no intake request (or no
      category on it) nothing is guessed: the project stays listed on the
      Stack page under "Finished projects with a vendor to add", where an
      inventory manager adds it with its category in one click.
    """
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)  # two finishes at once: one tool
        decision = selectors.standing_decision(project)
        category = category_of_project(project)
        if decision is None or category is None:
            return None
        candidate = decision.candidate
        vendor = "Built in-house" if candidate.build_in_house else candidate.name
        if project.tools.filter(name__iexact=candidate.name).exists():
            return None
        live = Tool.objects.exclude(status=ToolStatus.RETIRED)
        if live.filter(name__iexact=candidate.name, vendor__iexact=vendor).exists():
            return None
        tool = Tool(
            name=candidate.name,
            vendor=vendor,
            category=category,
            owner_side=project.budget_owner_side,
            business_owner=_active(project.marketing_sponsor) or _active(project.owner),
            it_owner=_active(project.it_lead) or _active(project.it_sponsor),
            project=project,
            notes=f"Added when the project “{project.name}” finished: {candidate.name} was its chosen vendor.",
        )
        return _save(tool, finished_by)


def _active(person: User | None) -> User | None:
    return person if person is not None and person.is_active else None
