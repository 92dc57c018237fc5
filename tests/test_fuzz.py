"""Hostile input on every page: no answer of 500 or more, and no partial write.

The pages come from the URL table (``tests.test_access.TABLE``), never a list
of their own: a URL that gains a row there is fuzzed here too. For each row,
one test draws (hypothesis) a persona and a request:

* **POST** rows: the body is built from the real form: the fields of every
  ``<form method="post">`` whose action is the row's URL, found by rendering
  the GET pages of the same target as the people who may read them
  (``<input>``, ``<select>``, ``<textarea>`` names, their offered values and
  the CSRF token, parsed with ``html.parser``). Each field is left out, sent
  once or sent two or three times; extra fields are added, some named like the
  real ones with another project's ids in them.
* **GET** rows: the query string is built the same way from the row's own
  parameters, the fields of ``<form method="get">`` aimed at the page and the
  query keys of its links to itself.

Values mix the page's own offered values with hostile ones: any unicode text,
NUL bytes, huge and negative numbers (2^63 + 1 and beyond), 60,000-character
text, impossible dates, and the ids and slug of another project the persona
may or may not see (``Other``).

The world is built once for the module (``shared``: the table's personas and
project, ``World.populate``, another project) and every example runs inside a
savepoint rolled back afterwards, so each starts from the same populated world;
the budget is fixed (``derandomize=True``): the same examples on every run. What must hold:

1. the answer is below 500 (an exception raised by the view fails the test,
   naming the request);
2. a GET changes nothing, whatever it was sent;
3. a refused POST (a 4xx, or the form shown again with its errors) changes
   nothing: every row of every table of Tandem's own apps is the same after it
   as before it. Any other answer (a redirect, a page saying it is done) may be
   a complete write or a refusal told in a message: the services' own tests
   check those.

Besides the drawn examples, each row gets a fixed sweep (``sweep``): a
plausible request, then every field at once set to each hostile value, as the
broadest persona the row lets through.

Budget: the sweep plus ``TANDEM_FUZZ_EXAMPLES`` drawn examples per row (default
20: about 2,000 requests, under a minute per database on an idle machine, as
the world is built once per module); raise it for a longer hunt (60 takes
about five minutes).
"""

import hashlib
import os
import re
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

import conftest
from alignment.defaults import ensure_default_questionnaire
from alignment.models import RoundDimension
from alignment.services import round_open
from conftest import ProjectFactory, UserFactory
from governance.models import Department
from scorecards.defaults import ensure_default_criteria
from scorecards.services import candidate_save, scorecard_for
from tests.test_access import PERSONAS, TABLE, Row, World, inactive

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "20"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing request is printed as drawn
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
# Tandem's own apps: a refused POST leaves every row of their tables as it was.
OWN_APPS = ("governance", "projects", "raci", "scorecards", "alignment")
# Personas who read the pages whose forms are parsed (the broadest first).
FORM_READERS = ("admin_user", "executive", "owner", "it_lead", "member", "anonymous")
HUGE = 2**63 + 1
qn = connection.ops.quote_name


# --- Reading the forms of a page ----------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values the page offers


