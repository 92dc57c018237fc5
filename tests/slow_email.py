"""An e-mail backend for the Celery-worker tests: the file backend behind a gate
the test opens, so the test decides when each send completes.

For every message, in the worker process that sends it:

1. it announces the send: a marker file ``sending-<pid>-<n>`` (holding the
   recipients) appears in ``TANDEM_SLOW_EMAIL_MARKERS``, written whole (a
   rename), so the test never reads half of one;
2. it waits, before delivering anything, until the test opens the gate for it:
   a file of the marker's name in ``TANDEM_SLOW_EMAIL_GATE``, or ``open`` there
   (every send goes through). Until then it blocks, for ever if need be: a test
   can kill the process while it is in the middle of a send, before the "mail
   server" (the outbox directory) has accepted the message;
3. it writes the message to the outbox (``TANDEM_EMAIL_FILE_PATH``), then
   removes its marker.
"""

import itertools
import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

POLL_SECONDS = 0.01
_sequence = itertools.count(1)


def _wait_for_gate(gate: Path, name: str) -> None:
    while not (gate / name).exists() and not (gate / "open").exists():
        time.sleep(POLL_SECONDS)


class GatedFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        markers = Path(os.environ["TANDEM_SLOW_EMAIL_MARKERS"])
        gate = Path(os.environ["TANDEM_SLOW_EMAIL_GATE"])
        sent = 0
        for message in email_messages:
            name = f"sending-{os.getpid()}-{next(_sequence)}"
            draft = markers / f".{name}"
            draft.write_text(",".join(message.to))
            draft.rename(markers / name)
            _wait_for_gate(gate, name)
            sent += super().send_messages([message])
            (markers / name).unlink()
        return sent
