"""Locust personas for the load test; ``bench/load.py`` runs them (docs/benchmarks.md).

Each simulated person logs in through the login form (its CSRF token read from
the page) as an account of ``var/bench/load-plan.json`` (``TANDEM_BENCH_PLAN``),
written by ``bench/load.py`` from the database under test, then works like a
browser: it reads a page, fills in the form it shows and posts it (a POST is
measured on its own, then the page it redirects to is read), with think time
between tasks.

* Executives (``cmo``, ``cio``): the dashboard, following its sort, filter and
  page links, project pages, scorecards, the dashboard's CSV and Excel exports.
* Marketing ops (``mops0``...): rate a candidate on a scorecard of a project
  they own (every criterion, submitted), edit a step's plan (its outcome).
* IT leads (``it0``...): save the RACI matrix of a project they lead (one cell
  changed from C to I or back), start a step that has an Accountable person.
* Everyone: My work.

Accounts are dealt out in turn, and each account's projects are its own, so two
simulated people never edit the same thing (which would make a correct 409
"changed meanwhile" look like an error).

``TANDEM_BENCH_EXPORTS=0``: executives think instead of downloading (to measure
what the downloads cost everyone else). ``TANDEM_BENCH_SOLO=1``: the single-user baseline: no think time beyond a
pause, and the user takes its persona's tasks in turn instead of at random,
``TANDEM_BENCH_SOLO_CYCLES`` times over (3), then stops the test.
``TANDEM_BENCH_LOG``: every request (time, name, duration, outcome) is written
there as JSON lines when the run stops; ``bench/load.py`` computes its figures
from it.
"""

import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import gevent
from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ.get("TANDEM_BENCH_PLAN", "var/bench/load-plan.json")).read_text())
PASSWORD = PLAN["password"]
SOLO = os.environ.get("TANDEM_BENCH_SOLO") == "1"
SOLO_CYCLES = int(os.environ.get("TANDEM_BENCH_SOLO_CYCLES", "3"))
THINK = constant(0.3) if SOLO else between(3, 10)
EXPORTS = os.environ.get("TANDEM_BENCH_EXPORTS", "1") == "1"  # 0: executives skip the downloads (--without-exports)
ACCOUNTS = {persona: itertools.cycle(accounts) for persona, accounts in PLAN["accounts"].items()}
RECORDS: list[dict] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, response=None, **kwargs):
    status = getattr(response, "status_code", None)
    RECORDS.append(
        {"t": time.time(), "method": request_type, "name": name, "ms": response_time, "bytes": response_length,
         "status": status, "error": None if exception is None else str(exception)[:300]}
    )  # fmt: skip


@events.test_stop.add_listener
def _write_log(**kwargs):
    path = os.environ.get("TANDEM_BENCH_LOG")
    if path:
        with open(path, "w") as out:
            out.writelines(json.dumps(record) + "\n" for record in RECORDS)


# --- Forms, read as a browser does -----------------------------------------------------------


