"""Factories and personas shared by every app's tests.

Personas (after healthchecks' alice/bob/charlie), each on the ``project``
fixture: ``owner`` (Marketing Ops, owns it), ``it_lead`` (its IT lead),
``member`` (holds only a Consulted role: may read, not change), ``outsider``
(must see nothing), ``executive`` (CIO: reads everything), ``admin`` (staff).
"""

import factory
import pytest
from factory.django import DjangoModelFactory

from governance.models import Department, User
from projects.models import Project
from projects.services import project_create
from raci.models import RaciAssignment, Role

PASSWORD = "correct-horse-battery"


def pytest_configure(config):
    """The suite runs with governance.settings_test (pytest.ini), never by accident
    with production settings: a DJANGO_SETTINGS_MODULE in the environment beats
    pytest.ini, so say so plainly instead of testing the wrong thing."""
    from django.conf import settings

    if not getattr(settings, "TESTING", False):
        raise pytest.UsageError(
            f"The tests need DJANGO_SETTINGS_MODULE=governance.settings_test (pytest.ini), "
            f"not {settings.SETTINGS_MODULE!r}: unset DJANGO_SETTINGS_MODULE or pass --ds."
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    department = Department.MARKETING
    password = factory.django.Password(PASSWORD)


class ProjectFactory:
    """Projects through the service, so each has its ten steps."""

    counter = 0

    @classmethod
    def create(cls, *, owner: User | None = None, name: str | None = None, **kwargs) -> Project:
        cls.counter += 1
        owner = owner or UserFactory(department=Department.MARKETING_OPS)
        return project_create(
            actor=owner,
            owner=owner,
            name=name or f"Project {cls.counter}",
            problem=kwargs.pop("problem", "Campaigns cannot reach the right customers."),
            **kwargs,
        )


def assign(step, user, role: str) -> RaciAssignment:
    return RaciAssignment.objects.create(step=step, user=user, role=role)


def decide_vendor(*, actor, scorecard, candidate, rationale: str = "Fit.", against_ranking_reason: str = ""):
    """Record a vendor decision that stands: both sponsors agree (vendor decisions need
    both sides' signatures). A project without sponsors gets its owner as marketing
    sponsor and its IT lead (or owner) as IT sponsor first. Returns the decision."""
    from scorecards import services

    project = scorecard.project
    missing = {"marketing_sponsor": project.owner, "it_sponsor": project.it_lead or project.owner}
    changed = [field for field in missing if getattr(project, f"{field}_id") is None]
    for field in changed:
        setattr(project, field, missing[field])
    if changed:
        project.save(update_fields=changed)
    decision = services.decision_record(
        actor=actor, scorecard=scorecard, candidate=candidate, rationale=rationale,
        against_ranking_reason=against_ranking_reason,
    )  # fmt: skip
    for side, sponsor in (("marketing", project.marketing_sponsor), ("it", project.it_sponsor)):
        if decision.stood_at is None and not decision.signatures.filter(side=side).exists():
            services.decision_sign(actor=sponsor, decision=decision, side=side, agrees=True)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def project_factory(db):
    return ProjectFactory


@pytest.fixture
def owner(db):
    return UserFactory(username="alice", first_name="Alice", last_name="Owner", department=Department.MARKETING_OPS)


@pytest.fixture
def it_lead(db):
    return UserFactory(username="ivan", first_name="Ivan", last_name="Lead", department=Department.IT)


@pytest.fixture
def member(db):
    return UserFactory(username="bob", first_name="Bob", last_name="Member", department=Department.MARKETING)


@pytest.fixture
def outsider(db):
    return UserFactory(username="charlie", first_name="Charlie", last_name="Outsider", department=Department.IT)


@pytest.fixture
def executive(db):
    return UserFactory(username="cio", first_name="Cara", last_name="Cio", department=Department.IT, is_executive=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", department=Department.OTHER, is_staff=True, is_superuser=True)


@pytest.fixture
def project(owner, it_lead, member):
    """An active project owned by ``owner`` with ``it_lead`` as IT lead and
    ``member`` Consulted on step 1 (a read-only member)."""
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Customer data platform")
    assign(project.steps.get(number=1), member, Role.CONSULTED)
    return project


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Real browser ---------------------------------------------------------------


@pytest.fixture(scope="session")
def _browser():
    import os

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason

    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server, transactional_db):
    """A browser page on the live server. The test fails if any page it opened
    broke the Content-Security-Policy (a ``securitypolicyviolation`` event, or
    Chromium's "Refused to …" console error): whatever the test checked, a page
    that needs an inline script or style does not work as written in production."""
    from tests.browser import watch_csp

    context = _browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(10_000)
    page, violations = watch_csp(context)
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)), pytrace=False)


@pytest.fixture
def browser_login(page):
    """Log ``user`` in through the real login form."""

    def _login(user, password: str = PASSWORD):
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _login
