"""Stored evaluations: rubric versions, re-scoring, admin rubric uploads, the scores on the call page."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.scoring.choices import EvaluationStatus
from app.scoring.models import Evaluation, RubricVersion
from app.scoring.rubrics import BUNDLED_DIR
from app.scoring.services import score_call
from app.transcription.interchange import Segment, Transcript
from app.transcription.services import store_transcript
from tests.conftest import csrf_token

FR_RUBRIC = (BUNDLED_DIR / "hotline_fr.yaml").read_text(encoding="utf-8")


def _scored_call(make):
    """A French call with a transcript that has clear evidence both ways."""
    call = make.call(make.agent(make.team(language="fr")), seconds=2)
    store_transcript(
        db.session,
        call,
        Transcript(
            language="fr",
            duration=30.0,
            segments=(
                Segment("agent", 0.0, 4.0, "Bonjour, service client, Julie à l'appareil, que puis-je pour vous ?"),
                Segment(
                    "customer",
                    4.5,
                    10.0,
                    "Ma box ne marche plus depuis trois jours et je télétravaille, c'est pénible.",
                ),
                Segment("agent", 10.5, 16.0, "Je comprends, mais c'est votre faute, il fallait redémarrer le DSLAM."),
                Segment("customer", 16.5, 20.0, "Je ne comprends rien à ce que vous dites."),
                Segment("agent", 20.5, 25.0, "Au revoir."),
            ),
            info={"engine": "test", "model": "test", "attribution": "stereo"},
        ),
    )
    score_call(db.session, call)
    db.session.commit()
    return call


def _new_version_text() -> str:
    return FR_RUBRIC.replace("version: 2\n", "version: 3\n", 1).replace("threshold: 70", "threshold: 75", 1)


def test_an_automatic_evaluation_records_the_rubric_and_its_version(make):
    call = _scored_call(make)
    evaluation = db.session.scalars(select(Evaluation).where(Evaluation.call_id == call.id)).one()
    assert evaluation.rubric_version.rubric.key == "hotline_fr" and evaluation.rubric_version.version == 2
    keys = {c.criterion_key for c in evaluation.criteria}
    assert {"active_listening", "jargon", "empathy"} <= keys
    empathy = next(c for c in evaluation.criteria if c.criterion_key == "empathy")
    assert any(e.sign < 0 for e in empathy.evidence)  # "je comprends, mais c'est votre faute"


def test_scoring_again_with_the_same_version_replaces_the_automatic_evaluation(make):
    call = _scored_call(make)
    score_call(db.session, call)
    db.session.commit()
    assert db.session.scalar(select(func.count(Evaluation.id))) == 1


def test_a_new_rubric_version_creates_a_new_evaluation_and_leaves_reviews_alone(client, make, login_as):
    call = _scored_call(make)
    first = db.session.scalars(select(Evaluation)).one()
    first.status, first.kind = EvaluationStatus.FINAL, "review"  # as if a reviewer had finalised it
    db.session.commit()
    login_as("admin")
    upload = {
        "csrf_token": csrf_token(client, "/rubrics/"),
        "file": (io.BytesIO(_new_version_text().encode()), "hotline_fr.yaml"),
    }
    client.post("/rubrics/", data=upload, content_type="multipart/form-data")
    client.post(f"/calls/{call.id}/rescore", data={"csrf_token": csrf_token(client, f"/calls/{call.id}")})
    rows = db.session.scalars(select(Evaluation).order_by(Evaluation.id)).all()
    assert [(e.rubric_version.version, e.status) for e in rows] == [(2, "final"), (3, "auto")]
    assert first.total == rows[0].total


def test_an_invalid_rubric_upload_shows_the_field_and_stores_nothing(client, make, login_as, registered_rubrics):
    login_as("admin")
    token = csrf_token(client, "/rubrics/")
    before = db.session.scalar(select(func.count(RubricVersion.id)))
    broken = _new_version_text().replace("weight: 25", "weight: 40", 1)
    page = client.post(
        "/rubrics/",
        data={"csrf_token": token, "file": (io.BytesIO(broken.encode()), "hotline_fr.yaml")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "hotline_fr.yaml" in page and "weight" in page
    assert db.session.scalar(select(func.count(RubricVersion.id))) == before


def test_an_upload_must_raise_the_version_number(client, login_as, registered_rubrics):
    login_as("admin")
    page = client.post(
        "/rubrics/",
        data={
            "csrf_token": csrf_token(client, "/rubrics/"),
            "file": (io.BytesIO(FR_RUBRIC.replace("threshold: 70", "threshold: 60").encode()), "hotline_fr.yaml"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "must be greater than the current version 2" in page


def test_only_admins_upload_rubrics(client, login_as):
    login_as("qa_manager")
    response = client.post(
        "/rubrics/",
        data={
            "csrf_token": csrf_token(client, "/rubrics/"),
            "file": (io.BytesIO(_new_version_text().encode()), "r.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


def test_the_call_page_shows_scores_with_positive_and_negative_evidence(client, make, login_as):
    call = _scored_call(make)
    login_as("qa_manager")
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "Empathy" in page and 'class="ev ev-minus"' in page and 'class="ev ev-plus"' in page
    assert 'data-segment="2"' in page  # evidence points at the line it quotes


def test_the_rubric_page_lists_criteria_weights_and_tips(client, login_as, registered_rubrics):
    login_as("trainer")
    page = client.get("/rubrics/hotline_en").get_data(as_text=True)
    assert "Active listening" in page and "weight 25" in page and "Auto-fail below" in page
