"""Take the README screenshots from a running demo server: python scripts/screenshots.py"""

import os
import sys

from playwright.sync_api import sync_playwright

BASE = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "screenshots")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(pages):
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{BASE}/accounts/sign-in/")
        page.get_by_label("Username").fill(os.environ.get("DEMO_USER", "agent"))
        page.get_by_label("Password").fill("demo-password-2026")
        page.get_by_role("button", name="Sign in").click()
        for name, path in pages:
            page.goto(f"{BASE}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(
                path=os.path.join(OUT, f"{name}.png"), full_page=bool(os.environ.get("FULL_PAGE"))
            )
            print("saved", name)
        browser.close()


if __name__ == "__main__":
    args = sys.argv[1:] or ["home=/"]
    main([tuple(a.split("=", 1)) for a in args])
