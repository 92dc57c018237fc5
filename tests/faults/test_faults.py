"""The fault suite: real processes, real outages.

A private PostgreSQL (``initdb`` into a temporary directory, port
``TANDEM_FAULT_PG_PORT``, 5499) and a private Redis (``TANDEM_FAULT_REDIS_PORT``,
6399) are started for this module alone, never the machine's shared servers;
two Celery workers, Celery beat and the web (``manage.py runserver``) run
against them. Then:

* PostgreSQL is stopped for a few seconds in the middle of a sweep, twice, each
  time just as a digest is being accepted by the "mail server": no digest is
  sent twice, none is lost, the run finishes on its own; ``/health/`` answers
  503 naming the database during the outage and 200 after, logging each outage
  once, with no traceback.
* Redis is stopped while a sweep is sending: the sweep finishes without it,
  the workers reconnect by themselves, nothing is sent twice.
* Redis is stopped across beat's ticks: once it is back, the sweep happens
  within a bounded time; ``/health/`` names the broker meanwhile; the workers
  log no spurious time-limit failure and no connection-loss warning.

Where a send completes is decided by the gated e-mail backend
(``tests/slow_email.py``), not by timing. Starts servers, so it runs only with
``TANDEM_FAULT_TESTS=1`` (``.ci/run`` sets it in its own step).
"""

import json
import os
import time
import urllib.error
import urllib.request

import pytest

from tests.faults.scenario import expected
from tests.faults.stack import Stack, delivered, wait_for

pytestmark = pytest.mark.skipif(
    os.environ.get("TANDEM_FAULT_TESTS") != "1",
    reason="starts its own PostgreSQL, Redis, workers and web; set TANDEM_FAULT_TESTS=1 (.ci/run does)",
)

OUTAGE_SECONDS = 5
BOUND_SECONDS = 120  # "within minutes": a run retried or a tick caught up well inside this (CI under load)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("faults"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def up(stack):
    stack.ensure_up()
    return stack


def health(stack) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{stack.web_url}/health/", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _outage_while_a_digest_is_accepted(stack, victim: int) -> None:
    """The next send of ``victim`` waits at the gate; stop PostgreSQL, let the
    mail server accept it, keep the database down a few seconds, start it again."""
    marker = wait_for(lambda: stack.sending(victim), "the next send of the same process", stack)[0]
    recipient = marker.read_text()
    stack.postgres.stop()
    stopped = time.monotonic()
    stack.let_through(marker)
    wait_for(lambda: not marker.exists(), "the mail accepted while the database is down", stack)
    _status, body = wait_for(lambda: (h := health(stack))[0] == 503 and h, "/health/ to answer 503", stack)
    assert body == {"status": "unavailable", "database": "down", "broker": "ok"}
    retries = stack.worker_logs().count("retrying in")
    wait_for(lambda: stack.worker_logs().count("retrying in") > retries, "the worker retrying the marking", stack)
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))  # the outage's length, not a guess
    stack.postgres.start()
    wait_for(lambda: health(stack)[0] == 200, "/health/ back to 200 by itself", stack)
    sent = (
        "SELECT count(*) FROM raci_reminder r JOIN governance_user u ON u.id = r.recipient_id"
        f" WHERE u.email = '{recipient}' AND r.sent_at IS NOT NULL"
    )
    wait_for(lambda: stack.scalar(sent) == 2, f"the digest to {recipient} recorded once the database is back", stack)


