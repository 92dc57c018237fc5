"""The results page worked through by hand: 4 Marketing-side and 3 IT-side respondents.

Per dimension (Marketing levels | IT levels):
  communication 4,4,3,5 → 16/4 = 4.00 | 2,2,2 → 2.00 | overall 22/7 = 3.14 | gap +2.00 (highlighted)
  vision        4,3,4,3 → 3.50        | 3,3,3 → 3.00 | 23/7 = 3.29 | +0.50
  roles         3,3,3,3 → 3.00        | 3,3,3 → 3.00 | 21/7 = 3.00 | 0.00
  selection     2,2,2,2 → 2.00        | 2,2,4 → 8/3 = 2.67 | 16/7 = 2.29 | −0.67
  testing       3,3,2,3 → 11/4 = 2.75 | 3,3,3 → 3.00 | 20/7 = 2.86 | −0.25
  governance    3.00 | 3.00 | 3.00 | 0.00
  strategy      2,2,2,2 → 2.00        | 4,4,4 → 4.00 | 20/7 = 2.86 | −2.00 (highlighted)
  support       3.00 | 3.00 | 3.00 | 0.00
Marketing side overall: (24 + 23 + 22 + 24) / 32 = 93/32 = 2.91
IT side overall:        (23 + 23 + 25) / 24 = 71/24 = 2.96
Overall: 164/56 = 2.93 → level 3, "Working together"; gap 2.90625 − 2.95833 = −0.05
Weakest: selection 2.29, then testing and strategy tied at 20/7 (dimension order breaks the tie).
"""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from alignment.selectors import Group, disclose, round_results
from alignment.services import round_open
from alignment.tests.factories import (
    IT_ANSWERS,
    MARKETING_ANSWERS,
    answer,
    answered_round,
    close,
    people,
    questionnaire,
)

pytestmark = pytest.mark.usefixtures("questionnaire")
__all__ = ["questionnaire"]

EXPECTED_ROWS = {
    # key: (marketing, IT, overall, gap)
    "communication": ("4.00", "2.00", "3.14", "⚠ +2.00"),
    "vision": ("3.50", "3.00", "3.29", "+0.50"),
    "roles": ("3.00", "3.00", "3.00", "0.00"),
    "selection": ("2.00", "2.67", "2.29", "-0.67"),
    "testing": ("2.75", "3.00", "2.86", "-0.25"),
    "governance": ("3.00", "3.00", "3.00", "0.00"),
    "strategy": ("2.00", "4.00", "2.86", "⚠ -2.00"),
    "support": ("3.00", "3.00", "3.00", "0.00"),
}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def cells(page: str, testid: str) -> list[str]:
    row = re.search(rf'<tr[^>]*data-testid="{testid}"[^>]*>(.*?)</tr>', page, re.S).group(1)
    return [text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def block(page: str, testid: str, end: str = "</(?:p|li)>") -> str:
    return text(re.search(rf'data-testid="{testid}"[^>]*>(.*?){end}', page, re.S).group(1))


def card(page: str, testid: str) -> str:
    return block(page, testid, "</div></div></div>")


@pytest.fixture
def example(executive):
    round_, _marketing, _it = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, title="Spring round")
    return round_


def test_every_figure_of_the_hand_computed_example(client, executive, example):
    client.force_login(executive)
    page = client.get(reverse("alignment:round", args=[example.pk])).content.decode()
    for position, (key, (marketing, it, overall, gap)) in enumerate(EXPECTED_ROWS.items(), start=1):
        row = cells(page, f"dimension-{key}")
        big = " (gap of 1 level or more)" if "⚠" in gap else ""
        assert row[1:] == [marketing, it, overall, gap + big], key
        assert row[0].startswith(f"{position}. ")
    assert card(page, "overall") == "Overall level 2.93 of 5 Working together"
    assert card(page, "marketing-overall") == "Marketing side's view (4 respondents) 2.91"
    assert card(page, "it-overall") == "IT side's view (3 respondents) 2.96 Perception gap: -0.05 (Marketing minus IT)"
    assert "4 on the Marketing side, 3 in IT" in text(page)


