"""Uploading a recording as a user would, in a real browser: sign in, upload, listen, find it in the list."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import save_screenshot, sign_in, wait_for_player
from tests.conftest import wav_bytes

pytestmark = pytest.mark.timeout(120)


def test_manager_uploads_a_recording_listens_to_it_and_finds_it_in_the_list(new_page, make, tmp_path):
    from playwright.sync_api import expect

    manager = make.user("qa_manager")
    make.agent(team=make.team(name="Support Fibre"), name="Camille Martin")
    recording = tmp_path / "appel-client.wav"
    recording.write_bytes(wav_bytes(seconds=2.0))

    page = new_page()
    sign_in(page, manager.email)
    page.get_by_role("link", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", name="Upload recordings")).to_be_visible()
    page.get_by_label("Recordings").set_input_files(recording)
    page.get_by_label("Agent", exact=True).select_option(label="Camille Martin (Support Fibre)")
    page.get_by_role("button", name="Upload").click()

    expect(page).to_have_url(re.compile(r"/calls/\d+$"))
    expect(page.get_by_role("heading", name=re.compile(r"Call #\d+"))).to_contain_text("appel-client.wav")
    expect(page.get_by_text("Camille Martin", exact=True)).to_be_visible()
    player = page.locator("audio#player")
    expect(player).to_have_count(1)
    source = player.get_attribute("src")
    assert page.request.get(source).status == 200  # with the signed-in user's cookies
    # The browser itself can read the recording: its duration comes from the file.
    wait_for_player(page, "audio => audio.readyState >= 1")
    assert player.evaluate("audio => audio.duration") == pytest.approx(2.0, abs=0.1)
    save_screenshot(page, "call-page")
    call_url = page.url

    page.get_by_role("link", name="Calls", exact=True).click()
    expect(page.get_by_role("heading", name="Calls")).to_be_visible()
    expect(page.get_by_role("link", name="appel-client.wav")).to_be_visible()
    expect(page.get_by_role("cell", name="Camille Martin")).to_be_visible()

    agent_page = new_page()
    sign_in(agent_page, make.user("agent").email)  # another agent than the one who took the call
    expect(agent_page.get_by_role("link", name="My calls")).to_be_visible()
    expect(agent_page.get_by_role("link", name="Upload", exact=True)).to_have_count(0)
    response = agent_page.goto(call_url)
    assert response.status == 404
    expect(agent_page.get_by_text("This page does not exist.")).to_be_visible()


def test_pages_follow_the_browsers_language(new_page, make):
    from playwright.sync_api import expect

    page = new_page(locale="fr-FR")
    page.goto("/login")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
