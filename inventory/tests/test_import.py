"""The CSV import: every row checked first, errors by row number, nothing written unless every row is valid."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory import services
from inventory.importing import read_csv
from inventory.models import Tool, ToolStatus
from inventory.tests.factories import make_tool

pytestmark = pytest.mark.django_db

HEADER = "name,vendor,category,owner_side,business_owner,it_owner,yearly_cost,renewal_date,holds_customer_data,status\n"
GOOD = (
    HEADER
    + 'Marketo Engage,Adobe,Marketing automation,marketing,maya,ivan,"52,000",2027-04-30,yes,in use\n'
    + "Snowflake,Snowflake,data warehouse,it,,ivan@example.com,60000.50,,no,\n"
    + "Hootsuite,Hootsuite,Social,,,,€7000,,,retired\n"
)


def rows(text: str):
    return read_csv(text.encode())


def run(actor, text: str, *, dry_run: bool = False):
    return services.tools_import(actor=actor, rows=rows(text), dry_run=dry_run)


def errors_by_row(result) -> dict[int, list[str]]:
    return {row.number: row.errors for row in result.rows if row.errors}


def test_a_valid_file_adds_every_row(mops, it_lead, categories):
    result = run(mops, GOOD)
    assert result.valid and len(result.created) == 3
    marketo = Tool.objects.get(name="Marketo Engage")
    assert (marketo.vendor, marketo.category.slug, marketo.business_owner, marketo.it_owner) == (
        "Adobe",
        "marketing-automation",
        mops,
        it_lead,
    )
    assert (marketo.yearly_cost, marketo.renewal_date, marketo.holds_customer_data) == (
        Decimal("52000"),
        date(2027, 4, 30),
        True,
    )
    snowflake = Tool.objects.get(name="Snowflake")
    assert (snowflake.owner_side, snowflake.yearly_cost, snowflake.it_owner) == ("it", Decimal("60000.50"), it_lead)
    assert Tool.objects.get(name="Hootsuite").status == ToolStatus.RETIRED
    assert Tool.history.filter(history_user=mops).count() == 3


def test_the_preview_writes_nothing(mops, it_lead, categories):
    result = run(mops, GOOD, dry_run=True)
    assert result.valid and not result.created
    assert not Tool.objects.exists() and not Tool.history.exists()


def test_one_bad_row_and_nothing_is_written_each_error_by_row_number(mops, it_lead, categories):
    text = (
        HEADER
        + "Marketo Engage,Adobe,Marketing automation,,,,52000,2027-04-30,yes,\n"
        + "Mystery,Acme,Astrology,,,,,,,\n"  # row 3
        + "\n"  # row 4: blank, skipped
        + "Hotjar,Contentsquare,Analytics,,,,,31/12/2027,,\n"  # row 5
        + "Tableau,Salesforce,Analytics,,nobody,,-5,2027-02-30,maybe,lost\n"  # row 6
    )
    result = run(mops, text)
    assert not result.valid and not result.created
    assert not Tool.objects.exists()
    errors = errors_by_row(result)
    assert set(errors) == {3, 5, 6}
    assert errors[3] == [
        "Unknown category “Astrology”. Use one of: Advertising, Analytics, Consent management, Content / DAM, CRM, "
        "Customer data platform (CDP), Data warehouse, E-commerce, Marketing automation, Personalization, Social."
    ]
    assert errors[5] == ["Renewal date: “31/12/2027” is not a date written YYYY-MM-DD (e.g. 2027-03-14)."]
    assert errors[6] == [
        "Status: “lost” is not one of in use, being retired or retired.",
        "Yearly cost: “-5” is negative; a cost is 0 or more.",
        "Renewal date: “2027-02-30” is not a real date.",
        "Holds customer data: “maybe” is not yes or no.",
        "Business owner: nobody active in Tandem has the username or e-mail address “nobody”.",
    ]


def test_duplicates_inside_the_file_and_of_the_stack_are_refused(mops, categories):
    make_tool("HubSpot Marketing Hub", "HubSpot")
    make_tool("Mailchimp", "Intuit", status=ToolStatus.RETIRED)  # retired: may come back
    text = (
        "name,vendor,category\n"
        "Marketo Engage,Adobe,Marketing automation\n"
        "hubspot marketing hub,HUBSPOT,Marketing automation\n"
        "MARKETO ENGAGE,adobe,Marketing automation\n"
        "Mailchimp,Intuit,Marketing automation\n"
    )
    result = run(mops, text)
    assert errors_by_row(result) == {
        3: ["Duplicate: “HubSpot Marketing Hub” by HubSpot is already in the stack (in use)."],
        4: ["Duplicate: “MARKETO ENGAGE” by adobe is already on row 2 of this file."],
    }
    assert Tool.objects.count() == 2


def test_owners_are_people_and_the_it_owner_is_in_it(mops, member, categories):
    text = "name,vendor,category,business_owner,it_owner\nX,Y,CRM,BOB@example.com,bob\n"
    result = run(mops, text)
    assert errors_by_row(result) == {2: ["IT owner: Bob Member is not in IT."]}
    assert result.rows[0].values["business_owner"] == member  # an e-mail address, any case


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("name,vendor\nX,Y\n", "Missing column: category."),
        ("name,vendor,category,colour\nX,Y,CRM,red\n", "Unknown column: colour."),
        ("name,vendor,category,name\nX,Y,CRM,Z\n", "Repeated column: name."),
    ],
)
def test_a_file_that_is_not_these_columns_is_refused_whole(text, message):
    with pytest.raises(ValidationError, match=message):
        read_csv(text.encode())


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ValidationError, match="not UTF-8"):
        read_csv("name,vendor,category\nCafé,X,CRM\n".encode("latin-1"))


def test_semicolons_headers_in_words_and_a_byte_order_mark_are_read(mops, categories):
    text = "\ufeffName;Vendor;Category;Yearly cost\nMarketo Engage;Adobe;marketing-automation;52000\n"
    result = run(mops, text)
    assert result.valid and Tool.objects.get().yearly_cost == Decimal("52000")


def test_a_file_with_no_rows_is_refused(mops, categories):
    with pytest.raises(ValidationError, match="no tool rows"):
        run(mops, "name,vendor,category\n\n")


# --- The page: upload, preview, confirm ---------------------------------------------------------


def upload(client, text: str):
    file = SimpleUploadedFile("stack.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("inventory:tool_import"), {"file": file})


def test_the_page_previews_then_imports_on_confirmation(client, mops, it_lead, categories):
    client.force_login(mops)
    preview = upload(client, GOOD)
    assert preview.status_code == 200
    assert "will be added" in preview.content.decode() and "Import 3 tools" in preview.content.decode()
    assert not Tool.objects.exists()
    response = client.post(reverse("inventory:tool_import"), {"payload": preview.context["payload"]}, follow=True)
    assert "Imported 3 tools into the stack." in response.content.decode()
    assert Tool.objects.count() == 3


def test_a_preview_with_errors_offers_no_confirmation(client, mops, categories):
    client.force_login(mops)
    preview = upload(client, "name,vendor,category\nX,Y,Astrology\n")
    page = preview.content.decode()
    assert "Unknown category “Astrology”" in page and "nothing will be imported" in page
    assert not preview.context["payload"] and 'name="payload"' not in page


def test_an_altered_or_foreign_payload_imports_nothing(client, mops, executive, it_lead, categories):
    client.force_login(mops)
    payload = upload(client, GOOD).context["payload"]
    response = client.post(reverse("inventory:tool_import"), {"payload": payload[:-2] + "xx"}, follow=True)
    assert "expired or was altered" in response.content.decode()
    client.force_login(executive)  # signed for Maya only
    client.post(reverse("inventory:tool_import"), {"payload": payload})
    assert not Tool.objects.exists()


def test_a_tool_added_between_preview_and_confirmation_imports_nothing(client, mops, it_lead, categories):
    client.force_login(mops)
    payload = upload(client, GOOD).context["payload"]
    make_tool("Snowflake", "Snowflake", category_slug="data-warehouse")
    response = client.post(reverse("inventory:tool_import"), {"payload": payload})
    assert "The stack changed since the preview: nothing was imported." in response.content.decode()
    assert Tool.objects.count() == 1


def test_the_template_is_the_header_row(client, member):
    client.force_login(member)
    response = client.get(reverse("inventory:import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").strip() == (
        "name,vendor,category,owner_side,business_owner,it_owner,yearly_cost,renewal_date,holds_customer_data,"
        "status,notes"
    )
    # The downloaded template reads back as the import's own header, with a row added.
    assert read_csv(response.content + b"Segment,Twilio,CDP,,,,,,,,\r\n") == [
        {
            "name": "Segment",
            "vendor": "Twilio",
            "category": "CDP",
            **dict.fromkeys(
                ["owner_side", "business_owner", "it_owner", "yearly_cost", "renewal_date", "holds_customer_data"], ""
            ),
            "status": "",
            "notes": "",
        }
    ]


def test_a_row_with_more_cells_than_columns_is_refused_not_cut(mops, categories):
    result = run(mops, "name,vendor,category,notes\nX,Y,CRM,Renew, then cancel\n")
    assert errors_by_row(result) == {
        2: ["This row has 1 more cell(s) than the header has columns: a value with a comma in it needs quotes."]
    }
