"""Trend across rounds, comparison with other projects, and the results page's query count."""

import re

import pytest
from django.urls import reverse

from alignment.selectors import round_results
from alignment.tests.factories import IT_ANSWERS, MARKETING_ANSWERS, answered_round, questionnaire
from conftest import ProjectFactory

pytestmark = pytest.mark.usefixtures("questionnaire")
__all__ = ["questionnaire"]


def test_trend_lists_closed_rounds_of_the_same_scope_oldest_first(client, executive, project, owner):
    # Autumn: everyone answers 2 → 2.00 on both sides. Spring: the hand-computed example (2.93 / 2.91 / 2.96).
    _autumn, _m, _it = answered_round(executive, [[2] * 8] * 3, [[2] * 8] * 3, title="Autumn", days_ago=90)
    spring, _m, _it = answered_round(executive, MARKETING_ANSWERS, IT_ANSWERS, title="Spring")
    answered_round(executive, [[5] * 8] * 3, [[5] * 8] * 3, title="Still open", closed=False)
    answered_round(owner, [[1] * 8] * 3, [[1] * 8] * 3, title="Project round", project=project)
    client.force_login(executive)
    response = client.get(reverse("alignment:round", args=[spring.pk]))
    trend = response.context["results"].trend
    assert [p.round.title for p in trend] == ["Autumn", "Spring"]
    assert [p.figures.overall for p in trend] == [pytest.approx(2.0), pytest.approx(164 / 56)]
    table = re.search(r'data-testid="trend-table".*?</table>', response.content.decode(), re.S).group(0)
    rows = [re.sub(r"<[^>]+>|\s+", " ", r).split() for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]
    assert rows[0][-4:] == ["2.00", "2.00", "2.00", "0.00"]
    assert rows[1][-4:] == ["2.93", "2.91", "2.96", "-0.05"]
    assert 'id="trend-chart"' in response.content.decode()


def test_trend_of_an_invitee_leaves_out_rounds_they_were_not_part_of(executive):
    _first, first_marketing, _it = answered_round(executive, [[2] * 8] * 3, [[2] * 8] * 3, title="First", days_ago=30)
    second, _m, _it = answered_round(
        executive, [[4] * 8] * 3, [[4] * 8] * 3, title="Second", invitees=first_marketing[:1]
    )
    assert [p.round.title for p in round_results(second, viewer=first_marketing[0]).trend] == ["First", "Second"]
    third, third_marketing, _it = answered_round(executive, [[3] * 8] * 3, [[3] * 8] * 3, title="Third")
    assert [p.round.title for p in round_results(third, viewer=third_marketing[0]).trend] == ["Third"]


def test_project_is_compared_with_quartiles_of_other_projects(client, owner, executive, project):
    # Three other projects, each answered at one level by 3 people per side.
    for level in (2, 3, 5):
        other = ProjectFactory.create(owner=owner)
        answered_round(owner, [[level] * 8] * 3, [[level] * 8] * 3, project=other, title=f"Other {level}")
    this, _m, _it = answered_round(owner, MARKETING_ANSWERS, IT_ANSWERS, project=project, title="Ours")
    comparison = round_results(this, viewer=owner).comparison
    # Inclusive quartiles of 2, 3, 5: 2 + (3 − 2) × 0.5 = 2.5; median 3; 3 + (5 − 3) × 0.5 = 4.
    assert (comparison.lower_quartile, comparison.median, comparison.upper_quartile) == (2.5, 3.0, 4.0)
    assert comparison.this == pytest.approx(164 / 56) and comparison.position == "in the middle half"
    client.force_login(owner)
    page = re.sub(r"<[^>]+>|\s+", " ", client.get(reverse("alignment:round", args=[this.pk])).content.decode())
    assert "This project: 2.93 , in the middle half. Across 3 other projects" in re.sub(r" +", " ", page)
    assert "lower quartile 2.50, median 3.00, upper quartile 4.00" in page


def test_latest_round_of_each_other_project_counts(owner, project):
    others = [ProjectFactory.create(owner=owner) for _ in range(3)]
    answered_round(owner, [[1] * 8] * 3, [[1] * 8] * 3, project=others[0], title="Old", days_ago=60)
    for level, other in zip((2, 3, 4), others, strict=True):
        answered_round(owner, [[level] * 8] * 3, [[level] * 8] * 3, project=other, title="New", days_ago=1)
    this, _m, _it = answered_round(owner, [[5] * 8] * 3, [[5] * 8] * 3, project=project)
    comparison = round_results(this, viewer=owner).comparison
    assert (comparison.lower_quartile, comparison.median, comparison.upper_quartile) == (2.5, 3.0, 3.5)
    assert comparison.position == "in the top quarter"


def test_fewer_than_three_other_projects_are_not_compared(client, owner, project):
    other = ProjectFactory.create(owner=owner)
    answered_round(owner, [[2] * 8] * 3, [[2] * 8] * 3, project=other)
    this, _m, _it = answered_round(owner, MARKETING_ANSWERS, IT_ANSWERS, project=project)
    client.force_login(owner)
    page = client.get(reverse("alignment:round", args=[this.pk])).content.decode()
    assert "Not enough other projects to compare with: 1 other project has" in re.sub(r"\s+", " ", page)
    assert "median" not in page


@pytest.mark.parametrize(("respondents", "rounds"), [(3, 1), (12, 4)])
def test_results_page_queries_do_not_grow_with_respondents_or_rounds(
    client, owner, project, respondents, rounds, django_assert_max_num_queries
):
    for index in range(rounds):
        other = ProjectFactory.create(owner=owner)
        answered_round(owner, [[3] * 8] * respondents, [[2] * 8] * respondents, project=other, days_ago=index + 1)
        answered_round(owner, [[3] * 8] * respondents, [[4] * 8] * respondents, project=project, days_ago=index + 1)
    last, _m, _it = answered_round(owner, [[4] * 8] * respondents, [[2] * 8] * respondents, project=project)
    client.force_login(owner)
    url = reverse("alignment:round", args=[last.pk])
    with django_assert_max_num_queries(14) as captured:  # 14: the frozen figures are looked up first
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["results"].trend) == rounds + 1
    print(f"results page: {len(captured.captured_queries)} queries at {respondents} respondents, {rounds} rounds")


def test_the_anonymity_rule_lives_in_one_module_that_every_read_uses():
    from alignment import anonymity, selectors

    assert selectors.disclose is anonymity.disclose and selectors.MIN_RESPONDENTS == anonymity.MIN_RESPONDENTS == 3
    assert [anonymity.comparison_shown(n) for n in (2, 3)] == [False, True]
    hidden = anonymity.disclose({"marketing": anonymity.Group(8, 2, 2), "it": anonymity.Group(30, 10, 3)})
    assert (hidden.marketing, hidden.it, hidden.overall) == (None, 3.0, None)  # 2 uncovered: overall hidden too
    assert not anonymity.comments_shown(hidden) and hidden.gap is None and not hidden.big_gap
