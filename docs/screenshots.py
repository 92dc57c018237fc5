"""Take the README's screenshots from a running Tandem with the demo data.

TANDEM_VAR_DIR=/tmp/shots DJANGO_DEBUG=true .venv/bin/python manage.py migrate
TANDEM_VAR_DIR=/tmp/shots DJANGO_DEBUG=true .venv/bin/python manage.py seed_demo
TANDEM_VAR_DIR=/tmp/shots DJANGO_DEBUG=true .venv/bin/python manage.py runserver 127.0.0.1:8077 &
.venv/bin/python docs/screenshots.py http://127.0.0.1:8077 [path ...]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PAGES = [
    # file name, login, path[, viewport]; "{review}" is the demo's request waiting in IT review
    ("dashboard", "cmo", "/portfolio/"),
    ("dashboard-phone", "cmo", "/portfolio/", PHONE),
    ("project-page-executive", "cmo", "/projects/customer-data-platform/"),
    ("home", "mops", "/"),
    ("project-list", "itlead", "/projects/"),
    ("project-page", "itlead", "/projects/customer-data-platform/"),
    ("raci-matrix", "itlead", "/projects/customer-data-platform/raci/"),
    ("scorecard", "mops", "/projects/customer-data-platform/scorecard/"),
    ("alignment", "cmo", "/alignment/"),
    ("alignment-results", "cmo", "/alignment/rounds/2/"),
    ("intake-form", "mops", "/intake/new/"),
    ("intake-review", "security", "{review}"),
    ("intake-list", "cio", "/intake/"),
    ("stack", "cio", "/stack/"),
    ("framework", "mops", "/framework/"),
    ("my-work-phone", "itlead", "/my-work/", PHONE),
    ("committee-agenda", "cmo", "{meeting}"),
    ("roadmap", "cmo", "/roadmap/"),
    ("step-awaiting-consultation", "itlead", "/projects/customer-data-platform/steps/5/duties/"),
    ("vendor-decision", "cio", "{decision}"),
    ("my-work", "cio", "/my-work/"),
    ("webhooks", "admin", "/integrations/"),
    ("api-docs", "cio", "/api/v1/docs/"),
]
# "{meeting}": the next committee meeting; "{decision}": the vendor decision waiting for the CIO's signature.
FIND = {
    "{meeting}": ("/committee/", "main a.fw-semibold[href^='/committee/']"),
    "{decision}": ("/my-work/", "main a[href*='/scorecard/decisions/']"),
}


def main(base: str, only: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        for name, username, path, *viewport in PAGES:
            if only and name not in only:
                continue
            context = browser.new_context(base_url=base, viewport=viewport[0] if viewport else LAPTOP)
            page = context.new_page()
            page.goto("/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill("tandem-demo")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state("networkidle")
            if path == "{review}":
                page.goto("/intake/?state=in_review")
                path = page.locator("table a[href^='/intake/']").first.get_attribute("href")
            elif path in FIND:
                listing, link = FIND[path]
                page.goto(listing)
                path = page.locator(link).first.get_attribute("href")
            response = page.goto(path)
            if response is None or response.status != 200:
                print(f"skip {name}: {path} answered {response.status if response else 'nothing'}")
                context.close()
                continue
            page.wait_for_timeout(1000)  # charts draw after load
            page.screenshot(path=OUT / f"{name}.png", full_page=True)
            print(f"{name}: {OUT / (name + '.png')}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000", sys.argv[2:])
