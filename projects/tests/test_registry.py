"""The project pages' tabs and sidebar cards come from the apps that register them."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from projects import registry

ABOVE_PROJECTS = ("raci", "scorecards", "alignment", "overview")


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(registry, "_places", {place: {} for place in registry._places})


def test_parts_come_in_order_and_registering_again_moves_one(clean_registry):
    registry.register_tab("b/_tab.html", order=20)
    registry.register_tab("a/_tab.html", order=10)
    registry.register_tab("c/_tab.html", order=20)
    assert registry.tabs() == ["a/_tab.html", "b/_tab.html", "c/_tab.html"]  # a tie: by name
    registry.register_tab("a/_tab.html", order=30)
    assert registry.tabs() == ["b/_tab.html", "c/_tab.html", "a/_tab.html"]
    registry.register_sidebar("z/_card.html", order=1)
    assert registry.sidebars() == ["z/_card.html"] and len(registry.tabs()) == 3


def test_the_installed_apps_register_the_project_page_parts():
    assert registry.tabs() == [
        "overview/_project_tab.html",
        "raci/_project_tab.html",
        "scorecards/_project_tab.html",
        "alignment/_project_tab.html",
    ]
    assert registry.sidebars() == [
        "intake/_project_sidebar.html",
        "raci/_project_summary.html",
        "overview/_going_alone_card.html",
        "projects/_liaisons_sidebar.html",
        "raci/_framework_sidebar.html",
        "raci/_duties_sidebar.html",
        "scorecards/_project_sidebar.html",
        "alignment/_project_sidebar.html",
        "raci/_project_sidebar.html",
    ]


@pytest.mark.django_db
def test_project_pages_show_the_registered_tabs_in_order(client, project, owner):
    client.force_login(owner)
    page = client.get(project.get_absolute_url()).content.decode()
    tabs = re.search(r'<ul class="nav nav-tabs[^>]*>(.*?)</ul>', page, re.S).group(1)
    labels = re.findall(r'<a class="nav-link[^"]*"[^>]*>([^<]+)</a>', tabs)
    assert labels == ["Overview", "RACI matrix", "Scorecard", "Alignment"]
    assert '<a class="nav-link active" aria-current="page"' in tabs  # the Overview tab, on its page
    headings = re.findall(r'<h2 class="h6"[^>]*>([^<]+)</h2>', page)
    assert headings[1:] == ["RACI summary", "Liaisons", "Vendor scorecard", "Alignment", "Reminders sent"]


def test_projects_templates_and_code_name_no_app_above_projects():
    """``projects`` sits below RACI, scorecards, alignment and the overview pages:
    its templates include none of their templates and reverse none of their URLs."""
    above = "|".join(ABOVE_PROJECTS)
    named = re.compile(rf"""["'](?:{above})[:/]""")
    templates = Path(settings.BASE_DIR) / "templates" / "projects"
    code = Path(settings.BASE_DIR) / "projects"
    files = [*templates.rglob("*.html"), *(p for p in code.rglob("*.py") if "tests" not in p.parts)]
    offenders = [f"{p.name}: {m.group(0)}" for p in files for m in named.finditer(p.read_text())]
    assert offenders == []


def test_parts_with_a_context_are_shown_only_when_it_returns_one(clean_registry):
    registry.register_my_work("b/_mine.html", order=20, context=lambda viewer: {"count": viewer})
    registry.register_my_work("a/_none.html", order=10, context=lambda viewer: None)
    registry.register_sidebar("c/_card.html", order=5, context=lambda viewer, project: {"p": project})
    assert registry.shown("my_work", 3) == [registry.Shown("b/_mine.html", {"count": 3})]
    assert registry.shown("sidebar", 1, "x") == [registry.Shown("c/_card.html", {"p": "x"})]
    assert registry.shown("tile", 1) == []
