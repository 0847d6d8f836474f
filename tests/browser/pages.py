"""What the browser tests do on every page: sign in, and keep a screenshot for humans."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.conftest import PASSWORD


def sign_in(page, email: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form[action$='/logout'] button")).to_be_visible()  # "Sign out" in the user's language


def save_screenshot(page, name: str) -> None:
    """Kept for humans when ECOUTE_SCREENSHOTS names a folder."""
    folder = os.environ.get("ECOUTE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def wait_for_player(page, condition: str, timeout_s: float = 15.0) -> None:
    """Poll `condition` ("audio => audio.readyState >= 1") on the page's audio player until it holds. Not
    `page.wait_for_function`: when its predicate is not true at once, Playwright re-evaluates the string with eval,
    which the app's Content-Security-Policy (script-src 'self') refuses, so the test failed only when the audio was
    slow to load (microsoft/playwright#36986). A locator's evaluate runs once per call and is allowed."""
    player = page.locator("audio#player")
    deadline = time.monotonic() + timeout_s
    while not player.evaluate(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"the player never met {condition!r} in {timeout_s:.0f} s")
        page.wait_for_timeout(100)
