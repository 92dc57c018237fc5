"""A real HTTP receiver on 127.0.0.1 (``http.server`` in a thread) and eager Celery.

Celery runs tasks in the calling process here (``task_always_eager``), so a
delivery queued after a commit is attempted at once against the receiver, and
nothing is written to the development broker's queue folder. A countdown is
ignored in eager mode, but a retry that is not yet due is refused by the claim
(``integrations.delivery.claim``), so the tests move ``next_retry_at`` by hand.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from governance.celery import app
from raci.models import Role


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "raw": raw})
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/tandem?x=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json(self, index: int = -1) -> dict:
        return json.loads(self.requests[index]["raw"])

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def eager_celery():
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = False, False


@pytest.fixture
def owned_project(project, owner):
    """``project`` with ``owner`` Accountable and Responsible on step 1, so it can start, block and finish."""
    step = project.steps.get(number=1)
    from conftest import assign

    assign(step, owner, Role.ACCOUNTABLE)
    return project
