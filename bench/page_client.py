"""The pages ``bench/pages.py`` measures, served in-process by Django's test client.

Import after ``django.setup()``. Every request goes through the real URL and the
whole middleware stack (sessions, CSRF, authentication, session lifetime, CSP,
django-axes...) with a session logged in beforehand; Django's test client skips
the network and the CSRF token check, nothing else.
"""

import cProfile
import io
import pstats
import re
import time
from dataclasses import dataclass
from itertools import cycle

from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import builder
from governance.models import User
from projects.models import Project
from raci.models import Role
from raci.selectors import matrix_for, matrix_version


@dataclass(frozen=True)
class Page:
    name: str
    viewer: str  # username
    expected: int = 200


PAGES = [
    Page("dashboard", "cmo"),
    Page("project list", "cmo"),
    Page("my work (IT lead)", "it0"),
    Page("my work (marketing ops)", "mops0"),
    Page("project page", "cmo"),
    Page("matrix save", "mops0", expected=302),
    Page("scorecard", "cmo"),
]
BY_NAME = {page.name: page for page in PAGES}


class Pages:
    """One logged-in client per viewer and a way to request each page."""

    def __init__(self):
        self.clients: dict[str, Client] = {}
        slugs = dict(Project.objects.filter(name__startswith="Benchmark: ").values_list("name", "slug"))
        self.urls = {
            "dashboard": reverse("portfolio"),
            "project list": reverse("project_list"),
            "my work (IT lead)": reverse("my_work"),
            "my work (marketing ops)": reverse("my_work"),
            "project page": reverse("project_detail", args=[slugs[builder.SUBJECT_PAGE]]),
            "matrix save": reverse("raci:matrix", args=[slugs[builder.SUBJECT_MATRIX]]),
            "scorecard": reverse("scorecards:scorecard", args=[slugs[builder.SUBJECT_SCORECARD]]),
        }
        self.matrix_project = Project.objects.get(slug=slugs[builder.SUBJECT_MATRIX])
        self._flips = None

    def client(self, username: str) -> Client:
        if username not in self.clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            self.clients[username] = client
        return self.clients[username]

    # --- The matrix save: a real form post, one cell changed each time ------------------------

    def _matrix_post(self) -> dict:
        """What the matrix page posts after its user changed one cell (C to I or back), at the version
        the page was opened at: prepared before the timer starts."""
        matrix = matrix_for(self.matrix_project)
        data = {"version": str(matrix_version(self.matrix_project)), "people": [str(p.pk) for p in matrix.people]}
        for person in matrix.people:
            data[f"opened-{person.pk}"] = "".join(matrix.role(person.pk, s.pk) or "-" for s in matrix.steps)
            for step in matrix.steps:
                data[f"cell-{person.pk}-{step.number}"] = matrix.role(person.pk, step.pk)
        if self._flips is None:
            self._flips = cycle(sorted(k for k, v in data.items() if k.startswith("cell-") and v in ("C", "I")))
        cell = next(self._flips)
        data[cell] = Role.INFORMED if data[cell] == Role.CONSULTED else Role.CONSULTED
        return data

    # --- Requests -----------------------------------------------------------------------------

    def _request(self, name: str):
        page = BY_NAME[name]
        client, url = self.client(page.viewer), self.urls[name]
        if name == "matrix save":
            data = self._matrix_post()
            return lambda: client.post(url, data)
        return lambda: client.get(url)

    def _check(self, name: str, response) -> None:
        expected = BY_NAME[name].expected
        if response.status_code != expected:
            body = response.content.decode(errors="replace")
            raise AssertionError(f"{name} answered {response.status_code}, not {expected}: {body[:300]}")
        if name == "matrix save":
            said = [str(m) for m in get_messages(response.wsgi_request)]
            if not any("1 changed" in m for m in said):
                raise AssertionError(f"the matrix save did not change one cell: {said}")

    def time(self, name: str) -> dict:
        request = self._request(name)
        started = time.perf_counter()
        response = request()
        elapsed = (time.perf_counter() - started) * 1000
        self._check(name, response)
        return {"ms": elapsed, "bytes": len(response.content)}

    def queries(self, name: str) -> int:
        request = self._request(name)
        with CaptureQueriesContext(connection) as captured:
            self._check(name, request())
        return len(captured.captured_queries)

    def profile(self, name: str, limit: int = 25) -> str:
        """cProfile of one request (Tandem's code by cumulative time, everything by own time)
        and its slowest SQL statements."""
        request = self._request(name)
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as captured:
            self._check(name, profiler.runcall(request))
        out = io.StringIO()
        own = r"/(common|governance|projects|raci|scorecards|alignment|inventory|intake|overview)/(?!tests)"
        for title, order, restrictions in (
            ("Tandem's code, by cumulative time", "cumulative", (own, limit)),
            ("everything, by own time", "tottime", (limit,)),
        ):
            out.write(f"\n### {name}: {title} (top {limit})\n")
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restrictions)
        queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        total = sum(float(q["time"]) for q in queries) * 1000
        out.write(f"\n### {name}: {len(queries)} queries, {total:.1f} ms in the database; the slowest\n\n")
        for query in queries[:8]:
            sql = re.sub(r"\s+", " ", query["sql"])
            out.write(f"- {float(query['time']) * 1000:.1f} ms: {sql[:600]}\n")
        for query in [q for q in queries if q["sql"].lstrip("( ").upper().startswith("SELECT")][:3]:
            out.write(f"\n### EXPLAIN ANALYZE ({float(query['time']) * 1000:.0f} ms)\n\n{query['sql']}\n\n")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query["sql"])
                out.writelines(f"    {line}\n" for (line,) in cursor.fetchall()[:40])
        return out.getvalue()

    def query_times(self, name: str, repeats: int = 9) -> dict:
        """Where one request of ``name`` spends its time: the whole request, and each of its
        SELECTs run again ``repeats`` times on its own (the median), in the request's order."""
        request = self._request(name)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            self._check(name, request())
            total = (time.perf_counter() - started) * 1000
        timed = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip("( ").upper().startswith("SELECT"):
                timed.append({"sql": re.sub(r"\s+", " ", sql)[:160], "ms": float(query["time"]) * 1000})
                continue
            runs = []
            with connection.cursor() as cursor:
                for _ in range(repeats):
                    started = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    runs.append((time.perf_counter() - started) * 1000)
            timed.append({"sql": re.sub(r"\s+", " ", sql)[:160], "ms": sorted(runs)[len(runs) // 2]})
        return {"request_ms": total, "queries": timed}