class FormParser(HTMLParser):
    """Every form of a page with its field names and offered values; also the
    query keys of the page's links (``links``: path → keys)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: dict[str, set[str]] = {}
        self._form: Form | None = None
        self._select: str | None = None

    def _add(self, name: str, value: str | None) -> None:
        if self._form is not None and name:
            values = self._form.fields.setdefault(name, [])
            if value is not None and value not in values:
                values.append(value)

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(attrs.get("method", "get").lower(), attrs.get("action", ""))
            self.forms.append(self._form)
        elif tag in ("input", "button") and attrs.get("name"):
            self._add(attrs["name"], attrs.get("value"))
        elif tag == "textarea":
            self._add(attrs.get("name", ""), None)
        elif tag == "select":
            self._select = attrs.get("name", "")
            self._add(self._select, None)
        elif tag == "option" and self._select:
            self._add(self._select, attrs.get("value"))
        elif tag == "a" and "?" in attrs.get("href", ""):
            parts = urlsplit(attrs["href"])
            self.links.setdefault(parts.path, set()).update(k for k, _v in parse_qsl(parts.query, True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_forms(client: Client, url: str) -> FormParser:
    parser = FormParser()
    response = client.get(url)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode())
    return parser


def _reads(row: Row, persona: str) -> bool:
    status = row.expected[persona]
    return isinstance(status, int) and 200 <= status < 300


def _pages(row: Row) -> list[Row]:
    """The GET rows whose pages may hold ``row``'s form. A query string's form
    and links are on the page itself; a POST form on the pages of the same
    target (its own page first), or failing that on the project's and the site's."""
    if row.method == "get":
        return [row]
    same = sorted((r for r in TABLE if r.method == "get" and r.target == row.target), key=lambda r: r.name != row.name)
    rest = [r for r in TABLE if r.method == "get" and r.target in ("project", "") and r not in same]
    return same + rest


def discover_fields(world: World, clients: dict[str, Client], row: Row) -> dict[str, list[str]]:
    """The field names (with offered values) of the forms aimed at ``row``'s URL
    with ``row.method``, and the row's own parameters, read from the first page
    (``_pages``) that has such a form, as the broadest persona who may read it."""
    url = world.url(row)
    found: dict[str, list[str]] = {key: [str(value)] for key, value in world.params(row).items()}
    for page in _pages(row):
        readers = [p for p in FORM_READERS if _reads(page, p)]
        if not readers:
            continue
        page_url = world.url(page)
        parsed = page_forms(clients[readers[0]], page_url)
        forms = [f for f in parsed.forms if f.method == row.method and (urlsplit(f.action).path or page_url) == url]
        for form in forms:
            for name, offered in form.fields.items():
                found.setdefault(name, []).extend(v for v in offered if v not in found[name])
        if row.method == "get":
            for key in parsed.links.get(url, ()):
                found.setdefault(key, [])
        if forms:
            break
    return found


# --- Another project: ids the persona may not use ------------------------------------------


@dataclass
class Other:
    """A project nobody in the personas belongs to, with a candidate and a round."""

    slug: str
    ids: list[int]


def other_project() -> Other:
    ensure_default_criteria()
    ensure_default_questionnaire()
    owner = UserFactory(department=Department.MARKETING_OPS)
    stranger = UserFactory(department=Department.IT)
    project = ProjectFactory.create(owner=owner, it_lead=stranger, name="Someone else's project")
    candidate = candidate_save(actor=owner, scorecard=scorecard_for(project), name="Initech")
    round_ = round_open(
        actor=owner,
        title="Their round",
        closes_on=timezone.localdate() + timedelta(days=7),
        invitees=[owner, stranger],
        project=project,
    )
    dimension_ids = list(RoundDimension.objects.filter(round=round_).values_list("pk", flat=True))
    step_ids = list(project.steps.values_list("pk", flat=True)[:2])
    return Other(
        project.slug, [owner.pk, stranger.pk, project.pk, candidate.pk, round_.pk, *dimension_ids[:2], *step_ids]
    )


# --- The hostile values ----------------------------------------------------------------------


HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "-0",
    "1.5",
    "3.5",
    "1e309",
    "NaN",
    "inf",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(HUGE),
    str(-HUGE),
    "9" * 400,
    "x" * 60_000,
    "é" * 60_000,
    "2026-13-45",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\u202e\ufeff\U0001f600",
    "true",
    "on",
]
# Text hypothesis draws: any code point but lone surrogates (not encodable as a request).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def values(offered: list[str], other: Other) -> st.SearchStrategy[str]:
    options = [st.sampled_from(HOSTILE_STRINGS), TEXT, st.integers(-HUGE, HUGE).map(str)]
    options.append(st.sampled_from([str(i) for i in other.ids] + [other.slug]))
    if offered:
        options = [st.sampled_from(offered)] * 3 + options  # mostly plausible, so deeper code runs
    return st.one_of(options)


def _foreign_names(names: list[str], other: Other) -> list[str]:
    """Field names like the page's, with another project's ids in place of theirs."""
    return sorted({re.sub(r"\d+", str(i), n) for n in names if re.search(r"\d", n) for i in other.ids[-4:]})


EXTRA_NAMES = ["id", "pk", "project", "project_id", "owner", "user", "slug", "next", "round", "role", "__proto__"]


@st.composite
def request_data(draw, fields: dict[str, list[str]], other: Other) -> dict[str, list[str]]:
    """A body or query: each real field left out, sent once or repeated; extra fields besides."""
    data: dict[str, list[str]] = {}
    for name, offered in fields.items():
        copies = draw(st.sampled_from([0, 1, 1, 1, 2, 3]))
        if copies:
            data[name] = [draw(values(offered, other)) for _ in range(copies)]
    extras = EXTRA_NAMES + _foreign_names(list(fields), other)
    for name in draw(st.lists(st.one_of(st.sampled_from(extras), TEXT.filter(bool)), max_size=3, unique=True)):
        data[name] = [draw(values([], other)) for _ in range(draw(st.integers(1, 2)))]
    return data


# --- Checking a request ------------------------------------------------------------------------


def _tables() -> list[tuple[str, str]]:
    return [
        (model._meta.db_table, model._meta.pk.column)
        for app in OWN_APPS
        for model in apps.get_app_config(app).get_models()
    ]


def fingerprint() -> str:
    """A digest of every row of every table of Tandem's own apps (PostgreSQL:
    one query that digests each table in the database)."""
    tables = _tables()
    if connection.vendor == "postgresql":
        columns = ", ".join(
            f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{qn(pk)}), '')) FROM {qn(table)} t)"
            for table, pk in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}")
            return "".join(cursor.fetchone())
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table, pk in tables:
            cursor.execute(f"SELECT * FROM {qn(table)} ORDER BY {qn(pk)}")
            digest.update(table.encode() + repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def refused(response) -> bool:
    """A 4xx, or a page shown again with a form's errors: nothing may have been written."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200 or not response.context:
        return False
    contexts = response.context if isinstance(response.context, list) else [response.context]
    shown = [v for context in contexts for v in context.flatten().values()]
    return any(isinstance(v, BaseForm | BaseFormSet) and v.is_bound and not v.is_valid() for v in shown)


