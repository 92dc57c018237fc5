"""The blind rule on every page, fragment and export that shows scorecard
figures (issue 12), through ``projects.access.can_see_scorecard_figures``:
a person who has not submitted their own rating of a candidate sees none of
its figures, wherever they look. (The scorecard page, its chart and both
exports: ``test_side_views``; the choose page: ``test_scorecards``.)"""

import pytest
from django.urls import reverse

from common import tabular
from conftest import assign
from governance.models import Department
from raci.models import Role
from scorecards import services

pytestmark = pytest.mark.django_db

# A's figures in the example (see test_scorecards): only someone who may see A shows them.
A_FIGURES = ("18.33", "38.33", "17.50", "37.50")


@pytest.fixture
def newcomer(example, project, user_factory):
    person = user_factory(username="dev", first_name="Dev", department=Department.IT)
    assign(project.steps.get(number=4), person, Role.CONSULTED)
    return person


def rate_b(example, person):
    _sc, candidates, criteria = example
    scores = {c.pk: 4 for c in criteria.values()}
    services.ratings_save(actor=person, candidate=candidates["B"], scores=scores, comments={}, submit=True)


def test_project_page_sidebar_shows_only_the_candidates_the_viewer_rated(client, example, project, newcomer):
    rate_b(example, newcomer)
    client.force_login(newcomer)
    page = client.get(project.get_absolute_url()).content.decode()
    sidebar = page[page.index('data-testid="vendor-summary"') :]
    sidebar = sidebar[: sidebar.index("</table>")]
    assert 'fw-normal">B' in sidebar and 'fw-normal">A' not in sidebar and 'fw-normal">C' not in sidebar
    assert "2 candidates: results blind until you rate them." in page
    assert not any(figure in page for figure in A_FIGURES)


def test_a_draft_does_not_open_the_figures(client, example, project, newcomer):
    _sc, candidates, criteria = example
    services.ratings_save(
        actor=newcomer,
        candidate=candidates["A"],
        scores={c.pk: 4 for c in criteria.values()},
        comments={},
        submit=False,
    )
    client.force_login(newcomer)
    for page_url in (
        project.get_absolute_url(),
        reverse("scorecards:scorecard", kwargs={"slug": project.slug}),
        reverse("scorecards:export", kwargs={"slug": project.slug, "fmt": "csv"}),
    ):
        page = client.get(page_url).content.decode()
        assert not any(figure in page for figure in A_FIGURES), page_url


def test_portfolio_table_fragment_keeps_vendor_figures_blind(client, example, project, newcomer):
    """The htmx fragment the dashboard's filters and sorting load, sorted by the hidden figure."""
    client.force_login(newcomer)
    response = client.get(reverse("portfolio") + "?sort=-it", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="portfolio-table")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment  # the fragment, not the page
    assert "blind until you rate it" in fragment
    assert not any(figure in fragment for figure in A_FIGURES) and ">A<" not in fragment


def test_portfolio_export_keeps_vendor_figures_blind_in_excel_too(client, example, project, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("portfolio_export", args=["xlsx"]))
    rows = tabular.xlsx_rows(response.content)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Vendor"] in ("", None) and row["IT total"] in ("", None)
    assert row["Vendor standing"] == "blind until you rate it"
