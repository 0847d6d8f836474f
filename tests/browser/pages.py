"""What the browser tests do on every page: sign in, and keep a screenshot for humans."""

from __future__ import annotations

import os
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
