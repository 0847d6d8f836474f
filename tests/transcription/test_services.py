"""Stored transcripts: redaction for trainers (text, exports and audio), exports, re-runs replace."""

from __future__ import annotations

import io

import soundfile
from sqlalchemy import func, select

from app.extensions import db
from app.transcription.interchange import Segment, Transcript, Word
from app.transcription.models import Transcript as TranscriptRow
from app.transcription.services import store_transcript

CARD = "4970 1012 3456 7893"  # Luhn-valid


def _words(text: str, start: float) -> tuple[Word, ...]:
    return tuple(Word(start + i * 0.3, start + i * 0.3 + 0.25, w) for i, w in enumerate(text.split()))


def _transcript_with_a_card() -> Transcript:
    said = f"my card is {CARD} thanks"
    return Transcript(
        language="en",
        duration=2.0,
        segments=(
            Segment("agent", 0.0, 0.5, "Hello, how can I help?", _words("Hello, how can I help?", 0.0)),
            Segment("customer", 0.5, 1.9, said, _words(said, 0.5)),
        ),
        info={"engine": "test", "model": "test", "attribution": "stereo"},
    )


def _call_with_card(make):
    call = make.call(seconds=2)
    store_transcript(db.session, call, _transcript_with_a_card())
    db.session.commit()
    return call


def test_a_trainer_sees_the_transcript_with_the_card_number_redacted(client, make, login_as):
    call = _call_with_card(make)
    login_as("trainer")
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "[CARD]" in page and CARD not in page
    for fmt in ("json", "srt", "vtt", "txt"):
        assert CARD not in client.get(f"/calls/{call.id}/transcript.{fmt}").get_data(as_text=True)


def test_a_qa_manager_sees_the_words_as_spoken_and_exports_them_only_when_asking(client, make, login_as):
    from app.audit.models import AuditEvent

    call = _call_with_card(make)
    login_as("qa_manager")
    assert CARD in client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert CARD not in client.get(f"/calls/{call.id}/transcript.txt").get_data(as_text=True)
    assert CARD in client.get(f"/calls/{call.id}/transcript.txt?unredacted=1").get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent.action)).all().count("transcript.exported_unredacted") == 1


def test_a_trainer_asking_for_the_unmasked_export_still_gets_it_masked(client, make, login_as):
    call = _call_with_card(make)
    login_as("trainer")
    assert CARD not in client.get(f"/calls/{call.id}/transcript.txt?unredacted=1").get_data(as_text=True)


def test_a_trainer_hears_the_redacted_audio_copy(client, make, login_as):
    call = _call_with_card(make)
    login_as("trainer")
    response = client.get(f"/calls/{call.id}/audio")
    assert response.status_code == 200 and response.mimetype == "audio/flac"
    samples, rate = soundfile.read(io.BytesIO(response.data))
    # The card's words run from 1.4 s to 2.3 s; the test recording is silent on the left channel there,
    # so any sound in that span is the redaction tone.
    assert rate == 16000 and abs(samples[int(1.5 * rate) : int(1.9 * rate), 0]).max() > 0.2


def test_a_trainer_cannot_hear_a_call_before_it_is_redacted(client, make, login_as):
    call = make.call(seconds=2)
    db.session.delete(call.transcript)
    db.session.commit()
    login_as("trainer")
    assert client.get(f"/calls/{call.id}/audio").status_code == 404


def test_transcribing_again_replaces_the_transcript(make):
    call = make.call(seconds=2)
    store_transcript(db.session, call, _transcript_with_a_card())
    store_transcript(db.session, call, _transcript_with_a_card())
    db.session.commit()
    assert db.session.scalar(select(func.count(TranscriptRow.id))) == 1
    assert len(call.transcript.segments) == 2


def test_the_json_export_is_the_interchange_format(client, make, login_as):
    call = _call_with_card(make)
    login_as("qa_manager")
    data = client.get(f"/calls/{call.id}/transcript.json").get_json()
    assert data["language"] == "en" and [s["speaker"] for s in data["segments"]] == ["agent", "customer"]
    assert data["segments"][0]["words"][0]["word"] == "Hello,"


def test_a_suspected_swap_is_one_click_away_and_transcribes_again(client, make, login_as):
    from tests.conftest import csrf_token

    call = make.call(seconds=2)
    call.swap_suspected = True
    db.session.commit()
    login_as("qa_manager")
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "may be swapped" in page
    client.post(f"/calls/{call.id}/swap-channels", data={"csrf_token": csrf_token(client, f"/calls/{call.id}")})
    db.session.expire_all()
    assert call.channel_layout == "customer,agent" and not call.swap_suspected
    assert [j.kind for j in call.jobs].count("transcribe") == 2 and call.transcript is not None


def test_the_engines_confidence_in_each_word_is_kept_and_exported(client, make, login_as):
    call = make.call(seconds=2)
    sure, unsure = Word(0.0, 0.4, "Hello", 0.97), Word(0.5, 0.9, "Fibra", 0.21)
    transcript = Transcript(
        language="en",
        duration=2.0,
        segments=(Segment("agent", 0.0, 0.9, "Hello Fibra", (sure, unsure)),),
        info={"engine": "test", "model": "test", "attribution": "stereo"},
    )
    store_transcript(db.session, call, transcript)
    db.session.commit()
    login_as("qa_manager")
    words = client.get(f"/calls/{call.id}/transcript.json").get_json()["segments"][0]["words"]
    assert [(w["word"], w["probability"]) for w in words] == [("Hello", 0.97), ("Fibra", 0.21)]


def test_the_masked_and_unmasked_text_exports_have_their_own_names_and_one_charset(client, make, login_as):
    call = _call_with_card(make)
    login_as("qa_manager")
    masked = client.get(f"/calls/{call.id}/transcript.txt")
    unmasked = client.get(f"/calls/{call.id}/transcript.txt?unredacted=1")
    assert f'filename="call-{call.id}.txt"' in masked.headers["Content-Disposition"]
    assert f'filename="call-{call.id}-unmasked.txt"' in unmasked.headers["Content-Disposition"]
    assert masked.headers["Content-Type"] == "text/plain; charset=utf-8"
