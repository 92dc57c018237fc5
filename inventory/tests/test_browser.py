"""In a real browser: Marketing Ops imports a CSV, fixes a bad row after the preview, then confirms."""

import pytest
from playwright.sync_api import expect

from inventory.models import Tool
from inventory.tests.factories import make_tool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD = (
    "name,vendor,category,yearly_cost,renewal_date\n"
    "Marketo Engage,Adobe,Marketing automation,52000,2027-04-30\n"
    "HubSpot Marketing Hub,HubSpot,Marketing automation,36000,2027-03-14\n"
    "Mystery,Acme,Astrology,,31/12/2027\n"
)
GOOD = BAD.replace("Astrology,,31/12/2027", "Analytics,,2027-12-31").replace(
    "HubSpot Marketing Hub,HubSpot,Marketing automation,36000,2027-03-14\n", ""
)


def choose(page, text: str) -> None:
    page.get_by_label("CSV file").set_input_files(
        {"name": "stack.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Preview the import").click()


def test_the_import_previews_each_rows_errors_then_imports_on_confirmation(page, browser_login, categories, owner):
    make_tool("HubSpot Marketing Hub", "HubSpot")
    browser_login(owner)  # Alice, Marketing Ops
    page.goto("/stack/")
    page.get_by_role("link", name="Import from CSV").click()
    choose(page, BAD)
    expect(page.get_by_test_id("import-errors")).to_contain_text("2 rows have errors: nothing will be imported.")
    preview = page.get_by_test_id("preview")
    expect(preview.get_by_role("row", name="2 Marketo Engage")).to_contain_text("will be added")
    expect(preview.get_by_role("row", name="3 HubSpot")).to_contain_text("is already in the stack (in use)")
    mystery = preview.get_by_role("row", name="4 Mystery")
    expect(mystery).to_contain_text("Unknown category “Astrology”")
    expect(mystery).to_contain_text("“31/12/2027” is not a date written YYYY-MM-DD")
    expect(page.get_by_role("button", name="Import 3 tools")).to_have_count(0)
    assert Tool.objects.count() == 1

    choose(page, GOOD)
    expect(page.get_by_test_id("import-ready")).to_contain_text("2 tools will be added")
    page.get_by_role("button", name="Import 2 tools").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 2 tools into the stack.")
    expect(page.get_by_role("link", name="Mystery")).to_be_visible()
    assert sorted(Tool.objects.values_list("name", flat=True)) == ["HubSpot Marketing Hub", "Marketo Engage", "Mystery"]
