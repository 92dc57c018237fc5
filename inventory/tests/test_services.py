"""Adding, editing and retiring tools: who may, what is refused (nothing written), stale edits."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import UserFactory
from governance.models import Department
from inventory import selectors, services
from inventory.models import Tool, ToolStatus
from inventory.tests.factories import make_tool
from projects.services import StaleEdit

pytestmark = pytest.mark.django_db


def snapshot():
    return list(Tool.objects.order_by("pk").values()), Tool.history.count()


def test_a_manager_adds_a_tool_with_its_history(mops, it_lead, categories):
    tool = services.tool_create(
        actor=mops,
        name="  Marketo Engage ",
        vendor="Adobe",
        category=categories["marketing-automation"],
        it_owner=it_lead,
        yearly_cost=Decimal("52000"),
        renewal_date=date(2027, 4, 30),
        holds_customer_data=True,
    )
    assert (tool.name, tool.status, tool.it_owner) == ("Marketo Engage", ToolStatus.IN_USE, it_lead)
    assert tool.history.get().history_user == mops


@pytest.mark.parametrize("who", ["marketer", "inactive_it"])
def test_anyone_else_is_refused_before_anything_is_written(request, who, categories):
    if who == "inactive_it":
        actor = UserFactory(department=Department.IT, is_active=False)
    else:
        actor = request.getfixturevalue(who)
    tool = make_tool()
    before = snapshot()
    calls = [
        lambda: services.tool_create(actor=actor, name="X", vendor="Y", category=categories["crm"]),
        lambda: services.tool_update(actor=actor, tool=tool, yearly_cost=Decimal(1)),
        lambda: services.tool_retire(actor=actor, tool=tool),
        lambda: services.tools_import(
            actor=actor, rows=[{"name": "X", "vendor": "Y", "category": "CRM"}], dry_run=False
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


def test_a_duplicate_is_refused_whatever_the_case_and_writes_nothing(mops, categories):
    make_tool("HubSpot Marketing Hub", "HubSpot")
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        services.tool_create(
            actor=mops, name="hubspot marketing hub", vendor="HUBSPOT ", category=categories["marketing-automation"]
        )
    assert refusal.value.message_dict["name"] == [
        "“HubSpot Marketing Hub” by HubSpot is already in the stack (in use): edit that entry, or retire it first."
    ]
    assert snapshot() == before


def test_a_retired_tool_may_come_back_as_a_new_entry(mops, categories):
    old = make_tool(status=ToolStatus.RETIRED)
    new = services.tool_create(actor=mops, name=old.name, vendor=old.vendor, category=old.category)
    assert new.pk != old.pk
    # ...but the old one cannot be brought back while the new one is live.
    with pytest.raises(ValidationError) as refusal:
        services.tool_update(actor=mops, tool=old, status=ToolStatus.IN_USE)
    assert "already in the stack" in refusal.value.message_dict["name"][0]


def test_field_checks_say_what_to_fix(mops, it_lead, member, categories):
    gone = UserFactory(department=Department.IT, is_active=False)
    categories["social"].is_active = False
    categories["social"].save()
    with pytest.raises(ValidationError) as refusal:
        services.tool_create(
            actor=mops,
            name="",
            vendor="Acme",
            category=categories["social"],
            business_owner=gone,
            it_owner=member,  # Marketing
            yearly_cost=Decimal("-5"),
        )
    errors = refusal.value.message_dict
    assert errors["name"] == ["Give the tool's name."]
    assert errors["yearly_cost"] == ["The yearly cost is 0 or more (and less than ten billion)."]
    assert errors["category"] == ["The category “Social” is no longer in use; choose another."]
    assert errors["business_owner"] == [f"{gone.display_name} is no longer active; choose another business owner."]
    assert errors["it_owner"] == ["The IT owner must be in IT."]
    assert not Tool.objects.exists()


def test_an_unrelated_edit_is_not_blocked_by_what_changed_since(mops, categories):
    gone = UserFactory(department=Department.IT)
    tool = make_tool(it_owner=gone)
    gone.is_active = False
    gone.save()
    services.tool_update(actor=mops, tool=tool, yearly_cost=Decimal("1000"))
    tool.refresh_from_db()
    assert (tool.yearly_cost, tool.it_owner) == (Decimal("1000"), gone)


def test_a_stale_edit_is_refused_and_names_what_changed(mops, executive, categories):
    tool = services.tool_create(actor=mops, name="Hotjar", vendor="Contentsquare", category=categories["analytics"])
    opened = selectors.tool_version(tool)
    services.tool_update(actor=executive, tool=tool, expected_version=opened, yearly_cost=Decimal("4800"))
    before = snapshot()
    with pytest.raises(StaleEdit) as stale:
        services.tool_update(actor=mops, tool=tool, expected_version=opened, name="Hotjar Business")
    message = stale.value.messages[0]
    assert message.startswith("Someone saved this tool after you opened it; nothing was saved")
    assert "Cara Cio" in message and "yearly cost (€): — → 4800.00" in message
    assert snapshot() == before
    # Against the version now, the same edit goes through.
    services.tool_update(actor=mops, tool=tool, expected_version=stale.value.version, name="Hotjar Business")
    assert Tool.objects.get(pk=tool.pk).name == "Hotjar Business"


def test_the_edit_page_refuses_a_stale_save_keeps_the_input_and_saves_on_the_second_try(
    client, mops, executive, categories
):
    tool = services.tool_create(actor=mops, name="Hotjar", vendor="Contentsquare", category=categories["analytics"])
    client.force_login(mops)
    url = reverse("inventory:tool_edit", kwargs={"pk": tool.pk})
    form = client.get(url).context["form"]
    posted = {name: ("" if value is None else value) for name, value in form.initial.items()}
    posted = {k: v for k, v in posted.items() if v is not False} | {"notes": "Ask for a discount"}
    services.tool_update(actor=executive, tool=tool, yearly_cost=Decimal("4800"))
    response = client.post(url, posted)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved this tool after you opened it" in page and "Ask for a discount" in page
    again = response.context["form"].data.copy()
    assert client.post(url, again).status_code == 302
    tool.refresh_from_db()
    assert (tool.notes, tool.yearly_cost) == ("Ask for a discount", Decimal("4800.00"))


def test_retiring_keeps_the_entry_and_twice_is_refused(mops, categories):
    tool = make_tool()
    services.tool_retire(actor=mops, tool=tool)
    assert Tool.objects.get(pk=tool.pk).status == ToolStatus.RETIRED
    with pytest.raises(ValidationError, match="already retired"):
        services.tool_retire(actor=mops, tool=tool)


def test_a_project_the_actor_cannot_see_is_refused(mops, project, categories):
    with pytest.raises(ValidationError) as refusal:
        services.tool_create(actor=mops, name="X", vendor="Y", category=categories["crm"], project=project)
    assert refusal.value.message_dict["project"] == ["No such project."]
