"""Helpers for tests that run real processes (Celery workers, beat, the web)."""

import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from typing import Protocol


class HasLogs(Protocol):
    def tail(self) -> str: ...


def wait_for(condition: Callable[[], object], what: str, logs: HasLogs, timeout: float = 60, poll: float = 0.02):
    """Poll ``condition`` until it is true (and return its value), or fail after
    ``timeout`` seconds, showing the end of the processes' logs."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}\n{logs.tail()}"
        time.sleep(poll)
    return value


def stop_warmly(processes: Iterable[subprocess.Popen], timeout: float) -> None:
    """SIGTERM to every process still running (a Celery task under way finishes,
    nothing new starts), then wait; one that does not stop in time is killed."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
