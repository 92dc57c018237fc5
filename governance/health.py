"""The load balancer's probe, ``/health/``: is this process able to serve?

200 ``{"status": "ok", "database": "ok", "broker": "ok"}`` when the database
answers ``SELECT 1`` and the Celery broker accepts a connection; otherwise 503
``{"status": "unavailable", "database": "down", "broker": "ok"}`` naming what is
down, so the load balancer takes the process out of rotation and puts it back
by itself once the outage ends (no restart needed: a broken database
connection is dropped and the next probe opens a new one).

The broker is given ``BROKER_TIMEOUT_SECONDS``, so a broker that does not
answer cannot hold the probe past a load balancer's usual timeout.

An outage is logged once per process when it starts (an error, without a
traceback) and once when it ends, not on every probe: a load balancer probing
every second would otherwise bury the log in identical tracebacks.
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2

# What this process last found down; a change is what gets logged.
_down: set[str] = set()


def database_up() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        if not connection.in_atomic_block:
            connection.close()  # never reuse the broken connection; the next probe reconnects
        return False, str(error).strip()
    return True, ""


def broker_up() -> tuple[bool, str]:
    broker = Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_timeout": BROKER_TIMEOUT_SECONDS},
    )
    try:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # any failure to connect means "down", whatever the transport raises
        return False, str(error).strip()
    finally:
        broker.release()
    return True, ""


CHECKS = {"database": database_up, "broker": broker_up}


def _log_changes(results: dict[str, tuple[bool, str]]) -> None:
    for name, (up, detail) in results.items():
        if not up and name not in _down:
            _down.add(name)
            logger.error("Health: the %s is down (%s); logged once until it is back", name, detail)
        elif up and name in _down:
            _down.discard(name)
            logger.warning("Health: the %s is back", name)


@never_cache
@login_not_required
@require_GET
def health(request):
    """200 when the database and the broker answer; 503 naming what is down."""
    results = {name: check() for name, check in CHECKS.items()}
    _log_changes(results)
    body = {name: ("ok" if up else "down") for name, (up, _) in results.items()}
    healthy = all(up for up, _ in results.values())
    response = JsonResponse({"status": "ok" if healthy else "unavailable", **body}, status=200 if healthy else 503)
    # Django logs every 5xx response ("Service Unavailable: /health/"); the outage
    # is logged above, once, so this flag (which Django's log_response checks)
    # keeps a probe per second from logging a line per second.
    response._has_been_logged = True
    return response
