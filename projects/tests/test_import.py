"""Importing projects from CSV: every row checked first, errors by row number, all or nothing,
each project created through ``project_create``; the signed preview cannot be altered or replayed."""

from datetime import date

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import csv_import
from conftest import ProjectFactory, UserFactory
from governance.models import Department, Side
from projects import importing
from projects.import_services import projects_import
from projects.import_views import IMPORT_SALT
from projects.models import LifecycleStep, Project

pytestmark = pytest.mark.django_db

HEADER = "name,problem,owner,marketing_sponsor,it_sponsor,it_lead,budget_owner_side,requirements_side,target_launch\n"


@pytest.fixture
def people(db):
    return {
        "cmo": UserFactory(username="cmo", first_name="Claire", department=Department.MARKETING, is_executive=True),
        "cio": UserFactory(username="cio2", first_name="Ian", department=Department.IT, is_executive=True),
        "itlead": UserFactory(username="itlead", first_name="Theo", email="theo@corp.example", department="it"),
        "mops": UserFactory(username="mops", first_name="Maya", department=Department.MARKETING_OPS),
    }


GOOD = (
    HEADER
    + "Loyalty programme,Repeat buyers get nothing.,,cmo,cio2,itlead,marketing,it,2027-03-14\n"
    + "Event app,Badges are printed by hand.,,,,THEO@corp.example,it,,\n"
    + '"Churn model, phase 2",Nobody sees churn coming.,,cmo,,,,,\n'
)


def run(actor, text: str, *, dry_run: bool = False):
    return projects_import(actor=actor, rows=importing.read_csv(text.encode()), dry_run=dry_run)


def errors_by_row(result) -> dict[int, list[str]]:
    return {row.number: row.errors for row in result.rows if row.errors}


def test_a_valid_file_creates_every_project_with_its_steps_through_project_create(people):
    mops = people["mops"]
    result = run(mops, GOOD)
    assert result.valid and [p.name for p in result.created] == [
        "Loyalty programme",
        "Event app",
        "Churn model, phase 2",
    ]
    loyalty = Project.objects.get(name="Loyalty programme")
    assert (loyalty.owner, loyalty.marketing_sponsor, loyalty.it_sponsor, loyalty.it_lead) == (
        mops,
        people["cmo"],
        people["cio"],
        people["itlead"],
    )
    assert loyalty.requirements_side == Side.IT and loyalty.target_launch == date(2027, 3, 14)
    assert loyalty.steps.get(key="requirements").suggested_side == "it"  # as project_create sets it
    assert Project.objects.get(name="Event app").it_lead == people["itlead"]  # by e-mail, any case
    assert LifecycleStep.objects.count() == 30
    assert loyalty.history.get().history_user == mops


def test_the_preview_writes_nothing(people):
    result = run(people["mops"], GOOD, dry_run=True)
    assert result.valid and result.created == [] and not Project.objects.exists()


def test_each_row_says_what_is_wrong_and_nothing_is_written(people, owner):
    ProjectFactory.create(owner=people["mops"], name="Existing one")
    hidden = ProjectFactory.create(owner=owner, name="Someone else's")  # not visible to Maya: not a duplicate
    text = (
        HEADER
        + "Fine,Ok.,,,,,,,\n"  # row 2
        + "Ghost,x,,nobody,,,,,\n"  # 3: unknown person
        + "Wrong sides,x,,itlead,mops,cmo,,,\n"  # 4: sponsor, IT sponsor and IT lead on the wrong side
        + "fine,x,,,,,,,\n"  # 5: twice in the file (any case)
        + "existing ONE,x,,,,,,,\n"  # 6: a project she can see
        + "Dates,x,,,,,,,14/03/2027\n"  # 7: bad date
        + "Sides,x,,,,,finance,,2027-02-30\n"  # 8: bad side, not a real date
        + "For Ian,x,cio2,,,,,,\n"  # 9: an owner other than herself
        + ",,,,,,,,\n"  # a blank row is skipped
        + ",No name,,,,,,,\n"  # 11: name missing
        + f"{hidden.name},x,,,,,,,\n"  # 12: fine
    )
    result = run(people["mops"], text)
    assert errors_by_row(result) == {
        3: ["Marketing sponsor: nobody active in Tandem has the username or e-mail address “nobody”."],
        4: [
            "The marketing sponsor must be on the Marketing side (Marketing or Marketing Ops).",
            "The IT sponsor must be in IT.",
            "The IT lead must be in IT.",
        ],
        5: ["Duplicate: “fine” is already on row 2 of this file."],
        6: ["Duplicate: a project named “Existing one” already exists."],
        7: ["Target launch: “14/03/2027” is not a date written YYYY-MM-DD (e.g. 2027-03-14)."],
        8: ["Budget owner side: “finance” is not marketing or it.", "Target launch: “2027-02-30” is not a real date."],
        9: [f"Owner: only executives and administrators create a project for someone else ({_name(people)})."],
        11: ["Name is missing."],
    }
    assert Project.objects.count() == 2 and result.created == []


def _name(people) -> str:
    return people["cio"].display_name