def test_big_gaps_are_highlighted_and_named(client, executive, example):
    client.force_login(executive)
    page = client.get(reverse("alignment:round", args=[example.pk])).content.decode()
    assert re.search(r'<tr class="table-warning" data-testid="dimension-communication"', page)
    assert re.search(r'<tr class="table-warning" data-testid="dimension-strategy"', page)
    assert page.count('class="table-warning"') == 2
    summary = text(re.search(r'data-testid="gap-summary">(.*?)</p>', page, re.S).group(1))
    assert "on 2 dimensions" in summary
    assert "Communication lines and liaisons (Marketing sees it 2.00 higher)" in summary
    assert "IT involved from strategy on (IT sees it 2.00 higher)" in summary


def test_weakest_dimensions_come_with_guidance(client, executive, example):
    client.force_login(executive)
    response = client.get(reverse("alignment:round", args=[example.pk]))
    weakest = response.context["results"].weakest
    assert [d.dimension.key for d in weakest] == ["selection", "testing", "strategy"]
    page = response.content.decode()
    assert "Test-drive tools together" in block(page, "weak-selection")
    assert "(2.29)" in block(page, "weak-selection")
    assert "Bring IT in at strategy" in block(page, "weak-strategy")


def test_csv_export_has_the_same_figures(client, executive, example):
    client.force_login(executive)
    response = client.get(reverse("alignment:export", args=[example.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["Communication lines and liaisons", "4.00", "4", "2.00", "3", "3.14", "7", "+2.00"]
    assert rows[4] == ["Joint technology selection", "2.00", "4", "2.67", "3", "2.29", "7", "-0.67"]
    assert rows[-1] == ["All dimensions", "2.91", "4", "2.96", "3", "2.93", "7", "-0.05"]
    assert len(rows) == 10


def test_two_it_respondents_hide_it_and_the_overall_figure_everywhere(client, executive, admin_user):
    """Marketing 4 people, IT 2: overall × 6 − Marketing's total would reveal the two IT answers."""
    round_, _m, it_people = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS[:2])
    client.force_login(executive)
    page = client.get(reverse("alignment:round", args=[round_.pk])).content.decode()
    assert cells(page, "dimension-communication")[1:] == ["4.00", "not enough responses", "not enough responses", "—"]
    assert card(page, "overall") == "Overall level not enough responses"
    assert card(page, "it-overall") == "IT side's view (2 respondents) not enough responses"
    assert "gap-summary" not in page and "Comments" not in page and "weak-" not in page
    chart = re.search(r'id="alignment-data"[^>]*>(.*?)</script>', page, re.S).group(1)
    assert '"it": [null, null, null, null, null, null, null, null]' in chart
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("alignment:export", args=[round_.pk])).content.decode("utf-8-sig")))
    )
    assert rows[1] == [
        "Communication lines and liaisons",
        "4.00",
        "4",
        "not enough responses",
        "2",
        "not enough responses",
        "6",
        "not enough responses",
    ]
    client.force_login(admin_user)
    admin_page = client.get(reverse("admin:alignment_roundinvitation_changelist")).content.decode()
    assert it_people[0].display_name in admin_page  # who responded ...
    assert "Answered at" in text(admin_page) and "Side" not in text(admin_page)  # ... never what or which side


def test_one_person_on_no_side_hides_the_overall_figure(executive):
    round_, _m, _it = answered_round(executive, MARKETING_ANSWERS[:3], IT_ANSWERS, other=[[5] * 8])
    results = round_results(round_, viewer=executive)
    assert results.figures.marketing == pytest.approx(69 / 24)  # 24 + 23 + 22
    assert results.figures.it == pytest.approx(71 / 24)
    assert results.figures.overall is None  # overall − both sides would give the one "Other" answer


@pytest.mark.parametrize(
    ("marketing", "it", "other", "shown"),
    [
        (Group(12, 4, 4), Group(6, 3, 3), Group(), ("marketing", "it", "overall")),
        (Group(12, 4, 4), Group(4, 2, 2), Group(), ("marketing",)),
        (Group(6, 2, 2), Group(4, 2, 2), Group(), ("overall",)),  # 4 people, neither side shown: nothing derivable
        (Group(9, 3, 3), Group(9, 3, 3), Group(5, 1, 1), ("marketing", "it")),
        (Group(9, 3, 3), Group(9, 3, 3), Group(15, 3, 3), ("marketing", "it", "overall")),
        (Group(2, 1, 1), Group(2, 1, 1), Group(), ()),
    ],
)
def test_anonymity_rule(marketing, it, other, shown):
    figures = disclose({"marketing": marketing, "it": it, "": other})
    assert {name for name in ("marketing", "it", "overall") if getattr(figures, name) is not None} == set(shown)
    assert (figures.gap is not None) == ({"marketing", "it"} <= set(shown))


