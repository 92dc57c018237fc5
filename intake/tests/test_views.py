"""Intake pages: the list and its filters, the form and its overlaps, the request's page,
the review and approval pages, and the parts shown on My work, the dashboard and the project page."""

import pytest
from django.urls import reverse

from intake.models import IntakeRequest, ReviewKind
from intake.services import request_transition
from intake.states import State
from intake.tests.conftest import all_pass, approve, review, submit
from projects.models import Project
from raci.models import RaciAssignment, Role

pytestmark = pytest.mark.django_db


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- The list ------------------------------------------------------------------------------------------------


def test_list_counts_per_state_and_filters(client, requester, reviewer, approver, crm, taxonomy):
    submit(requester, crm, title="CRM")
    analytics = submit(requester, taxonomy["analytics"], title="Analytics", touches_personal_data=True,
                       personal_data_kinds=["behavioural"])  # fmt: skip
    review(reviewer, analytics, ReviewKind.SECURITY_PRIVACY)
    client.force_login(approver)
    response = client.get(reverse("intake:list"))
    counts = {choice.value: n for choice, n in response.context["counts"]}
    assert counts[State.SUBMITTED] == 1 and counts[State.IN_REVIEW] == 1 and response.context["total"] == 2
    titles = lambda response: [r.title for r in response.context["page"].object_list]  # noqa: E731
    assert titles(client.get(reverse("intake:list"), {"state": "in_review"})) == ["Analytics"]
    assert titles(client.get(reverse("intake:list"), {"category": crm.pk})) == ["CRM"]
    assert titles(client.get(reverse("intake:list"), {"touches": "yes"})) == ["Analytics"]
    assert titles(client.get(reverse("intake:list"), {"side": "it"})) == []
    # Waiting for the approver: the reviewed one; for the reviewer: the unreviewed one.
    assert titles(client.get(reverse("intake:list"), {"waiting": "1"})) == ["Analytics"]
    client.force_login(reviewer)
    assert titles(client.get(reverse("intake:list"), {"waiting": "1"})) == ["CRM"]
    # A nonsense filter is ignored, never an error.
    assert client.get(reverse("intake:list"), {"state": "lost", "category": "x" * 30}).status_code == 200


def test_a_marketer_sees_only_their_own_requests_and_an_empty_state(client, requester, marketer, crm):
    submit(requester, crm, title="Mayas CRM")
    html = page(client, marketer, reverse("intake:list"))
    assert "Mayas CRM" not in html and "No request yet from you" in html
    submit(marketer, crm, title="Sofias CRM")
    html = page(client, marketer, reverse("intake:list"))
    assert "Sofias CRM" in html and "Mayas CRM" not in html


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow(client, requester, reviewer, crm, count, django_assert_num_queries):
    for n in range(count):
        request = submit(requester, crm, title=f"Request {n}")
        if n % 2:
            review(reviewer, request)
    client.force_login(reviewer)
    url = reverse("intake:list")
    client.get(url)
    # session, user, the state counts, the page's count, the page, the category filter's choices (count, rows)
    with django_assert_num_queries(7):
        response = client.get(url, {"waiting": "1"})
    assert response.status_code == 200


# --- Submitting, with the overlaps shown ---------------------------------------------------------------------


def test_submitting_through_the_form(client, requester, crm, salesforce):
    client.force_login(requester)
    data = {
        "title": "Conversation CRM",
        "problem": "Leads fall through the cracks.",
        "desired_outcome": "Every lead followed up within a day.",
        "budget_side": "marketing",
        "urgency": "quick_win",
        "yearly_cost": "18000",
        "category": crm.pk,
        "replaces": [salesforce.pk],
        "touches_personal_data": "on",
    }
    response = client.post(reverse("intake:new"), data)
    assert response.status_code == 200
    assert "Say which kinds of customer or personal data" in response.content.decode()
    assert "You already pay for Salesforce Sales Cloud" in response.content.decode()  # shown while writing
    response = client.post(reverse("intake:new"), {**data, "personal_data_kinds": ["contact", "purchase"]})
    request = IntakeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.kinds == ["contact", "purchase"] and list(request.replaces.all()) == [salesforce]


def test_the_overlaps_fragment(client, requester, crm, salesforce, taxonomy):
    html = page(client, requester, reverse("intake:overlaps"), category=crm.pk)
    assert "You already pay for Salesforce Sales Cloud" in html and "€48,000" in html
    html = page(client, requester, reverse("intake:overlaps"), category=taxonomy["social"].pk)
    assert "Nothing in the stack overlaps" in html
    html = page(client, requester, reverse("intake:overlaps"), category="9" * 30, replaces=["x", str(2**63 + 1)])
    assert "Salesforce" not in html


