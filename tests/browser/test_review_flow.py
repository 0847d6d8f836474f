"""A review as people do it, in a real browser: the QA manager corrects and finalises, the agent reads and
acknowledges the coaching sheet that comes out of it."""

from __future__ import annotations

import pytest

from tests.browser.pages import save_screenshot, sign_in
from tests.review.conftest import scored_call

pytestmark = pytest.mark.timeout(180)


def test_manager_finalises_a_review_and_the_agent_acknowledges_the_sheet(new_page, make):
    from playwright.sync_api import expect

    team = make.team(name="Hotline Fibre", language="fr")
    agent = make.agent(team=team, name="Julie Martin")
    agent_user = make.user("agent", agent=agent)
    manager = make.user("qa_manager")
    call = scored_call(make, agent)

    page = new_page()
    sign_in(page, manager.email)
    page.goto(f"/review/calls/{call.id}")
    expect(page.get_by_role("heading", name=f"Review of call #{call.id}")).to_be_visible()
    # Scores under the rubric's threshold need a reason even when confirmed.
    for low in page.locator("fieldset.needs-reason").all():
        low.get_by_label("Reason").fill("Confirmed after listening.")
    empathy = page.locator("fieldset.review-criterion", has_text="Empathy")
    empathy.get_by_label("Score").fill("20")
    empathy.get_by_label("Reason").fill("Blames the customer for the outage.")
    page.get_by_label("Strengths").fill("Clear greeting, names the service.")
    page.get_by_label("Areas to improve").fill("Acknowledge the customer's situation before explaining.")
    page.get_by_role("textbox", name="Action item").first.fill("Replay the call with your coach")
    page.once("dialog", lambda dialog: dialog.accept())  # "A final review cannot be changed. Finalise?"
    page.get_by_role("button", name="Finalise").click()
    expect(page.get_by_text("Review finalised; the coaching sheet is being prepared.")).to_be_visible()
    expect(page.get_by_text("Blames the customer for the outage.")).to_be_visible()
    save_screenshot(page, "review-final")

    agent_page = new_page()
    sign_in(agent_page, agent_user.email)
    agent_page.get_by_role("link", name="My coaching").click()
    row = agent_page.get_by_role("row").filter(has_text="New")
    expect(row).to_have_count(1)
    expect(agent_page.get_by_text("Replay the call with your coach")).to_be_visible()
    pdf = agent_page.request.get(row.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    row.get_by_role("link", name="History").click()
    agent_page.get_by_role("button", name="I have read this sheet").click()
    expect(agent_page.get_by_text("Acknowledged", exact=True).first).to_be_visible()
    expect(agent_page.get_by_text("Acknowledged by the agent.")).to_be_visible()
    save_screenshot(agent_page, "sheet-acknowledged")

    agent_page.get_by_role("link", name="My coaching").click()
    expect(agent_page.get_by_role("row").filter(has_text="New")).to_have_count(0)
