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


# Run in every page before its own scripts: report each Content-Security-Policy
# violation to the test (the ``page`` fixture's ``__tandemCspViolation`` binding).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  var where = (event.sourceFile || document.location.href) + ":" + (event.lineNumber || 0);
  var text = document.location.pathname + ": " + event.effectiveDirective + " refused "
    + (event.blockedURI || "an inline script or style") + " (" + where + ")";
  if (window.__tandemCspViolation) window.__tandemCspViolation(text);
});
"""


def is_csp_console_error(text: str) -> bool:
    """Chromium's console line for a blocked script, style, frame or form."""
    return "Content Security Policy" in text or text.startswith("Refused to")


def watch_csp(context):
    """A new page of ``context``, and the list every CSP violation of its pages is added to."""
    violations: list[str] = []
    # A binding survives navigation, unlike anything kept in the page's window.
    context.expose_binding("__tandemCspViolation", lambda source, text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()

    def on_console(message):
        if is_csp_console_error(message.text):
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return page, violations
