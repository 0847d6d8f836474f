"""Agents hear their calls with card numbers and bank details silenced; roles with a need hear the original."""

from __future__ import annotations

import io
import stat

import numpy as np
import soundfile
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.calls.services import recording_path
from app.extensions import db
from app.transcription.interchange import Segment, Transcript, Word
from app.transcription.services import store_transcript
from tests.conftest import login

CARD = "4970 1012 3456 7893"  # Luhn-valid
RATE = 16000


def _said(text: str, start: float, speaker: str = "customer") -> Segment:
    words = tuple(Word(start + i * 0.3, start + i * 0.3 + 0.25, w) for i, w in enumerate(text.split()))
    return Segment(speaker, start, words[-1].end, text, words)


def _transcribed(call, said_at: float) -> None:
    """The customer reads out a card number: 'my card is' from `said_at`, the digits 0.9 s to 2.05 s later."""
    store_transcript(
        db.session,
        call,
        Transcript(
            language="en",
            duration=5.0,
            segments=(
                _said("Hello, how can I help?", 0.0, "agent"),
                _said(f"my card is {CARD} thanks", said_at),
            ),
            info={"engine": "test", "model": "test", "attribution": "stereo"},
        ),
    )
    db.session.commit()


def _card_call(make, said_at: float = 0.5):
    call = make.call(seconds=5)
    _transcribed(call, said_at)
    return call


def _heard(client, call) -> np.ndarray:
    response = client.get(f"/calls/{call.id}/audio")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    samples, rate = soundfile.read(io.BytesIO(response.data), always_2d=True)
    assert rate == RATE
    return samples


def _original(call) -> np.ndarray:
    return soundfile.read(recording_path(call), always_2d=True)[0]


def _span(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    return samples[int(start * RATE) : int(end * RATE)]


def test_an_agent_hears_silence_where_the_card_number_is_said_and_the_call_unchanged_elsewhere(client, make):
    call = _card_call(make)
    login(client, make.user("agent", agent=call.agent))
    heard, original = _heard(client, call), _original(call)
    assert heard.shape == original.shape
    digits = (1.4, 2.55)  # the words of the card number
    assert abs(_span(original, *digits)).max() > 0.2, "there is sound to hide"
    assert not _span(heard, *digits).any()
    for before_and_after in ((0.0, 1.2), (2.75, 5.0)):
        assert np.allclose(_span(heard, *before_and_after), _span(original, *before_and_after), atol=1 / 16384)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audio.played_unredacted"))
    assert event.details["payment_masked"] is True


def test_a_qa_manager_hears_the_original_recording_and_the_read_is_audited(client, make):
    call = _card_call(make)
    manager = make.user("qa_manager")
    login(client, manager)
    response = client.get(f"/calls/{call.id}/audio")
    assert response.data == recording_path(call).read_bytes()
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audio.played_unredacted"))
    assert event.actor_id == manager.id and event.details["payment_masked"] is False


def test_the_silenced_copy_is_kept_private_beside_the_recording(client, make):
    call = _card_call(make)
    login(client, make.user("agent", agent=call.agent))
    _heard(client, call)
    [copy] = recording_path(call).parent.glob(f"{call.recording.sha256}.payment-masked-*.flac")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_the_silenced_copy_follows_a_new_transcript(client, make):
    call = _card_call(make, said_at=0.5)
    login(client, make.user("agent", agent=call.agent))
    _heard(client, call)
    _transcribed(call, said_at=2.5)  # transcribed again: the card number is now heard later
    heard, original = _heard(client, call), _original(call)
    assert not _span(heard, 3.4, 4.55).any()
    assert np.allclose(_span(heard, 1.4, 2.2), _span(original, 1.4, 2.2), atol=1 / 16384)
    assert len(list(recording_path(call).parent.glob("*.payment-masked-*.flac"))) == 1


def test_an_agent_hears_a_call_without_payment_data_as_spoken(client, make):
    call = _card_call(make)  # then transcribed again, and the digits were a phone number after all
    store_transcript(
        db.session,
        call,
        Transcript(
            language="en",
            duration=5.0,
            segments=(_said("call me back on 06 12 34 56 78 please", 0.5),),
            info={"engine": "test", "model": "test", "attribution": "stereo"},
        ),
    )
    db.session.commit()
    login(client, make.user("agent", agent=call.agent))
    assert client.get(f"/calls/{call.id}/audio").data == recording_path(call).read_bytes()
    assert not list(recording_path(call).parent.glob("*.payment-masked-*.flac")), "no silenced copy left over"


def test_an_agent_cannot_hear_a_call_before_its_card_numbers_are_found(client, make):
    call = make.call(seconds=2)
    db.session.delete(call.transcript)
    db.session.commit()
    login(client, make.user("agent", agent=call.agent))
    assert client.get(f"/calls/{call.id}/audio").status_code == 404
