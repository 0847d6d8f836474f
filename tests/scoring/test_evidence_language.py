"""Evidence explanations follow the reader's language, not the call's; sheets follow the agent's."""

from __future__ import annotations

import pytest

from app.auth.services import set_locale
from app.extensions import db
from app.scoring.behaviours.taxonomy import BY_ID
from app.scoring.models import Evidence
from tests.conftest import login
from tests.review.conftest import scored_call


@pytest.mark.parametrize(("reader", "shown", "hidden"), [("en", "en", "fr"), ("fr", "fr", "en")])
def test_a_french_calls_evidence_reads_in_the_readers_language(client, make, reader, shown, hidden):
    call = scored_call(make)
    blame = BY_ID["blame"]
    manager = make.user("qa_manager")
    set_locale(db.session, manager, reader)
    db.session.commit()
    login(client, manager)
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert getattr(blame, shown) in page
    assert getattr(blame, hidden) not in page


def test_every_automatic_evidence_is_stored_in_both_languages_and_the_call_language_stays_the_default(make):
    scored_call(make)
    evidence = db.session.query(Evidence).all()
    assert evidence and all(set(e.explanations) == {"fr", "en"} for e in evidence)
    assert all(e.explanation == e.explanations["fr"] for e in evidence)


def test_evidence_stored_before_the_translations_falls_back_to_its_own_text(make):
    scored_call(make)
    evidence = db.session.query(Evidence).first()
    evidence.explanations = None
    assert evidence.explanation_in("en") == evidence.explanation
