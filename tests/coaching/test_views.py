"""Who may open a sheet: its agent, QA managers and admins; never another agent, never a trainer."""

from __future__ import annotations

import pytest

from app.coaching.services import issue_sheet
from app.extensions import db
from tests.coaching.conftest import pdf_text, reviewed_lines
from tests.conftest import csrf_token


def evaluation_of(sheet):
    from app.scoring.models import Evaluation

    return db.session.get(Evaluation, sheet.evaluation_id)


@pytest.fixture
def sheet(make):
    evaluation = reviewed_lines(make)
    issued = issue_sheet(db.session, evaluation)
    db.session.commit()
    return issued


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_agent_cannot_open_another_agents_sheet(client, make, login_as, sheet, suffix):
    login_as("agent", agent=make.agent())
    assert client.get(f"/sheets/{sheet.id}{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_a_trainer_cannot_open_sheets(client, login_as, sheet, suffix):
    login_as("trainer")
    assert client.get(f"/sheets/{sheet.id}{suffix}").status_code == 403


def test_the_agent_opens_their_own_sheet_as_a_page_in_their_language(client, login_as, sheet):
    from app.teams.models import Agent

    login_as("agent", agent=db.session.get(Agent, sheet.agent_id))
    page = client.get(f"/sheets/{sheet.id}")
    assert page.status_code == 200 and "Fiche de coaching" in page.get_data(as_text=True)


def test_the_agent_downloads_exactly_the_stored_pdf(client, login_as, sheet):
    from app.coaching.services import sheet_path
    from app.teams.models import Agent

    login_as("agent", agent=db.session.get(Agent, sheet.agent_id))
    response = client.get(f"/sheets/{sheet.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == sheet_path(sheet).read_bytes()
    assert "attachment" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("role", ["qa_manager", "admin"])
def test_reviewers_open_any_sheet(client, login_as, sheet, role):
    login_as(role)
    assert client.get(f"/sheets/{sheet.id}").status_code == 200
    assert client.get(f"/sheets/{sheet.id}.pdf").status_code == 200


def test_an_unknown_sheet_is_not_found(client, login_as, app):
    login_as("qa_manager")
    assert client.get("/sheets/987654").status_code == 404


def test_the_sheet_page_leads_back_to_the_agents_coaching_and_plays_each_quote_from_its_moment(client, login_as, sheet):
    from app.teams.models import Agent

    login_as("agent", agent=db.session.get(Agent, sheet.agent_id))
    page = client.get(f"/sheets/{sheet.id}").get_data(as_text=True)
    assert 'name="viewport"' in page
    assert 'href="/me/coaching"' in page and f'href="/me/coaching/{sheet.id}"' in page
    assert f'src="/calls/{evaluation_of(sheet).call_id}/audio"' in page
    assert 'class="at" data-start="10.0"' in page  # the third line of the call starts at 10 s


def test_the_pdf_keeps_the_time_of_each_quote_and_has_no_player(sheet):
    from app.coaching.services import sheet_html

    printed = sheet_html(db.session, evaluation_of(sheet))
    assert '<span class="at">00:10</span>' in printed
    assert "<audio" not in printed and "<nav" not in printed and 'name="viewport"' not in printed


def test_an_agent_reads_the_rubric_they_are_scored_against_without_internal_names(client, login_as, sheet):
    from app.teams.models import Agent

    login_as("agent", agent=db.session.get(Agent, sheet.agent_id))
    page = client.get("/me/rubric").get_data(as_text=True)
    assert "Active listening" in page and "weight" in page
    assert "Source (YAML)" not in page and "<code>" not in page


def test_an_admin_without_an_agent_is_told_no_rubric_applies(client, login_as):
    login_as("admin")
    assert "No rubric applies to you yet" in client.get("/me/rubric").get_data(as_text=True)


def test_an_agents_call_page_links_the_rubric_to_the_read_only_view_they_may_open(client, login_as, sheet):
    from app.teams.models import Agent

    login_as("agent", agent=db.session.get(Agent, sheet.agent_id))
    page = client.get(f"/calls/{evaluation_of(sheet).call_id}").get_data(as_text=True)
    assert 'href="/me/rubric"' in page and 'href="/rubrics/' not in page
    assert f'href="/sheets/{sheet.id}"' in page  # and the call leads to its sheet


def test_pages_write_dates_in_the_readers_language_and_never_internal_names(client, login_as, sheet):
    from app.jobs.services import create_job

    call_id = evaluation_of(sheet).call_id
    create_job(db.session, "render_sheet", call_id=call_id, target_id=sheet.evaluation_id)
    db.session.commit()
    login_as("qa_manager")
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "Nov 2, 2026" in page and "11/2/26" not in page and "<dd>French</dd>" in page
    for internal in ("render_sheet", "vad_filter", "True", "False", "Dropped by the guards"):
        assert internal not in page, internal
    client.post("/language", data={"locale": "fr", "next": "/", "csrf_token": csrf_token(client, "/")})
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "2 nov. 2026" in page and "Fiche de coaching" in page and "<dd>Français</dd>" in page


@pytest.mark.parametrize(
    ("language", "low", "high", "total"), [("fr", "62,5", "81,9", "75,1"), ("en", "62.5", "81.9", "75.1")]
)
def test_a_score_of_62_5_and_one_of_81_9_read_the_same_on_the_sheet_as_on_the_page(
    client, make, login_as, language, low, high, total
):
    from app.coaching.services import sheet_path
    from tests.coaching.factories import bare_call, final_evaluation

    agent = make.agent(make.team(language=language))
    scores = {"active_listening": (81.9, 81.9), "jargon": (62.5, 62.5), "empathy": (80.9, 80.9)}  # total 75.1
    sheet = issue_sheet(db.session, final_evaluation(bare_call(agent), scores))
    db.session.commit()
    login_as("agent", agent=agent)
    if language == "fr":
        client.post("/language", data={"locale": "fr", "next": "/", "csrf_token": csrf_token(client, "/")})
    page = client.get(f"/me/coaching/{sheet.id}").get_data(as_text=True)
    on_screen = client.get(f"/sheets/{sheet.id}").get_data(as_text=True)
    printed, _ = pdf_text(sheet_path(sheet).read_bytes())
    for shown in (low, high, total):
        assert f" {shown}<" in page or f">{shown}<" in page, shown
        assert f'<td class="num">{shown}</td>' in on_screen or f'<div class="n">{shown}</div>' in on_screen, shown
        assert shown in printed, shown
    assert '<td class="num">62</td>' not in on_screen and '<td class="num">81</td>' not in on_screen
