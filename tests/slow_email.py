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


class MailGate:
    """The test's side of the gate: where the workers' mail goes and how the test
    lets each send through. A harness that starts workers mixes it in."""

    def open_mail_gate(self, folder: Path) -> dict[str, str]:
        """Make the outbox, marker and gate folders under ``folder``; the
        environment that points the workers' e-mail at them."""
        self.outbox, self.markers, self.gate = folder / "outbox", folder / "markers", folder / "gate"
        for path in (self.outbox, self.markers, self.gate):
            path.mkdir()
        return {
            "TANDEM_EMAIL_BACKEND": "tests.slow_email.GatedFileBackend",
            "TANDEM_EMAIL_FILE_PATH": str(self.outbox),
            "TANDEM_SLOW_EMAIL_MARKERS": str(self.markers),
            "TANDEM_SLOW_EMAIL_GATE": str(self.gate),
        }

    def sending(self, pid: int | None = None) -> list[Path]:
        """Sends under way (blocked at the gate), of one process if ``pid`` is given, oldest first."""
        pattern = f"sending-{pid}-*" if pid else "sending-*"
        return sorted(self.markers.glob(pattern), key=lambda m: int(m.name.rsplit("-", 1)[1]))

    def let_through(self, marker: Path) -> None:
        (self.gate / marker.name).touch()

    def open_gate(self) -> None:
        (self.gate / "open").touch()

    def sent_files(self) -> list[Path]:
        return sorted(self.outbox.glob("*.log"))