# --- The request's page: what the viewer may do now -----------------------------------------------------------


def test_the_page_offers_each_viewer_only_what_they_may_do_now(client, requester, reviewer, approver, crm, salesforce):
    request = submit(requester, crm, replaces=[salesforce])
    url = request.get_absolute_url()
    html = page(client, requester, url)
    assert "Edit the request" in html and "Withdraw" in html
    assert "Record the" not in html and "Approve…" not in html and "Ask for information" not in html
    assert "You already pay for Salesforce Sales Cloud" in html
    html = page(client, reviewer, url)
    assert "Record the integration and overlap review" in html and "Ask for information" in html
    assert "Withdraw" not in html and "Edit the request" not in html and "Approve…" not in html
    html = page(client, approver, url)
    assert "Waive the review" in html and "Approve…" not in html  # not in review yet
    review(reviewer, request)
    html = page(client, approver, url)
    assert "Approve…" in html and "Reject" in html and "Waive the review" not in html


def test_the_timeline_and_the_reviews_show_on_the_page(client, requester, reviewer, crm):
    request = submit(requester, crm, touches_personal_data=True, personal_data_kinds=["contact"])
    answers = {**all_pass(ReviewKind.SECURITY_PRIVACY), "dpa": ("failed", "No DPA yet.")}
    review(reviewer, request, ReviewKind.SECURITY_PRIVACY, answers=answers, outcome="approve_with_conditions",
           conditions="Sign the DPA before go-live.")  # fmt: skip
    html = page(client, requester, request.get_absolute_url())
    assert "Security and privacy review" in html and "Sign the DPA before go-live." in html
    assert "No DPA yet." in html and "Approve with conditions" in html
    assert "Submitted → In review" in html and "Security and privacy review recorded." in html


def test_moves_through_the_page(client, requester, reviewer, approver, crm):
    request = submit(requester, crm)
    url = reverse("intake:transition", kwargs={"pk": request.pk})
    client.force_login(reviewer)
    response = client.post(url, {"to_state": "needs_information", "reason": "", "version": request.version})
    assert response.status_code == 302
    assert IntakeRequest.objects.get().state == State.SUBMITTED
    response = client.post(url, {"to_state": "needs_information", "reason": "Which teams?"}, follow=True)
    assert "The request is now: needs information." in response.content.decode()
    client.force_login(requester)
    edit = reverse("intake:edit", kwargs={"pk": request.pk})
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"problem": "Events run from spreadsheets, in three teams.", "category": crm.pk})
    response = client.post(edit, data, follow=True)
    assert "sent back for review" in response.content.decode()
    assert IntakeRequest.objects.get().state == State.IN_REVIEW
    client.force_login(approver)
    client.post(url, {"to_state": "rejected", "reason": "No budget this year."})
    assert IntakeRequest.objects.get().state == State.REJECTED


def test_a_stale_page_is_told_so(client, requester, reviewer, crm):
    request = submit(requester, crm)
    client.force_login(reviewer)
    url = reverse("intake:transition", kwargs={"pk": request.pk})
    client.post(url, {"to_state": "in_review", "version": request.version})
    response = client.post(
        url, {"to_state": "needs_information", "reason": "?", "version": request.version}, follow=True
    )
    assert "Someone changed this request after you opened the page" in response.content.decode()
    assert IntakeRequest.objects.get().state == State.IN_REVIEW


