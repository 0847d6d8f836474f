"""A final evaluation with evidence both ways, as a reviewer would leave it, in either language."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from app.db import utcnow
from app.extensions import db
from app.review.models import ActionItem
from app.scoring.models import Evaluation, EvaluationStatus
from app.scoring.services import score_call
from app.transcription.interchange import Segment, Transcript
from app.transcription.services import store_transcript

CARD = "4970 1000 0000 0006"  # passes Luhn

LINES = {
    "fr": (
        ("agent", "Bonjour, service client, Julie à l'appareil, que puis-je pour vous ?"),
        ("customer", "Ma box ne marche plus depuis trois jours et je télétravaille, c'est pénible."),
        ("agent", f"Je comprends, mais c'est votre faute, il fallait redémarrer le DSLAM. Votre carte {CARD} ?"),
        ("customer", "Je ne comprends rien à ce que vous dites."),
        ("agent", "Au revoir."),
    ),
    "en": (
        ("agent", "Hello, service desk, Sam speaking, how can I help you?"),
        ("customer", "My laptop has not connected to the VPN for three days and I work from home, it is awful."),
        ("agent", f"I understand, but that is your fault, you should have reset the LDAP token. Your card {CARD}?"),
        ("customer", "I don't understand anything you are saying."),
        ("agent", "Goodbye."),
    ),
}


def final_evaluation(
    make, *, language: str = "fr", agent=None, reviewer=None, actions=True, total=None, finalized_at=None, seconds=2.0
) -> Evaluation:
    """Score a call, then finalise its evaluation by hand (the review screen's job, not tested here)."""
    agent = agent or make.agent(make.team(language=language), name="Julie Martin" if language == "fr" else "Sam Lee")
    reviewer = reviewer or make.user("qa_manager")  # before the evaluation changes: make.* commits
    call = make.call(agent, seconds=seconds)
    segments = tuple(
        Segment(speaker, 5.0 * i, 5.0 * i + 4.5, text) for i, (speaker, text) in enumerate(LINES[language])
    )
    store_transcript(
        db.session,
        call,
        Transcript(
            language=language,
            duration=184.0,
            segments=segments,
            info={"engine": "test", "model": "test", "attribution": "stereo"},
        ),
    )
    evaluation = score_call(db.session, call)
    evaluation.status, evaluation.kind = EvaluationStatus.FINAL, "review"
    evaluation.finalized_at = finalized_at or utcnow()
    if total is not None:
        evaluation.total = total
    evaluation.reviewer = reviewer
    evaluation.strengths = "Accueil chaleureux" if language == "fr" else "Warm greeting"
    if actions:
        db.session.add(
            ActionItem(
                evaluation_id=evaluation.id,
                text="Reformuler avant de répondre" if language == "fr" else "Play the problem back first",
                due_date=date(2026, 12, 1),
            )
        )
    db.session.commit()
    return evaluation


def pdf_text(data: bytes) -> tuple[str, int]:
    """All the text of a PDF, whitespace collapsed, and its page count."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


@pytest.fixture
def evaluation_fr(make):
    return final_evaluation(make, language="fr")


@pytest.fixture
def evaluation_en(make):
    return final_evaluation(make, language="en")
