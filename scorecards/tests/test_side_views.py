"""Each side's view per priority group (issue 12): per candidate, the IT and the
Marketing priorities totals as IT-side raters scored them and as Marketing-side
raters did: in the table, the chart's data and both exports, blind as the rest.

Hand-computed on the example of ``test_scorecards`` (Ivan rates for IT; Alice
and Bob for Marketing; Security weighs 2; 4 everywhere except):

* A: by IT raters IT 20.00, Marketing 20.00; by Marketing raters Security
  (4 + 1) / 2 = 2.5 → IT (2 × 2.5 + 16) / 6 × 5 = 17.50, Marketing 20.00.
* B: by IT raters Customer experience 2 → Marketing (2 + 16) = 18.00, IT 20.00;
  by Marketing raters (2 + 3) / 2 = 2.5 → Marketing 18.50, IT 20.00.
* C: the same as B with Scalability: 20.00, 18.00; 20.00, 18.50.
"""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from common import tabular
from conftest import assign
from governance.models import Department
from raci.models import Role
from scorecards import services
from scorecards.selectors import SIDE_VIEW_HEADERS, scorecard_results

D = Decimal
pytestmark = pytest.mark.django_db
# (IT by IT raters, Marketing by IT raters, IT by Marketing raters, Marketing by Marketing raters)
EXPECTED = {
    "A": (D("20.00"), D("20.00"), D("17.50"), D("20.00")),
    "B": (D("20.00"), D("18.00"), D("20.00"), D("18.50")),
    "C": (D("20.00"), D("18.00"), D("20.00"), D("18.50")),
}


def four(result):
    return (
        result.it_total_by_it_raters,
        result.marketing_total_by_it_raters,
        result.it_total_by_marketing_raters,
        result.marketing_total_by_marketing_raters,
    )


def chart_of(page: str) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def url(project, name="scorecard", **kwargs):
    return reverse(f"scorecards:{name}", kwargs={"slug": project.slug, **kwargs})


def test_each_sides_totals_per_priority_group_are_hand_computed(example):
    sc, _, _ = example
    results = {r.candidate.name: r for r in scorecard_results(sc, viewer=None).candidates}
    assert {name: four(r) for name, r in results.items()} == EXPECTED


def test_a_group_no_rater_of_a_side_scored_has_no_total_for_that_side(default_criteria, project, owner):
    sc = services.scorecard_for(project)
    candidate = services.candidate_save(actor=owner, scorecard=sc, name="Acme")
    scores = {c.pk: 3 for c in sc.criteria.all()}
    services.ratings_save(actor=owner, candidate=candidate, scores=scores, comments={}, submit=True)  # Marketing
    (result,) = scorecard_results(sc, viewer=None).candidates
    assert four(result) == (None, None, D("15.00"), D("15.00"))


def test_the_ranking_table_shows_the_four_figures(client, example, executive, project):
    client.force_login(executive)
    page = client.get(url(project)).content.decode()
    ranking = page[page.index('id="ranking"') : page.index('id="criteria"')]
    row_a = ranking[ranking.index('data-candidate="A"') :]
    row_a = row_a[: row_a.index("</tr>")]
    for key, figure in zip(
        ("it-by-it", "marketing-by-it", "it-by-marketing", "marketing-by-marketing"), EXPECTED["A"], strict=True
    ):
        assert f'data-figure="{key}">{figure}<' in row_a
    assert "By IT raters" in ranking and "By Marketing raters" in ranking


def test_the_chart_data_carries_the_four_figures_without_inline_script(client, example, executive, project):
    client.force_login(executive)
    page = client.get(url(project)).content.decode()
    chart = chart_of(page)
    assert chart["labels"] == ["A", "B", "C"]
    assert chart["it_by_it"] == [20.0, 20.0, 20.0] and chart["marketing_by_it"] == [20.0, 18.0, 18.0]
    assert chart["it_by_marketing"] == [17.5, 20.0, 20.0] and chart["marketing_by_marketing"] == [20.0, 18.5, 18.5]
    assert 'id="sides-chart"' in page
    results = page[page.index('id="results-heading"') :]
    for tag in re.findall(r"<script\b[^>]*>", results):  # data blocks and files only: a strict CSP holds
        assert 'type="application/json"' in tag or "src=" in tag, tag


def test_both_exports_carry_the_four_figures(client, example, executive, project):
    client.force_login(executive)
    rows = list(csv.reader(io.StringIO(client.get(url(project, "export", fmt="csv")).content.decode("utf-8-sig"))))
    table = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    for name, figures in EXPECTED.items():
        assert [table[name][h] for h in SIDE_VIEW_HEADERS] == [str(f) for f in figures]
    sheet = tabular.xlsx_rows(client.get(url(project, "export", fmt="xlsx")).content)
    xlsx = {row[1]: dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]}
    for name, figures in EXPECTED.items():
        assert [xlsx[name][h] for h in SIDE_VIEW_HEADERS] == [pytest.approx(float(f)) for f in figures]


def test_the_side_figures_stay_blind_until_the_viewer_rated_the_candidate(client, example, project, user_factory):
    _sc, candidates, criteria = example
    newcomer = user_factory(department=Department.IT, first_name="Dev")
    assign(project.steps.get(number=4), newcomer, Role.CONSULTED)
    client.force_login(newcomer)
    page = client.get(url(project)).content.decode()
    assert "17.50" not in page and 'id="chart-data"' not in page
    services.ratings_save(
        actor=newcomer, candidate=candidates["B"], scores={c.pk: 4 for c in criteria.values()}, comments={}, submit=True
    )
    page = client.get(url(project)).content.decode()
    assert chart_of(page)["labels"] == ["B"] and "17.50" not in page  # A's figures stay hidden
    rows = list(csv.reader(io.StringIO(client.get(url(project, "export", fmt="csv")).content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["B"]
    sheet = tabular.xlsx_rows(client.get(url(project, "export", fmt="xlsx")).content)
    assert [row[1] for row in sheet[1:]] == ["B"]
