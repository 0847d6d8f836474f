"""A real server and Debian's Chromium driven by Playwright, for tests that click through the pages.

Playwright's own browser downloads are never used: the system Chromium (apt package `chromium`) is launched.
Without it the browser tests are skipped, except on CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests often run as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM=/path)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served over HTTP on a free local port; yields its base URL.

    Werkzeug gives every request its own app context, as in production; data the test creates with `make`
    is committed, so the server's requests see it. Like `qa serve` and `qa worker`, it loads the spaCy models before
    serving (once per process): an upload scored inline must not wait for them within the browser's 15 s, however
    many test files ran before this one in the same worker."""
    from app.scoring.services import load_models

    load_models()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser profile (its own cookies), in English unless told otherwise."""
    contexts = []

    def open_page(locale: str = "en-GB"):
        context = browser.new_context(base_url=live_server, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
