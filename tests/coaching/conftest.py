"""A final evaluation with evidence both ways, as a reviewer would leave it, in either language."""

from __future__ import annotations

from datetime import date

import pytest

from app.db import utcnow
from app.extensions import db
from app.scoring.models import Evaluation
from app.transcription.interchange import Segment, Transcript
from app.transcription.services import store_transcript
from tests import helpers
from tests.helpers import pdf_text as pdf_text  # the one PDF reader, where these tests look

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


def reviewed_lines(
    make, *, language: str = "fr", agent=None, reviewer=None, actions=True, total=None, finalized_at=None, seconds=2.0
) -> Evaluation:
    """The LINES call scored, then finalised by hand (the review screen's job, not tested here) with a strength and
    an action item."""
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
    action = (
        "Reformuler avant de répondre" if language == "fr" else "Play the problem back first",
        False,
        date(2026, 12, 1),
    )
    evaluation = helpers.final_evaluation(
        call,
        scored=True,
        total=total,
        reviewer=reviewer,
        finalized_at=finalized_at or utcnow(),
        strengths="Accueil chaleureux" if language == "fr" else "Warm greeting",
        actions=(action,) if actions else (),
    )
    db.session.commit()
    return evaluation


@pytest.fixture
def evaluation_fr(make):
    return reviewed_lines(make, language="fr")


@pytest.fixture
def evaluation_en(make):
    return reviewed_lines(make, language="en")
