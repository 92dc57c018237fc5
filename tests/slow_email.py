"""An e-mail backend for the Celery-worker tests: the file backend, made slow.

Each message leaves a marker file (``sending-<pid>-<n>``) while it is being
"delivered", so a test can kill the worker process in the middle of a send,
before the server has accepted the message.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        markers = Path(os.environ["TANDEM_SLOW_EMAIL_MARKERS"])
        delay = float(os.environ.get("TANDEM_SLOW_EMAIL_SECONDS", "0.5"))
        sent = 0
        for message in email_messages:
            marker = markers / f"sending-{os.getpid()}-{time.monotonic_ns()}"
            marker.write_text(",".join(message.to))
            time.sleep(delay)
            sent += super().send_messages([message])
            marker.unlink()
        return sent
