"""The call page and the calls list in a real browser: progress moves without reloading, a click on a line of
the transcript plays the recording from there and the line being heard is highlighted."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.transcription.interchange import Segment, Transcript
from app.transcription.services import store_transcript
from tests.browser.pages import sign_in, wait_for_player

pytestmark = pytest.mark.timeout(120)


def test_the_calls_list_follows_a_transcription_without_reloading(new_page, make):
    from playwright.sync_api import expect

    call = make.call(seconds=2)
    job = Job(kind="transcribe", call_id=call.id, status=JobStatus.RUNNING, progress=30)
    db.session.add(job)
    db.session.commit()

    page = new_page()
    sign_in(page, make.user("qa_manager").email)
    page.goto("/calls/")
    progress = page.locator(f".progress[data-progress-url$='/api/calls/{call.id}/progress']")
    expect(progress).to_contain_text("30%")
    page.evaluate("window.__same_page = true")  # gone if the page reloads

    job.progress = 70
    db.session.commit()
    expect(progress).to_contain_text("70%", timeout=10_000)
    job.status, job.progress = JobStatus.DONE, 100
    db.session.commit()
    expect(progress.locator(".bar")).to_be_hidden(timeout=10_000)
    assert page.evaluate("window.__same_page") is True


def test_clicking_a_line_plays_from_there_and_highlights_it(new_page, make):
    from playwright.sync_api import expect

    call = make.call(seconds=8)
    lines = (
        Segment("agent", 0.5, 2.0, "Hello, support desk, Sam speaking."),
        Segment("customer", 2.5, 4.5, "Hi, my VPN keeps dropping."),
        Segment("agent", 5.0, 7.5, "Let me check your profile."),
    )
    store_transcript(
        db.session,
        call,
        Transcript(
            language="en",
            duration=8.0,
            segments=lines,
            info={"engine": "test", "model": "test", "attribution": "stereo"},
        ),
    )
    db.session.commit()

    page = new_page()
    sign_in(page, make.user("qa_manager").email)
    page.goto(f"/calls/{call.id}")
    wait_for_player(page, "audio => audio.readyState >= 1")
    line = page.locator(".conversation .line", has_text="Let me check your profile.")
    line.click()
    wait_for_player(page, "audio => audio.currentTime >= 4.7")
    expect(line).to_have_class(re.compile(r"\bplaying\b"))
    expect(page.locator(".conversation .line.playing")).to_have_count(1)