def test_open_round_shows_no_figures_only_how_many_answered(client, executive):
    round_, _m, _it = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    client.force_login(executive)
    response = client.get(reverse("alignment:round", args=[round_.pk]))
    page = text(response.content.decode())
    assert "7 of 7 invited have answered." in page
    assert "4.00" not in page and "results" not in response.context
    assert client.get(reverse("alignment:export", args=[round_.pk])).status_code == 302


def test_round_with_no_answers_shows_an_empty_state(client, executive):
    invitees = people("marketing", 1) + people("it", 1)
    round_ = round_open(actor=executive, title="Quiet", closes_on=timezone.localdate(), invitees=invitees)
    close(round_)
    client.force_login(executive)
    response = client.get(reverse("alignment:round", args=[round_.pk]))
    assert response.status_code == 200
    assert "Nobody answered this round." in response.content.decode()
    assert "2 people were invited" in text(response.content.decode())
    assert client.get(reverse("alignment:export", args=[round_.pk])).status_code == 200


def test_comments_are_shown_sorted_without_side_or_level(client, executive):
    m, it = people("marketing", 3), people("it", 3)
    round_ = round_open(actor=executive, title="C", closes_on=timezone.localdate(), invitees=m + it)
    for i, person in enumerate(m + it):
        answer(round_, person, [3] * 8, {"vision": f"{'zyx'[i % 3]} note {i}"} if i in (0, 4) else {})
    close(round_)
    client.force_login(executive)
    page = text(client.get(reverse("alignment:round", args=[round_.pk])).content.decode())
    assert "Shared vision and roadmap y note 4 z note 0" in page


# --- Stored summaries: reads never write, and a stored summary never disagrees ----------------


def _writes(queries) -> list[str]:
    verbs = {"INSERT", "UPDATE", "DELETE"}
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in verbs and "django_session" not in q["sql"]
    ]


def _page_figures(client, round_):
    return client.get(reverse("alignment:round", args=[round_.pk])).context["results"].figures


def test_reading_a_round_closed_by_time_and_the_portfolio_writes_nothing(client, executive, example):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alignment.models import RoundSummary
    from alignment.selectors import organization_alignment

    client.force_login(executive)
    with CaptureQueriesContext(connection) as reads:
        page = _page_figures(client, example)
        client.get(reverse("portfolio"))
        client.get(reverse("alignment:index"))
        portfolio = organization_alignment(executive).figures
    assert _writes(reads) == [] and not RoundSummary.objects.exists()
    assert portfolio == page and page.overall == pytest.approx(164 / 56)


def test_closing_a_round_stores_its_summary_and_the_portfolio_reads_it(client, executive, django_assert_num_queries):
    from alignment.models import RoundSummary
    from alignment.selectors import organization_alignment, results_visible_rounds, stored_or_computed
    from alignment.services import round_close

    round_, _, _ = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    assert not RoundSummary.objects.exists()
    round_close(actor=executive, round_=round_)
    summary = RoundSummary.objects.get(round=round_)
    assert summary.closes_at == round_.closes_at
    assert summary.groups == {"marketing": [93, 32, 4], "it": [71, 24, 3]}
    rows = list(
        results_visible_rounds(executive, None).values("pk", "closes_at", "summary__closes_at", "summary__groups")
    )
    with django_assert_num_queries(0):  # stored: nothing to compute
        stored_or_computed(rows)
    client.force_login(executive)
    assert organization_alignment(executive).figures == _page_figures(client, round_)


