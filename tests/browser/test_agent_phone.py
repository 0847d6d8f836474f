"""An agent's pages on a phone, in a real browser: nothing wider than the screen, in French and English."""

from __future__ import annotations

import re

import pytest

from app.coaching.services import issue_sheet
from app.extensions import db
from tests.browser.pages import save_screenshot, sign_in, wait_for_player
from tests.coaching.conftest import reviewed_lines

pytestmark = pytest.mark.timeout(300)

WIDTHS = (360, 390, 414)


def agent_with_a_sheet(make, language: str, seconds: float = 2.0):
    """An agent with an account (its interface in the team's language) and an issued sheet."""
    agent = make.agent(make.team(language=language), name="Julie Martin" if language == "fr" else "Sam Lee")
    user = make.user("agent", agent=agent)
    user.locale = language
    db.session.commit()
    evaluation = reviewed_lines(make, language=language, agent=agent, seconds=seconds)
    sheet = issue_sheet(db.session, evaluation)
    db.session.commit()
    return user, sheet, evaluation.call


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_agent_page_fits_a_phone_screen(new_page, make, language):
    from app.roleplay import services
    from tests.roleplay.factories import scenario_draft

    user, sheet, call = agent_with_a_sheet(make, language)
    trainer = make.user("trainer")
    scenario = services.create_scenario(db.session, scenario_draft(language), trainer)
    services.assign(db.session, scenario, trainer, agent=user.agent)
    db.session.commit()
    pages = {
        "roleplay": f"/me/roleplays/{scenario.id}",
        "dashboard": "/",
        "calls": "/calls/",
        "call": f"/calls/{call.id}",
        "coaching": "/me/coaching",
        "history": f"/me/coaching/{sheet.id}",
        "sheet": f"/sheets/{sheet.id}",
        "notifications": "/notifications/",
        "roleplays": "/me/roleplays",
        "rubric": "/me/rubric",
        "password": "/account/password",
    }
    page = new_page()
    sign_in(page, user.email)
    too_wide = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages.items():
            page.goto(url)
            if overflow(page) > 0:
                too_wide[f"{name} at {width}px"] = overflow(page)
            if width == 390:
                save_screenshot(page, f"agent-{language}-{name}")
    assert too_wide == {}


def test_on_a_phone_the_agent_hears_a_quote_of_the_sheet_from_its_moment(new_page, make):
    from playwright.sync_api import expect

    user, sheet, _ = agent_with_a_sheet(make, "en", seconds=24)
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, user.email)
    page.goto(f"/sheets/{sheet.id}")
    wait_for_player(page, "audio => audio.readyState >= 1")
    page.get_by_role("button", name="Play this moment (00:10)").first.click()
    wait_for_player(page, "audio => audio.currentTime >= 9.7")
    page.get_by_role("link", name="My coaching").click()
    expect(page.get_by_role("heading", name="My coaching")).to_be_visible()


def test_the_agent_reads_the_rubric_from_the_navigation(new_page, make):
    from playwright.sync_api import expect

    user, _, _ = agent_with_a_sheet(make, "fr")
    page = new_page()
    sign_in(page, user.email)
    page.get_by_role("link", name="Ma grille").click()
    expect(page.get_by_role("heading", name="Écoute active")).to_be_visible()
    save_screenshot(page, "agent-fr-rubric-desktop")


def test_a_notification_says_once_that_the_sheet_is_new_and_opens_it(new_page, make):
    from playwright.sync_api import expect

    user, sheet, _ = agent_with_a_sheet(make, "fr")
    page = new_page()
    sign_in(page, user.email)
    page.goto("/notifications/")
    expect(page.get_by_text("Nouvelle Nouvelle")).to_have_count(0)
    page.get_by_role("button", name="Votre fiche de coaching pour l’appel du").click()
    expect(page).to_have_url(re.compile(rf"/me/coaching/{sheet.id}$"))
