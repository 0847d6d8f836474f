"""Refusal messages of uploads reach the user in their language, placeholders filled in."""

from __future__ import annotations

import io

import pytest

from app import audio
from app.audio import AudioError
from app.calls.messages import user_message
from app.calls.services import IngestError
from tests.conftest import csrf_token


@pytest.fixture
def french(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield


@pytest.mark.parametrize("name", [n for n in dir(audio) if n.startswith("MSG_")])
def test_every_audio_message_has_a_french_wording(french, name):
    english = getattr(audio, name)
    assert user_message(AudioError(english)) != english


@pytest.mark.parametrize(
    ("english", "french_text"),
    [
        ("The recording is too long (max 120 minutes).", "L’enregistrement est trop long (120\u00a0minutes maximum)."),
        ("The recording is too long (max 1.5 minutes).", "L’enregistrement est trop long (1,5\u00a0minutes maximum)."),
        ("The file is too large (max 200 MB).", "Le fichier est trop volumineux (200\u00a0Mo maximum)."),
        (
            "This recording was already uploaded (call #42).",
            "Cet enregistrement a déjà été importé (appel n°\u00a042).",
        ),
        (
            "A call with reference TCK 7. already exists in this team.",
            "Un appel avec la référence TCK 7. existe déjà dans cette équipe.",
        ),
        (
            "The recording is silent: nothing to transcribe.",
            "L’enregistrement est silencieux\u00a0: rien à transcrire.",
        ),
        (
            "The recording lasts 1.0 s: too short to have anything to score.",
            "L’enregistrement dure 1,0\u00a0s\u00a0: trop court pour avoir quoi que ce soit à évaluer.",
        ),
        (
            "The recording has 6 channels: Écoute takes mono calls or two channels with one party on each.",
            "L’enregistrement a 6 canaux\u00a0: Écoute accepte les appels mono ou à deux canaux, "
            "un interlocuteur par canal.",
        ),
        (
            "The channel layout agent,customer needs a two-channel recording, and this one has 1: choose mono (the "
            "speakers are then told apart by voice).",
            "La disposition des canaux agent,customer demande un enregistrement à deux canaux, "
            "et celui-ci en a 1\u00a0: choisissez mono (les voix sont alors distinguées entre elles).",
        ),
    ],
)
def test_parameterised_messages_are_translated_with_their_values(french, english, french_text):
    assert user_message(IngestError(english)) == french_text


def test_an_unknown_message_is_shown_as_it_is(french):
    assert user_message(IngestError("Something new happened.")) == "Something new happened."


def test_english_users_read_the_original_message(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert user_message(AudioError(audio.MSG_EMPTY)) == audio.MSG_EMPTY


def test_a_refused_upload_is_explained_in_french(client, make, login_as):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    login_as("qa_manager")
    agent = make.agent()
    response = client.post(
        "/calls/upload",
        content_type="multipart/form-data",
        follow_redirects=True,
        data={
            "csrf_token": csrf_token(client, "/calls/upload"),
            "agent_id": str(agent.id),
            "call_date": "2026-11-20T09:30",
            "direction": "inbound",
            "channel_layout": "",
            "files": [(io.BytesIO(b"not audio at all"), "notes.txt")],
        },
    )
    page = response.get_data(as_text=True)
    assert "Le fichier notes.txt a été refusé" in page
    assert "Ce fichier n’est pas un enregistrement audio lisible." in page
