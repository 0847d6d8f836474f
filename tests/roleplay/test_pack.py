"""Scenario packs as PDF: what each version holds, and nothing of the source call's personal data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.roleplay import services
from app.roleplay.models import Moment
from app.roleplay.scenario import excerpt_block, from_excerpt
from tests.helpers import pdf_text
from tests.roleplay.factories import EN_SECRETS, FR_SECRETS, english_call, french_call, scenario_draft


def pack_text(data: bytes) -> str:
    """The pack's words in lower case (headings are upper-cased by CSS)."""
    return pdf_text(data)[0].lower()


def scenario_from_call(make, language: str):
    """A scenario built from the whole excerpt around the call's reformulation moment."""
    (french_call if language == "fr" else english_call)(make)
    services.sync_moments(db.session)
    moment = db.session.scalars(select(Moment).where(Moment.language == language, Moment.segment_index == 2)).first()
    excerpt = services.moment_excerpt(db.session, moment, before=6, after=6)
    draft = from_excerpt(
        scenario_draft(language, customer_lines=(), observed_response=""),
        excerpt_block(moment.id, moment.criterion_key, excerpt),
    )
    scenario = services.create_scenario(db.session, draft, make.user("trainer"))
    db.session.commit()
    return scenario


@pytest.mark.parametrize(("language", "secrets"), [("fr", FR_SECRETS), ("en", EN_SECRETS)])
def test_no_name_number_or_email_of_the_source_call_survives_into_the_pack(app, make, language, secrets):
    scenario = scenario_from_call(make, language)
    for trainee in (False, True):
        text = pack_text(services.pack_pdf(scenario.current, trainee=trainee))
        assert [s for s in secrets if s.lower() in text.lower()] == [], f"trainee={trainee}"


def test_the_trainer_pack_has_model_responses_excerpts_and_the_checklist(app, make):
    scenario = scenario_from_call(make, "fr")
    text = pack_text(services.pack_pdf(scenario.current, trainee=False))
    for expected in (
        "Version formateur",
        "MODELE-REPONSE",
        "Grille d’observation",
        "Écoute active",
        "Empathie",
        "Extraits d’appels réels",
        "Réponse observée",
        "Si je comprends bien",
        "[NOM]",
    ):
        assert expected.lower() in text, expected


def test_the_trainee_pack_leaves_out_model_responses_and_the_checklist(app, make):
    scenario = scenario_from_call(make, "fr")
    text = pack_text(services.pack_pdf(scenario.current, trainee=True))
    assert "version apprenant" in text and "consignes" in text and "répliques du client" in text
    for absent in (
        "MODELE-REPONSE",
        "Réponses modèles",
        "Grille d’observation",
        "Réponse observée",
        "Si je comprends bien",
        "Si l'appel se passe mal",
    ):
        assert absent.lower() not in text, absent


def test_an_english_pack_speaks_english(app, make):
    scenario = services.create_scenario(db.session, scenario_draft("en"), make.user("trainer"))
    text = pack_text(services.pack_pdf(scenario.current, trainee=False))
    assert "trainer version" in text and "observer checklist" in text and "model-answer" in text
    assert "i want a manager." in text and "if the call goes badly" in text
