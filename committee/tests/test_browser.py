"""In a real browser: the CMO opens the next committee meeting, sees the agenda drawn from
the portfolio, approves an intake request from it and gives the IT lead an action, which
the IT lead finds in My work."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committee.tests.conftest import new_meeting
from conftest import UserFactory
from governance.models import Department
from intake.models import IntakeRequest
from intake.states import State
from intake.tests.factories import reviewed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cmo_approves_from_the_agenda_and_the_it_lead_gets_the_action(
    page, browser_login, cmo, it_member, requester, reviewer, it_lead
):
    request = reviewed(requester, reviewer, title="Webinar platform")
    it_sponsor = UserFactory(username="iris", first_name="Iris", last_name="Sponsor", department=Department.IT)
    meeting = new_meeting(it_member, days=3, title="December committee")
    agenda_item = meeting.items.get(intake_request=request)

    browser_login(cmo)
    page.get_by_role("link", name="Committee").click()
    page.get_by_role("link", name="December committee").first.click()
    expect(page.get_by_role("heading", name="Intake requests waiting for approval")).to_be_visible()
    item = page.locator("[data-testid=agenda-item]", has_text="Webinar platform")
    expect(item).to_contain_text("Asked by Maya Patel")

    item.locator("summary").click()
    item.get_by_label("Approve").check()
    item.get_by_label("Marketing sponsor").select_option(str(cmo.pk))
    item.get_by_label("IT sponsor").select_option(str(it_sponsor.pk))
    item.get_by_label("IT lead").select_option(str(it_lead.pk))
    item.get_by_label("Decision note").fill("Approved: one platform for every webinar.")
    item.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_text("Decided: Webinar platform")).to_be_visible()
    decided = page.locator("[data-testid=agenda-item]", has_text="Webinar platform")
    expect(decided).to_contain_text("Approved: one platform for every webinar.")
    request.refresh_from_db()
    assert request.state == State.APPROVED and request.project.it_sponsor == it_sponsor

    page.locator("summary", has_text="Give someone an action").click()
    page.get_by_label("What is to be done").fill("Plan the webinar platform's single sign-on")
    page.get_by_label("Owner").select_option(str(it_lead.pk))
    page.get_by_label("Due").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_label("On agenda item").select_option(str(agenda_item.pk))
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action given to Ivan Lead.")).to_be_visible()

    page.context.clear_cookies()
    browser_login(it_lead)
    page.goto("/my-work/")
    actions = page.get_by_test_id("committee-actions")
    expect(actions).to_contain_text("Plan the webinar platform's single sign-on")
    expect(actions).to_contain_text("December committee")
    assert IntakeRequest.objects.filter(state=State.APPROVED).count() == 1