def test_executives_import_projects_owned_by_others(people):
    result = run(people["cmo"], HEADER + "For Maya,x,mops,,,,,,\n")
    assert result.valid and Project.objects.get().owner == people["mops"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,owner\nX,mops\n", "Missing column: problem."),
        ("name,problem,budget\nX,y,1\n", "Unknown column: budget."),
        (HEADER, "no project rows"),
        (HEADER + "X,y,,,,,,,\n" * (importing.MAX_ROWS + 1), f"import at most {importing.MAX_ROWS} at a time"),
    ],
)
def test_a_file_that_is_not_these_columns_or_too_long_is_refused_whole(people, text, message):
    with pytest.raises(ValidationError, match=message):
        run(people["mops"], text)


def test_an_inactive_person_may_not_import(people):
    people["mops"].is_active = False
    with pytest.raises(PermissionDenied):
        run(people["mops"], GOOD)
    assert not Project.objects.exists()


def test_a_row_refused_while_writing_undoes_the_whole_file(people):
    """The confirmation checks every row again: between the two, Theo left."""
    rows = importing.read_csv(GOOD.encode())
    assert projects_import(actor=people["mops"], rows=rows, dry_run=True).valid
    people["itlead"].is_active = False
    people["itlead"].save()
    result = projects_import(actor=people["mops"], rows=rows, dry_run=False)
    assert not result.valid and not Project.objects.exists()


@pytest.mark.parametrize("count", [3, 30])
def test_a_preview_reads_in_the_same_few_queries_however_many_rows(people, count):
    lines = [f"Project {n},Problem {n},,cmo,cio2,itlead,,,2027-01-{n % 28 + 1:02}\n" for n in range(count)]
    rows = importing.read_csv((HEADER + "".join(lines)).encode())
    with CaptureQueriesContext(connection) as queries:
        result = projects_import(actor=people["mops"], rows=rows, dry_run=True)
    assert result.valid and len(result.rows) == count
    assert len(queries) == 2  # the people named, the projects of the same names she can see


# --- The page ------------------------------------------------------------------------------------


def upload(client, text: str):
    file = SimpleUploadedFile("projects.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("projects:import"), {"file": file})


def test_the_page_previews_then_imports_on_confirmation_with_links(client, people):
    client.force_login(people["mops"])
    preview = upload(client, GOOD)
    page = preview.content.decode()
    assert "will be created" in page and "Import 3 projects" in page and "Importing 3 projects…" in page
    assert not Project.objects.exists()
    response = client.post(reverse("projects:import"), {"payload": preview.context["payload"]}, follow=True)
    page = response.content.decode()
    assert "Imported 3 projects, each with its ten lifecycle steps." in page
    loyalty = Project.objects.get(name="Loyalty programme")
    assert f'href="{loyalty.get_absolute_url()}"' in page
    assert Project.objects.count() == 3
    assert "Just imported" not in client.get(reverse("projects:import")).content.decode()  # shown once


def test_a_preview_with_errors_offers_no_confirmation(client, people):
    client.force_login(people["mops"])
    preview = upload(client, HEADER + "X,y,,itlead,,,,,\n")
    page = preview.content.decode()
    assert "The marketing sponsor must be on the Marketing side" in page and "nothing will be imported" in page
    assert not preview.context["payload"] and 'name="payload"' not in page


def test_a_file_refused_whole_says_why_under_the_field(client, people):
    client.force_login(people["mops"])
    response = upload(client, "name\nX\n")
    assert response.status_code == 200 and "Missing column: problem." in response.context["form"].errors["file"][0]


def test_an_altered_or_replayed_preview_imports_nothing(client, people):
    client.force_login(people["mops"])
    payload = upload(client, GOOD).context["payload"]
    response = client.post(reverse("projects:import"), {"payload": payload[:-2] + "xx"}, follow=True)
    assert "expired or was altered" in response.content.decode()
    forged = signing.dumps([{"name": "Forged", "problem": "x", "owner": "cmo"}], salt=IMPORT_SALT, compress=True)
    client.post(reverse("projects:import"), {"payload": forged})  # not signed for her
    client.force_login(people["cmo"])  # signed for Maya only: an executive cannot replay it
    response = client.post(reverse("projects:import"), {"payload": payload}, follow=True)
    assert "expired or was altered" in response.content.decode()
    assert not Project.objects.exists()


def test_a_preview_expires_after_an_hour(people):
    payload = csv_import.sign_rows([{"name": "X"}], salt=IMPORT_SALT, user_pk=people["mops"].pk)
    assert csv_import.unsign_rows(payload, salt=IMPORT_SALT, user_pk=people["mops"].pk) == [{"name": "X"}]
    assert csv_import.unsign_rows(payload, salt=IMPORT_SALT, user_pk=people["mops"].pk, max_age=-1) is None


def test_confirming_twice_creates_nothing_more(client, people):
    client.force_login(people["mops"])
    payload = upload(client, GOOD).context["payload"]
    client.post(reverse("projects:import"), {"payload": payload})
    response = client.post(reverse("projects:import"), {"payload": payload})
    assert "Something changed since the preview: nothing was imported." in response.content.decode()
    assert Project.objects.count() == 3


def test_the_template_is_the_header_row_and_the_list_links_to_the_import(client, member):
    client.force_login(member)
    response = client.get(reverse("projects:import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").strip() == HEADER.strip()
    assert importing.read_csv(response.content + b"X,y,,,,,,,\n") == [
        dict.fromkeys(HEADER.strip().split(","), "") | {"name": "X", "problem": "y"}
    ]
    assert reverse("projects:import") in client.get(reverse("project_list")).content.decode()