def _signed_in_clients(world: World) -> dict[str, Client]:
    clients = {}
    for persona in PERSONAS:
        client = Client(enforce_csrf_checks=False)
        if persona != "anonymous":
            client.force_login(world.persona(persona))
        clients[persona] = client
    return clients


# --- One world for the whole module ----------------------------------------------------------


def _body(fixture):
    """What a fixture of ``conftest.py`` or ``tests/test_access.py`` builds, called
    directly, so the module's one world has the very personas of the table."""
    return fixture._get_wrapped_function()


class SharedWorld(World):
    """``tests.test_access.World`` with its personas built once for the module."""

    def __init__(self):
        people = {name: _body(getattr(conftest, name))(None) for name in PERSONAS if hasattr(conftest, name)}
        project = _body(conftest.project)(people["owner"], people["it_lead"], people["member"])
        people["inactive"] = _body(inactive)(project)
        self.people = people
        super().__init__(None, project)

    def persona(self, name):
        return self.people[name]


@dataclass
class Shared:
    world: SharedWorld
    other: Other
    clients: dict[str, Client]
    cookies: dict[str, str]


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """The populated world, another project and a signed-in client per persona,
    built once in a transaction rolled back after the module's last test (each
    example runs in a savepoint of its own, rolled back too)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = SharedWorld()
        world.populate()
        other = other_project()
        clients = _signed_in_clients(world)
        cookies = {persona: client.cookies.output(header="", sep=";") for persona, client in clients.items()}
        yield Shared(world, other, clients, cookies)
        transaction.set_rollback(True)


def _describe(row: Row, url: str, persona: str, data: dict) -> str:
    shown = {k[:60]: [v[:60] + (f"…({len(v)} chars)" if len(v) > 60 else "") for v in vs] for k, vs in data.items()}
    return f"{row.method.upper()} {url} as {persona} with {shown!r}"


def _send(client: Client, row: Row, url: str, data: dict, where: str):
    try:
        return getattr(client, row.method)(url, data)
    except Exception as error:  # the view raised: Django would answer 500
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "/.venv/" not in f.filename and "site-packages" not in f.filename]
        at = ours[-1] if ours else frames[-1]
        pytest.fail(f"500 on {where}: {type(error).__name__}: {error!s:.300} (at {at.filename}:{at.lineno})")


def _user(row: Row) -> str:
    """The broadest persona the row lets through (else the first signed-in one)."""
    allowed = [p for p in reversed(PERSONAS) if isinstance(row.expected[p], int) and row.expected[p] < 400]
    return allowed[0] if allowed else "member"


def sweep(fields: dict[str, list[str]], other: Other) -> list[dict[str, list[str]]]:
    """Fixed requests besides the drawn ones: a plausible one (every field at the
    first value its page offers), then every field at once set to each hostile
    value the issue names (NUL, beyond 2^63, 60,000 characters, negative, another
    project's id and slug), so each is tried on every form whatever is drawn."""
    plausible = {name: offered[:1] or ["1"] for name, offered in fields.items()}
    hostile = ["a\x00b", str(HUGE), "x" * 60_000, "-1", str(other.ids[-1]), other.slug]
    return [plausible] + [{name: [value] for name in fields} or {"id": [value]} for value in hostile]


@pytest.mark.django_db  # a savepoint inside the module's transaction (``shared``)
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_hostile_input_never_answers_500_nor_writes_half(shared, row):
    world, clients = shared.world, shared.clients
    url = world.url(row)
    fields = discover_fields(world, clients, row)

    def attempt(persona: str, data: dict[str, list[str]], *, drawn: bool = True) -> None:
        client = clients[persona]
        client.cookies = SimpleCookie(shared.cookies[persona])  # an earlier example's logout or login is undone
        where = _describe(row, url, persona, data)
        if drawn:
            note(where)
        with transaction.atomic():
            before = fingerprint()
            response = _send(client, row, url, data, where)
            assert response.status_code < 500, f"{response.status_code} on {where}"
            if row.method == "get" or refused(response):
                assert fingerprint() == before, f"{response.status_code} on {where} changed the database"
            transaction.set_rollback(True)

    for data in sweep(fields, shared.other):
        attempt(_user(row), data, drawn=False)

    @FUZZ_SETTINGS
    @given(persona=st.sampled_from(PERSONAS), data=request_data(fields, shared.other))
    def check(persona, data):
        attempt(persona, data)

    check()


# --- The checks themselves can fail ----------------------------------------------------------


@pytest.mark.django_db
def test_the_fingerprint_sees_an_update_not_only_a_count(shared):
    project = shared.world.project
    before = fingerprint()
    type(project).objects.filter(pk=project.pk).update(name="Renamed")
    assert fingerprint() != before


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_counts_as_refused(shared):
    client = shared.clients["owner"]
    response = client.post(reverse("projects:create"), {"name": ""})
    assert response.status_code == 200 and refused(response)
    assert not refused(client.get(reverse("projects:create")))  # an unbound form is not a refusal


def test_the_form_parser_reads_names_values_and_links():
    parser = FormParser()
    parser.feed(
        '<form method="post" action="/x/"><input name="a" value="1"><select name="s"><option value="o1">'
        '<option value="o2"></select><textarea name="t"></textarea></form><a href="/y/?q=1&amp;page=2">y</a>'
    )
    assert parser.forms[0].method == "post" and parser.forms[0].action == "/x/"
    assert parser.forms[0].fields == {"a": ["1"], "s": ["o1", "o2"], "t": []}
    assert parser.links == {"/y/": {"q", "page"}}
