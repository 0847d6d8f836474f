"""A QA manager's first days, in a real browser: evidence added where the words are selected, the team view
with every criterion in sight, the call page leading to its review and sheet, the swapped-channel warning first."""

from __future__ import annotations

import pytest

from app.coaching.services import issue_sheet
from app.extensions import db
from tests.browser.pages import save_screenshot, sign_in
from tests.coaching.conftest import reviewed_lines
from tests.review.conftest import scored_call

pytestmark = pytest.mark.timeout(180)


def test_the_add_as_evidence_box_opens_next_to_the_selected_words(new_page, make):
    from playwright.sync_api import expect

    call = scored_call(make)
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, make.user("qa_manager").email)
    page.goto(f"/review/calls/{call.id}")
    said = page.locator(".conversation .line .said").nth(2)
    said.evaluate("line => line.scrollIntoView({block: 'center'})")  # where the reader's eyes are, not the edge
    words = said.bounding_box()
    page.mouse.move(words["x"] + 3, words["y"] + words["height"] / 2)  # drag over the words, as people do
    page.mouse.down()
    page.mouse.move(words["x"] + words["width"] * 0.6, words["y"] + words["height"] / 2, steps=5)
    page.mouse.up()
    box = page.locator("#selection-box")
    expect(box).to_be_visible()
    opened = box.bounding_box()
    # Next to the selected words: within a line or two of the line they were selected in.
    under = -30 <= opened["y"] - (words["y"] + words["height"]) < 40
    over = -30 <= words["y"] - (opened["y"] + opened["height"]) < 40
    assert under or over, "the box opens right next to the selected words"
    assert opened["y"] >= 0 and opened["y"] + opened["height"] <= 800 and opened["x"] >= 0, "inside the window"
    expect(page.locator("#selection-note")).to_be_focused()
    save_screenshot(page, "review-selection")


def test_the_team_view_shows_every_criterion_column_without_scrolling_sideways(new_page, make):
    reviewed_lines(make, language="fr")
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, make.user("qa_manager").email)
    page.goto("/reports/team?date_from=2026-10-01&date_to=2026-11-30")
    save_screenshot(page, "team-view")
    for wrap in page.locator(".table-wrap").all():
        widths = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert widths[0] <= widths[1] + 1, f"a column is hidden in a scroller: {widths}"


def test_the_call_page_warns_of_swapped_channels_first_and_links_to_its_final_review_and_sheet(new_page, make):
    from playwright.sync_api import expect

    evaluation = reviewed_lines(make, language="en")
    sheet = issue_sheet(db.session, evaluation)
    evaluation.call.swap_suspected = True
    db.session.commit()
    page = new_page()
    sign_in(page, make.user("qa_manager").email)
    page.goto(f"/calls/{evaluation.call_id}")
    warning = page.get_by_role("alert").filter(has_text="agent and customer may be swapped")
    expect(warning).to_be_visible()
    assert warning.bounding_box()["y"] < page.get_by_role("heading", name="Recording").bounding_box()["y"]
    page.get_by_role("link", name="Coaching sheet").click()
    expect(page).to_have_url(f"{page.url.split('/sheets')[0]}/sheets/{sheet.id}")
    page.get_by_role("link", name="Final review").click()
    expect(page.get_by_role("heading", name=f"Review of call #{evaluation.call_id}")).to_be_visible()
    page.get_by_role("link", name="Correct (new revision)").click()
    expect(page.locator("#player")).to_be_attached()
    expect(page.locator(".conversation .line").first).to_be_visible()
    page.get_by_role("link", name="Call #", exact=False)  # the revise page names its call


def test_calibration_asks_before_revealing_and_a_cancel_reveals_nothing(new_page, make):
    from playwright.sync_api import expect

    from app.review import calibration
    from app.review.models import CalibrationSession

    call = scored_call(make)
    owner, other = make.user("qa_manager"), make.user("qa_manager")
    cal = calibration.open_session(db.session, call, [owner, other], owner)
    for reviewer in (owner, other):
        calibration.submit(db.session, cal, reviewer, {k: 60.0 for k in cal.auto_scores})
    db.session.commit()
    page = new_page()
    sign_in(page, owner.email)
    page.goto(f"/review/calls/{call.id}/calibration")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Reveal the scores").click()
    expect(page.get_by_role("heading", name="Results")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(CalibrationSession, cal.id).revealed_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reveal the scores").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()


def test_on_the_disputes_page_a_decision_ticks_only_its_own_dispute(new_page, make):
    from playwright.sync_api import expect

    from app.coaching.models import Dispute
    from tests.coaching.factories import sheet_for

    for _ in range(2):
        agent = make.agent()
        db.session.add(
            Dispute(
                sheet_id=sheet_for(agent).id,
                criterion_key="empathy",
                reason="unfair",
                raised_by_id=make.user("agent", agent=agent).id,
            )
        )
    db.session.commit()
    page = new_page()
    sign_in(page, make.user("qa_manager").email)
    page.goto("/disputes/")
    forms = page.locator("form.resolve")
    forms.nth(0).get_by_label("Accept: revise the score").check()
    expect(forms.nth(0).get_by_label("Accept: revise the score")).to_be_checked()
    expect(forms.nth(1).get_by_label("Accept: revise the score")).not_to_be_checked()
    forms.nth(1).get_by_label("Reason").fill("Filled in the second form")
    expect(forms.nth(0).get_by_label("Reason")).to_have_value("")