def test_recording_a_review_through_the_page(client, requester, reviewer, crm):
    request = submit(requester, crm)
    url = reverse("intake:review", kwargs={"pk": request.pk, "kind": "integration_overlap"})
    client.force_login(reviewer)
    response = client.post(url, {"outcome": "approve"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    data = {f"check_{key}": "passed" for key in all_pass(ReviewKind.INTEGRATION_OVERLAP)}
    data.update({"check_overlap": "failed", "notes_overlap": "Salesforce does this.", "outcome": "approve"})
    response = client.post(url, data)
    assert "approve with conditions" in response.content.decode()
    response = client.post(url, {**data, "outcome": "reject"})
    assert response.status_code == 302
    assert request.reviews.get().outcome == "reject"
    assert client.get(reverse("intake:review", kwargs={"pk": request.pk, "kind": "other"})).status_code == 404


# --- Approval: the preview and the project --------------------------------------------------------------------


def test_the_approval_page_previews_who_gets_which_role(client, requester, reviewer, approver, crm, people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    url = reverse("intake:approve", kwargs={"pk": request.pk})
    html = page(client, approver, url)
    assert "Maya Patel (Project owner)" in html  # the requester is proposed as the owner
    assert "No Accountable" in html  # the IT lead is not chosen yet: steps 4, 6, 7, 8 and 10
    owner, marketing_sponsor, it_sponsor, it_lead = people
    params = {"owner": owner.pk, "marketing_sponsor": marketing_sponsor.pk, "it_sponsor": it_sponsor.pk,
              "it_lead": it_lead.pk}  # fmt: skip
    client.force_login(approver)
    fragment = client.get(url, params, HTTP_HX_REQUEST="true")
    assert fragment.templates[0].name == "intake/_approval_preview.html"
    html = fragment.content.decode()
    assert "No Accountable" not in html and "Theo Lindqvist (IT lead)" in html
    assert "Claire Moreau (Marketing sponsor)" in html


def test_approving_through_the_page_creates_the_project(client, requester, reviewer, approver, crm, people, framework):
    request = submit(requester, crm)
    review(reviewer, request)
    owner, marketing_sponsor, it_sponsor, it_lead = people
    client.force_login(approver)
    data = {"owner": owner.pk, "marketing_sponsor": marketing_sponsor.pk, "it_sponsor": it_sponsor.pk,
            "it_lead": it_lead.pk, "decision_note": "", "version": 3}  # fmt: skip
    url = reverse("intake:approve", kwargs={"pk": request.pk})
    response = client.post(url, data)
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    request.refresh_from_db()
    response = client.post(url, {**data, "decision_note": "Approved.", "version": request.version})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    response = client.post(url, {**data, "decision_note": "Again.", "version": request.version + 1})
    assert "already approved" in response.content.decode() and Project.objects.count() == 1
    accountable = RaciAssignment.objects.filter(step__project=project, role=Role.ACCOUNTABLE)
    assert accountable.count() == 10


def test_the_project_page_links_the_request_and_logs_the_decisions(
    client, requester, reviewer, approver, executive, crm, people, framework
):
    request = submit(requester, crm)
    review(reviewer, request, notes="Integrates through the CRM's API.")
    project = approve(approver, request, people, decision_note="Approved for the spring launch.")
    client.force_login(requester)
    response = client.get(project.get_absolute_url())
    html = response.content.decode()
    assert f'href="{request.get_absolute_url()}"' in html and "Approved by Claire Moreau" in html
    log = [entry.what for entry in response.context["decision_log"]]
    assert any("approved: project created" in what for what in log)
    assert any("integration and overlap review, approve" in what for what in log)


def test_a_project_without_a_request_says_so_to_executives_only(client, project, owner, executive, admin_user):
    assert "No intake request" in page(client, executive, project.get_absolute_url())
    assert "No intake request" in page(client, admin_user, project.get_absolute_url())
    assert "No intake request" not in page(client, owner, project.get_absolute_url())


# --- My work and the dashboard ---------------------------------------------------------------------------------


def test_my_work_shows_what_waits_for_each_person(client, requester, reviewer, approver, crm):
    reviewed = submit(requester, crm, title="Reviewed one")
    review(reviewer, reviewed)
    submit(requester, crm, title="Fresh one")
    html = page(client, reviewer, reverse("my_work"))
    assert "Requests waiting for you" in html and "Fresh one" in html and "Reviewed one" not in html
    html = page(client, approver, reverse("my_work"))
    assert "Reviewed one" in html and "Decide: approve or reject" in html and "Fresh one" not in html
    assert "Requests waiting for you" not in page(client, requester, reverse("my_work"))
    reviewed.refresh_from_db()
    request_transition(actor=reviewer, request=reviewed, to_state="needs_information", reason="Costs?")
    html = page(client, requester, reverse("my_work"))
    assert "Reviewed one" in html and "Add the information asked for" in html


def test_the_dashboard_tile_counts_requests_waiting(client, requester, reviewer, approver, crm):
    submit(requester, crm)
    response = page(client, reviewer, reverse("portfolio"))
    assert 'data-testid="tile-intake">1<' in response
    assert 'data-testid="tile-intake">0<' in page(client, approver, reverse("portfolio"))
    assert "tile-intake" not in page(client, requester, reverse("portfolio"))