def test_rounds_closed_by_time_get_their_summaries_from_the_repair_command_and_beat(executive):
    from django.conf import settings
    from django.core.management import call_command

    from alignment.models import AlignmentRound, RoundSummary
    from alignment.tasks import store_round_summaries

    first, _, _ = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, days_ago=3)
    out = io.StringIO()
    call_command("refresh_round_summaries", stdout=out)
    assert "Summaries stored for 1 closed round(s)." in out.getvalue()
    assert RoundSummary.objects.get(round=first).closes_at == first.closes_at
    assert store_round_summaries() == 0  # nothing missing or stale
    beat = settings.CELERY_BEAT_SCHEDULE["store-round-summaries"]
    assert beat["task"] == store_round_summaries.name and beat["schedule"] == 15 * 60
    second, _, _ = answered_round(executive, [[3] * 8] * 3, [[3] * 8] * 3, title="Autumn round")
    AlignmentRound.objects.filter(pk=first.pk).update(closes_at=first.closes_at - timedelta(hours=1))
    assert store_round_summaries() == 2  # the new round, and the one whose closing time moved
    assert RoundSummary.objects.get(round=second).groups == {"marketing": [72, 24, 3], "it": [72, 24, 3]}
    out = io.StringIO()
    call_command("refresh_round_summaries", stdout=out)
    assert "Summaries stored for 0 closed round(s)." in out.getvalue()  # stored summaries are final


@pytest.mark.parametrize("closed_by", ["close", "time"])
@pytest.mark.parametrize("delete", ["invitation", "answers", "user"])
def test_deleting_a_respondent_after_close_changes_no_disclosed_figure(client, executive, delete, closed_by):
    """Figures before and after one person's deletion would differ by that person's
    answers: the round page, its export and the portfolio keep the figures of the close."""
    from alignment.models import RoundAnswer, RoundInvitation, RoundSummary
    from alignment.selectors import organization_alignment
    from alignment.services import round_close

    round_, _marketing, it_people = answered_round(
        executive, [[4] * 8] * 3, [[2] * 8] * 3 + [[5] * 8], closed=closed_by == "time"
    )
    if closed_by == "close":
        round_close(actor=executive, round_=round_)
    client.force_login(executive)
    before = client.get(reverse("alignment:round", args=[round_.pk])).context["results"]
    export_before = client.get(reverse("alignment:export", args=[round_.pk])).content
    assert before.figures.it == pytest.approx((48 + 40) / 32)
    leaver = it_people[-1]
    if delete == "invitation":
        RoundInvitation.objects.get(round=round_, user=leaver).delete()
    elif delete == "answers":
        RoundAnswer.objects.filter(invitation__user=leaver).delete()
    else:
        leaver.delete()  # cascades to the invitation and the answers
    assert RoundSummary.objects.get(round=round_).groups["it"] == [88, 32, 4]
    after = client.get(reverse("alignment:round", args=[round_.pk])).context["results"]
    assert after.figures == before.figures and after.figures.it_n == 4
    assert [d.figures for d in after.dimensions] == [d.figures for d in before.dimensions]
    assert (after.invited, after.answered) == (before.invited, before.answered)
    assert client.get(reverse("alignment:export", args=[round_.pk])).content == export_before
    assert organization_alignment(executive).figures == after.figures
    page = client.get(reverse("alignment:round", args=[round_.pk])).content.decode()
    assert "final as of the close: removing someone later changes none of them" in page


def test_a_deleted_respondents_comment_stays_among_the_frozen_comments(client, executive):
    """Otherwise the comment gone from the list would be known as theirs."""
    from alignment.services import round_close

    round_, marketing, _it = answered_round(executive, [[4] * 8] * 3, [[2] * 8] * 3, closed=False)
    answer(round_, marketing[0], [4] * 8, comments={"vision": "Nobody told us."})
    round_close(actor=executive, round_=round_)
    marketing[0].delete()
    client.force_login(executive)
    results = client.get(reverse("alignment:round", args=[round_.pk])).context["results"]
    assert [c for d in results.dimensions for c in d.comments] == ["Nobody told us."]


def test_the_trend_and_the_comparison_read_the_frozen_figures(owner, project):
    from alignment.models import RoundInvitation
    from alignment.selectors import round_trend
    from conftest import ProjectFactory

    others = []
    for level in (2, 3, 5):
        other = ProjectFactory.create(owner=owner)
        others.append(answered_round(owner, [[level] * 8] * 3, [[level] * 8] * 3 + [[5] * 8], project=other))
    this, _m, it_people = answered_round(owner, [[4] * 8] * 3, [[2] * 8] * 3 + [[5] * 8], project=project)
    trend = round_trend(this, viewer=owner)[-1].figures
    quartiles = round_results(this, viewer=owner).comparison
    RoundInvitation.objects.filter(round=this, user=it_people[-1]).delete()
    other_round, _m, other_it = others[0]
    RoundInvitation.objects.filter(round=other_round, user=other_it[-1]).delete()
    assert round_trend(this, viewer=owner)[-1].figures == trend and trend.it_n == 4
    assert round_results(this, viewer=owner).comparison == quartiles and quartiles.shown


