"""axe-core over the main pages of every role, in French and English, on a desktop and on a 390 px phone:
no serious or critical violation."""

from __future__ import annotations

import pytest

from app.coaching.services import issue_sheet
from app.extensions import db
from tests.browser.pages import sign_in
from tests.coaching.conftest import reviewed_lines

pytestmark = pytest.mark.timeout(600)

WIDTHS = {"desktop": 1280, "phone": 390}
SERIOUS = {"serious", "critical"}


@pytest.fixture
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (pip install -r requirements-dev.txt)")
    return Axe()


@pytest.fixture
def world(make):
    """An agent with a reviewed call and its sheet; one account per role."""
    team = make.team(name="Hotline Fibre", language="fr")
    agent = make.agent(team, name="Julie Martin")
    users = {"agent": make.user("agent", agent=agent)}
    evaluation = reviewed_lines(make, language="fr", agent=agent)
    sheet = issue_sheet(db.session, evaluation)
    db.session.commit()
    for role in ("qa_manager", "trainer", "admin"):
        users[role] = make.user(role)
    call, sheet_id = evaluation.call_id, sheet.id
    pages = {
        "agent": [
            "/",
            "/calls/",
            f"/calls/{call}",
            "/me/coaching",
            f"/me/coaching/{sheet_id}",
            f"/sheets/{sheet_id}",
            "/notifications/",
            "/me/roleplays",
            "/me/rubric",
        ],
        "qa_manager": [
            "/",
            "/calls/",
            f"/calls/{call}",
            "/review/",
            f"/review/calls/{call}",
            "/review/calibration/",
            "/disputes/",
            "/reports/team",
            "/rubrics/",
            f"/rubrics/{evaluation.rubric_version.rubric.key}",
        ],
        "trainer": ["/roleplay/moments", "/roleplay/scenarios", "/roleplay/collections"],
        "admin": ["/admin/teams", "/admin/users"],
    }
    return users, pages


def _serious(axe, page) -> list[str]:
    violations = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in violations
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_main_pages_have_no_serious_accessibility_violation(browser, live_server, axe, world, language, width):
    users, pages = world
    found = {}
    for role, urls in pages.items():
        context = browser.new_context(
            base_url=live_server, locale="en-GB", bypass_csp=True, viewport={"width": WIDTHS[width], "height": 900}
        )
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            if role == "agent":  # the sign-in page too, once
                page.goto("/login")
                found.update({f"/login: {v}": 1 for v in _serious(axe, page)})
            users[role].locale = language  # the interface in the language under test, whatever the browser's
            db.session.commit()
            sign_in(page, users[role].email)
            for url in urls:
                page.goto(url)
                if not url.startswith("/sheets/"):  # a sheet is in its agent's language, whoever reads it
                    assert page.locator("html").get_attribute("lang") == language
                found.update({f"{role} {url}: {v}": 1 for v in _serious(axe, page)})
        finally:
            context.close()
    assert not found, "\n".join(found)
