"""In a real browser, the front door end to end: Marketing Ops asks for a tool that touches
customer data and overlaps a CRM in use; IT sees the overlap and records the security
review; an executive approves after the role preview; the project exists with the
framework's matrix (every step has an Accountable) and the portfolio lists it."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import IntakeRequest
from intake.states import State
from projects.models import Project
from raci.models import RaciAssignment, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, browser_login, user):
    page.context.clear_cookies()
    return browser_login(user)


def test_a_request_from_marketing_ops_to_a_project(
    page, browser_login, requester, reviewer, approver, it_people, crm, salesforce, framework
):
    it_sponsor, it_lead = it_people

    # Maya (Marketing Ops) asks for a tool; choosing the category shows what we already pay for.
    sign_in_as(page, browser_login, requester)
    page.get_by_role("link", name="Intake").click()
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Title").fill("Conversational CRM")
    page.get_by_label("The problem").fill("Leads from chat and events fall through the cracks.")
    page.get_by_label("Desired outcome").fill("Every lead followed up within a day.")
    page.get_by_label("Marketing", exact=True).check()
    page.get_by_label("Strategic").check()
    page.get_by_label("Estimated yearly cost (€)").fill("30000")
    page.get_by_label("Tool category").select_option(label="CRM")
    overlaps = page.locator("#overlaps-live")
    expect(overlaps).to_contain_text("You already pay for Salesforce Sales Cloud")
    page.get_by_label("Tools it might replace", exact=True).select_option(
        label="Salesforce Sales Cloud (Salesforce, CRM)"
    )
    expect(overlaps).to_contain_text("Named as replaced")
    kinds = page.get_by_label("Contact details (name, e-mail, phone, address)")
    expect(kinds).to_be_hidden()  # asked only once the request says it touches personal data
    page.get_by_label("It stores or processes customer or personal data").check()
    kinds.check()
    page.get_by_label("Purchase history").check()
    page.get_by_label("Systems it must integrate with").fill("Website chat, Salesforce")
    page.get_by_role("button", name="Submit the request").click()
    expect(page.get_by_text("Your request is submitted")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("Submitted")
    request = IntakeRequest.objects.get()

    # Dev (IT) finds it in My work, sees the overlap and records the security and privacy review.
    sign_in_as(page, browser_login, reviewer)
    page.goto("/my-work/")
    page.get_by_test_id("intake-waiting").get_by_role("link", name="Conversational CRM").click()
    expect(page.get_by_test_id("overlaps")).to_contain_text("You already pay for Salesforce Sales Cloud")
    page.get_by_role("link", name="Record the security and privacy review").click()
    expect(page.get_by_role("heading", name="Security and privacy review")).to_be_visible()
    passed = page.locator("input[type=radio][value=passed]")
    expect(passed).to_have_count(6)  # the checklist kept as data: six checks for this kind
    for radio in passed.all():
        radio.check()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Notes for the approver").fill("Data stays in the EU; SSO supported.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status").filter(has_text="Security and privacy review recorded.")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("In review")
    expect(page.get_by_test_id("review-security_privacy")).to_contain_text("Data stays in the EU")

    # Claire (CMO) sees it waiting on the dashboard, previews the roles and approves.
    sign_in_as(page, browser_login, approver)
    page.goto("/portfolio/")
    expect(page.get_by_test_id("tile-intake")).to_have_text("1")
    page.get_by_role("link", name="Review or decide").click()
    page.get_by_role("link", name="Conversational CRM").click()
    page.get_by_role("link", name="Approve…").click()
    preview = page.get_by_test_id("role-preview")
    expect(preview).to_contain_text("Maya Patel (Project owner)")
    expect(page.get_by_test_id("preview-no-accountable-6")).to_be_visible()  # no IT lead chosen yet
    page.get_by_label("Marketing sponsor").select_option(str(approver.pk))
    page.get_by_label("IT sponsor").select_option(str(it_sponsor.pk))
    page.get_by_label("IT lead").select_option(str(it_lead.pk))
    expect(preview).to_contain_text("Theo Lindqvist (IT lead)")  # recomputed as the people change
    expect(page.get_by_text("No Accountable")).to_have_count(0)
    page.get_by_label("Decision note").fill("Approved: retire the chat plug-in within a quarter.")
    page.get_by_role("button", name="Approve and create the project").click()
    expect(page.get_by_text("Approved: the project “Conversational CRM” is created")).to_be_visible()

    project = Project.objects.get(name="Conversational CRM")
    request.refresh_from_db()
    assert request.state == State.APPROVED and request.project == project
    accountable = RaciAssignment.objects.filter(step__project=project, role=Role.ACCOUNTABLE)
    assert sorted(accountable.values_list("step__number", flat=True)) == list(range(1, 11))
    expect(page.locator("[data-testid^=no-accountable-]")).to_have_count(0)  # every step has its Accountable
    card = page.get_by_test_id("intake-card")
    expect(card).to_contain_text("Approved by Claire Moreau")
    expect(card.get_by_role("link", name="Conversational CRM")).to_have_attribute(
        "href", re.compile(rf"/intake/{request.pk}/$")
    )
    expect(page.get_by_test_id("decision-log")).to_contain_text("Intake: security and privacy review, approve")

    page.goto("/portfolio/")
    expect(page.get_by_role("link", name="Conversational CRM", exact=True)).to_be_visible()