def test_deleting_a_user_after_close_in_a_project_round_keeps_the_portfolio_true(client, executive, project):
    from alignment.models import RoundSummary
    from alignment.selectors import latest_project_alignment
    from alignment.services import round_close
    from raci.models import RaciAssignment

    round_, marketing, _it = answered_round(executive, [[4] * 8] * 4, [[2] * 8] * 3, project=project, closed=False)
    round_close(actor=executive, round_=round_)
    RaciAssignment.objects.filter(user=marketing[0]).delete()
    marketing[0].delete()
    assert RoundSummary.objects.get(round=round_).groups["marketing"] == [128, 32, 4]  # as at the close
    client.force_login(executive)
    portfolio = latest_project_alignment(type(project).objects.all())[project.pk].figures
    assert portfolio == _page_figures(client, round_) and portfolio.marketing_n == 4


def test_an_administrator_closing_an_open_round_stores_its_summary(executive):
    from alignment.models import RoundSummary

    round_, _, _ = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    round_.closes_at = timezone.now() - timedelta(minutes=5)
    round_.save()  # as the admin's change form does
    assert RoundSummary.objects.get(round=round_).closes_at == round_.closes_at


def test_a_closed_rounds_closing_date_cannot_move_into_the_future(executive):
    from django.core.exceptions import ValidationError

    from alignment.models import AlignmentRound, RoundSummary

    round_, _, _ = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS)
    closed_at = round_.closes_at
    round_.closes_at = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError, match="it is final"):
        round_.full_clean()
    with pytest.raises(ValidationError, match="it is final"):
        round_.save()
    assert AlignmentRound.objects.get(pk=round_.pk).closes_at == closed_at
    assert not RoundSummary.objects.filter(closes_at__gt=timezone.now()).exists()


def test_the_admin_shows_a_closed_rounds_date_read_only_and_refuses_to_reopen_it(client, admin_user, executive):
    from alignment.models import AlignmentRound

    round_, _, _ = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    client.force_login(admin_user)
    url = reverse("admin:alignment_alignmentround_change", args=[round_.pk])
    later = timezone.localtime() + timedelta(days=3)
    form = {"title": round_.title, "closes_at_0": f"{later:%Y-%m-%d}", "closes_at_1": f"{later:%H:%M:%S}"}
    form.update({"invitations-TOTAL_FORMS": "0", "invitations-INITIAL_FORMS": "0"})
    close(round_)  # it closes by time passing while the administrator's form is open
    closed_at = AlignmentRound.objects.get(pk=round_.pk).closes_at
    assert client.post(url, form).status_code == 302  # the title is saved; the date is not taken
    assert AlignmentRound.objects.get(pk=round_.pk).closes_at == closed_at
    page = client.get(url).content.decode()
    assert 'name="closes_at_0"' not in page  # read-only once closed


def test_the_admin_extends_an_open_round(client, admin_user, executive):
    from alignment.models import AlignmentRound

    round_, _, _ = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    client.force_login(admin_user)
    later = timezone.localtime(round_.closes_at) + timedelta(days=3)
    form = {"title": round_.title, "closes_at_0": f"{later:%Y-%m-%d}", "closes_at_1": f"{later:%H:%M:%S}"}
    form.update({"invitations-TOTAL_FORMS": "0", "invitations-INITIAL_FORMS": "0"})
    response = client.post(reverse("admin:alignment_alignmentround_change", args=[round_.pk]), form)
    assert response.status_code == 302
    assert AlignmentRound.objects.get(pk=round_.pk).closes_at > round_.closes_at + timedelta(days=2)


def test_deleting_a_round_takes_its_summary_with_it(executive):
    from alignment.models import AlignmentRound, RoundSummary
    from alignment.services import round_close

    round_, _, _ = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, closed=False)
    round_close(actor=executive, round_=round_)
    AlignmentRound.objects.filter(pk=round_.pk).delete()
    assert not RoundSummary.objects.exists()


def test_csv_export_opens_in_excel_with_its_characters(client, executive, example):
    client.force_login(executive)
    response = client.get(reverse("alignment:export", args=[example.pk]))
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