class _Forms(HTMLParser):
    """Every form of a page: its action and the fields a browser would post (buttons apart)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "id": a.get("id"), "fields": [], "selects": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            fields.append([a["name"], a.get("value") or ""])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            fields.append([self._select, ""])
            self.forms[-1]["selects"][self._select] = len(fields) - 1
        elif tag == "option" and self._select and "selected" in a:
            fields[self.forms[-1]["selects"][self._select]][1] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append([self._textarea, ""])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][-1][1] += data


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


# --- The people ------------------------------------------------------------------------------


class Person(HttpUser):
    abstract = True
    persona = ""
    wait_time = THINK

    def on_start(self):
        self.account = next(ACCOUNTS[self.persona])
        page = self.client.get("/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        form = {"csrfmiddlewaretoken": token.group(1) if token else "", "username": self.account["username"],
                "password": PASSWORD}  # fmt: skip
        with self.client.post("/login/", data=form, name="login", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"logging in as {self.account['username']} answered {r.status_code}")
                raise StopUser()

    def read(self, url: str, name: str):
        """GET a page as a browser does; anything but a 200 that is not the login page is an error."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.error or ''}".strip())
            elif "/login/" in response.url:
                response.failure("sent to the login page: the session was lost")
            return response

    def send(self, url: str, fields, name: str, then: str):
        """POST a form; a 302 is success, and the page it leads to is read (named ``then``)."""
        with self.client.post(url, data=fields, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
        return self.read(response.headers["Location"], then)

    @task(3)
    def my_work(self):
        self.read("/my-work/", "my work")


class Executive(Person):
    persona = "executive"
    weight = 1

    @task(4)
    def dashboard(self):
        page = self.read("/portfolio/", "dashboard")
        links = sorted(set(re.findall(r'href="(\?[^"#]+)"', page.text)))
        if links and random.random() < 0.6:
            self.read("/portfolio/" + random.choice(links).replace("&amp;", "&"), "dashboard (sort, filter, page)")

    @task(4)
    def project_page(self):
        self.read(f"/projects/{random.choice(PLAN['projects'])}/", "project page")

    @task(2)
    def scorecard(self):
        self.read(f"/projects/{random.choice(PLAN['scorecards'])}/scorecard/", "scorecard")

    @task(1)
    def export_csv(self):
        if EXPORTS:
            self.read("/portfolio/export.csv", "dashboard export (CSV)")

    @task(1)
    def export_excel(self):
        if EXPORTS:
            self.read("/portfolio/export.xlsx", "dashboard export (Excel)")


class MarketingOps(Person):
    persona = "marketing_ops"
    weight = 2

    @task(3)
    def rate(self):
        slug, candidate = random.choice(self.account["rate"])
        url = f"/projects/{slug}/scorecard/candidates/{candidate}/rate/"
        page = self.read(url, "rate page")
        form = next((f for f in forms(page.text) if any(n.startswith("score_") for n, _ in f["fields"])), None)
        if form is None:
            page.failure("no rating form")
            return
        criteria = {n for n, _ in form["fields"] if n.startswith("comment_")}
        fields = [(n, v) for n, v in form["fields"] if not n.startswith("score_")]
        fields += [(f"score_{c.removeprefix('comment_')}", str(random.randint(1, 5))) for c in sorted(criteria)]
        self.send(url, [*fields, ("submit", "")], "rate (submit)", "scorecard")

    @task(2)
    def edit_step(self):
        slug, number = random.choice(self.account["edit"])
        url = f"/projects/{slug}/steps/{number}/edit/"
        page = self.read(url, "step form")
        form = next((f for f in forms(page.text) if any(n == "outcome" for n, _ in f["fields"])), None)
        if form is None:
            page.failure("no step form")
            return
        fields = [(n, f"Reviewed on {time.strftime('%d %b %H:%M:%S')}." if n == "outcome" else v)
                  for n, v in form["fields"]]  # fmt: skip
        self.send(url, fields, "step (save)", "project page")

    @task(1)
    def own_project(self):
        self.read(f"/projects/{random.choice(self.account['edit'])[0]}/", "project page")


class ITLead(Person):
    persona = "it_lead"
    weight = 2

    @task(3)
    def save_matrix(self):
        url = f"/projects/{random.choice(self.account['lead'])}/raci/"
        page = self.read(url, "matrix page")
        form = next((f for f in forms(page.text) if f["id"] == "matrix-form"), None)
        fields = form["fields"] if form else []
        cells = [i for i, (n, v) in enumerate(fields) if n.startswith("cell-") and v in ("C", "I")]
        if not cells:
            return
        fields = [list(pair) for pair in form["fields"]]
        cell = fields[random.choice(cells)]
        cell[1] = "I" if cell[1] == "C" else "C"
        self.send(url, [tuple(pair) for pair in fields], "matrix (save)", "matrix page")

    @task(2)
    def start_step(self):
        if not self.account["start"]:
            return
        slug, number = self.account["start"].pop()
        page = self.read(f"/projects/{slug}/", "project page")
        form = next((f for f in forms(page.text) if f["action"].endswith(f"/steps/{number}/status/start/")), None)
        if form is not None:
            self.send(form["action"], form["fields"], "step (start)", "project page")


def _in_turn(cls) -> None:
    """Solo mode: the persona's tasks in a fixed cycle, each as often as any other, ``SOLO_CYCLES``
    times over; then the test stops."""
    methods = sorted(set(cls.tasks), key=lambda t: t.__name__)
    order = itertools.chain.from_iterable(itertools.repeat(methods, SOLO_CYCLES))

    def next_task(user):
        method = next(order, None)
        if method is None:  # done: end the whole run now (from a greenlet of its own), not at -t
            gevent.spawn(user.environment.runner.quit)
            raise StopUser()
        method(user)

    cls.tasks = [next_task]


if SOLO:
    for _cls in (Executive, MarketingOps, ITLead):
        _in_turn(_cls)