def test_a_database_outage_mid_sweep_sends_no_digest_twice_and_loses_none(up):
    stack = up
    stack.build(0, 4)
    started = time.monotonic()
    stack.sweep()
    stack.sweep()  # beat fired on two machines at once
    first = wait_for(stack.sending, "a first send", stack)[0]
    victim = int(first.name.split("-")[1])
    stack.let_through(first)
    _outage_while_a_digest_is_accepted(stack, victim)
    _outage_while_a_digest_is_accepted(stack, victim)  # twice in one run
    stack.open_gate()
    everything_sent = "SELECT count(*) FROM raci_reminder WHERE sent_at IS NULL"
    wait_for(lambda: stack.scalar(everything_sent) == 0 and not stack.sending(), "every reminder sent", stack)
    wait_for(lambda: stack.scalar("SELECT count(*) FROM raci_reminderrun WHERE status = 'running'") == 0,
             "every run finished", stack)  # fmt: skip
    assert time.monotonic() - started < BOUND_SECONDS

    assert sorted(delivered(stack.outbox, "Fault project ")) == sorted(expected(0, 4))  # none twice, none lost
    assert stack.scalar("SELECT count(*) FROM raci_reminder WHERE sent_at IS NOT NULL") == 16
    assert stack.scalar("SELECT count(*) FROM raci_reminderrun WHERE status <> 'finished'") == 0
    assert stack.scalar("SELECT sum(emails_sent) FROM raci_reminderrun") == 8
    web = stack.log("web")
    assert web.count("the database is down") == 2, "each outage logged once, not per probe"
    assert "Traceback" not in web


def _sent_for(*projects: str) -> str:
    names = ", ".join(f"'{name}'" for name in projects)
    return (
        "SELECT count(*) FROM raci_reminder r JOIN projects_lifecyclestep s ON s.id = r.step_id"
        f" JOIN projects_project p ON p.id = s.project_id WHERE r.sent_at IS NOT NULL AND p.name IN ({names})"
    )


def test_redis_down_while_a_sweep_runs_the_sweep_finishes_and_nothing_is_sent_twice(up):
    stack = up
    (stack.gate / "open").unlink(missing_ok=True)
    stack.build(4, 1)
    stack.sweep()
    wait_for(stack.sending, "a send under way", stack)
    stack.redis.stop()
    stack.open_gate()
    # The sweep needs the database and the mail server, not Redis: it finishes.
    wait_for(lambda: stack.scalar(_sent_for("Fault project 4")) == 4, "the sweep finished without Redis", stack)
    stack.redis.start()
    wait_for(lambda: stack.worker_logs().count("Connected to redis") >= 4, "both workers reconnected", stack)
    assert sorted(delivered(stack.outbox, "Fault project 4")) == sorted(expected(4, 1))
    workers = stack.worker_logs()
    assert "SoftTimeLimitExceeded" not in workers and "soft time limit" not in workers.lower()
    assert "worker_cancel_long_running_tasks_on_connection_loss" not in workers


def test_redis_down_across_beat_ticks_the_sweep_still_happens_soon_after(up):
    stack = up
    stack.open_gate()
    stack.start_beat()
    wait_for(lambda: "Sending due task sweep-unowned-steps" in stack.log("beat"), "beat ticking", stack)
    stack.redis.stop()
    ticks_before = stack.log("beat").count("Sending due task sweep-unowned-steps")
    stack.build(5, 2)  # new unowned steps while Redis is down
    _status, body = wait_for(lambda: (h := health(stack))[0] == 503 and h, "/health/ naming the broker", stack)
    assert body == {"status": "unavailable", "database": "ok", "broker": "down"}
    wait_for(lambda: stack.log("beat").count("Sending due task sweep-unowned-steps") >= ticks_before + 2,
             "two ticks while Redis is down", stack)  # fmt: skip
    stack.redis.start()
    back = time.monotonic()
    new = _sent_for("Fault project 5", "Fault project 6")
    wait_for(lambda: stack.scalar(new) == 8, "the sweep after Redis is back", stack, timeout=BOUND_SECONDS)
    assert time.monotonic() - back < BOUND_SECONDS
    wait_for(lambda: health(stack)[0] == 200, "/health/ back to 200", stack)
    assert sorted(delivered(stack.outbox, "Fault project 5", "Fault project 6")) == sorted(expected(5, 2))
    workers = stack.worker_logs()
    assert "SoftTimeLimitExceeded" not in workers and "soft time limit" not in workers.lower()
    assert "worker_cancel_long_running_tasks_on_connection_loss" not in workers
