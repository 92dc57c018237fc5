"""Real-browser test support: Debian's Chromium driven by Python Playwright.

Tests marked ``browser`` use the ``page`` fixture; when Chromium is missing
they are skipped with the reason, and under CI (``TANDEM_REQUIRE_BROWSER=1``)
``.ci/run`` fails on any such skip.
"""

import os
import shutil

CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (pip install -r requirements-dev.txt)"
    return None
