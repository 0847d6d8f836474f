"""Issued sheets: the PDF a coach hands over, parsed back; stored once, never rewritten; issued by a job."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.coaching.models import CoachingSheet
from app.coaching.services import SheetError, issue_sheet, sheet_html, sheet_path
from app.extensions import db
from app.jobs.choices import JobStatus
from app.jobs.models import Job
from app.jobs.services import create_job
from app.scoring.choices import EvaluationStatus
from tests.coaching.conftest import CARD, pdf_text, reviewed_lines


def _pdf(evaluation) -> tuple[str, int]:
    sheet = issue_sheet(db.session, evaluation)
    db.session.commit()
    return pdf_text(sheet_path(sheet).read_bytes())


def test_a_french_sheet_names_the_agent_and_criteria_in_french_with_a_quote_and_a_tip(evaluation_fr):
    text, pages = _pdf(evaluation_fr)
    assert 1 <= pages <= 2
    assert "Julie Martin" in text and "Fiche de coaching" in text
    assert "Écoute active" in text and "Empathie" in text and "Active listening" not in text
    assert "c'est votre faute" in text  # the agent's own words
    assert "Ne renvoyez jamais la faute au client" in text  # the rubric tip for "blaming"
    assert "Reformuler avant de répondre" in text and "1 décembre 2026" in text  # action item and due date


def test_an_english_teams_sheet_is_in_english(evaluation_en):
    text, pages = _pdf(evaluation_en)
    assert 1 <= pages <= 2
    assert (
        "Sam Lee" in text and "Coaching sheet" in text and "AREAS TO IMPROVE" in text
    )  # headings are printed in capitals
    assert "Active listening" in text and "Écoute active" not in text
    assert "that is your fault" in text and "Never put the blame on the customer" in text


def test_a_card_number_the_agent_read_out_is_redacted_in_the_sheet(evaluation_fr):
    text, _ = _pdf(evaluation_fr)
    assert "[CARTE]" in text
    assert CARD not in text and CARD.replace(" ", "") not in text.replace(" ", "")


def test_issuing_twice_returns_the_same_sheet_and_leaves_the_file_unchanged(evaluation_fr):
    first = issue_sheet(db.session, evaluation_fr)
    db.session.commit()
    path, before = sheet_path(first), sheet_path(first).read_bytes()
    again = issue_sheet(db.session, evaluation_fr)
    db.session.commit()
    assert (again.id, again.sha256) == (first.id, first.sha256)
    assert path.read_bytes() == before and db.session.scalar(select(func.count(CoachingSheet.id))) == 1


def test_the_stored_file_is_named_by_its_sha256_and_read_only(evaluation_fr):
    import hashlib

    sheet = issue_sheet(db.session, evaluation_fr)
    path = sheet_path(sheet)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sheet.sha256 == path.stem
    assert path.stat().st_mode & 0o222 == 0


def test_an_evaluation_that_is_not_final_gets_no_sheet(make):
    evaluation = reviewed_lines(make)
    draft = reviewed_lines(make, agent=evaluation.call.agent)
    db.session.execute(
        draft.__table__.update().where(draft.__table__.c.id == draft.id).values(status=EvaluationStatus.DRAFT)
    )
    db.session.expire_all()
    with pytest.raises(SheetError, match="not final"):
        issue_sheet(db.session, draft)


def test_the_html_view_is_the_same_sheet(evaluation_en):
    html = sheet_html(db.session, evaluation_en)
    assert html.startswith("<!doctype html>") and "Sam Lee" in html and "<svg" not in html  # one evaluation: no trend
    assert "[CARD]" in html and "http" not in html.split("<body>")[1].replace("http://www.w3.org/2000/svg", "")


def test_the_trend_shows_the_agents_earlier_final_evaluations(make):
    first = reviewed_lines(make, language="en", total=48.0)
    latest = reviewed_lines(make, language="en", agent=first.call.agent)
    html = sheet_html(db.session, latest)
    assert "<svg" in html and ">48<" in html


def test_the_render_sheet_job_issues_the_sheet_of_a_finalised_evaluation(evaluation_fr):
    job = create_job(db.session, "render_sheet", call_id=evaluation_fr.call_id, target_id=evaluation_fr.id)
    db.session.commit()  # the job runs inline in tests, after the commit
    db.session.refresh(job)
    assert job.status == JobStatus.DONE
    sheet = db.session.scalars(select(CoachingSheet)).one()
    assert sheet.evaluation_id == evaluation_fr.id and sheet.language == "fr" and sheet_path(sheet).is_file()


def test_the_render_sheet_job_fails_at_once_for_a_missing_evaluation(app):
    job = create_job(db.session, "render_sheet", target_id=999_999)
    db.session.commit()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED and job.attempts == 1 and "999999" in job.error


def test_a_french_sheet_calls_a_criterion_without_occasion_sans_objet_with_a_space_before_the_colon(evaluation_fr):
    html = sheet_html(db.session, evaluation_fr)
    assert 'class="na">Sans objet\u00a0: ' in html
    assert "non applicable" not in html and "Sans objet: " not in html
