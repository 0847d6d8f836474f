"""Uploading recordings: what is accepted, what is refused, and that a refusal stores nothing."""

from __future__ import annotations

import io
import random
import wave
from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import func, select

from app.calls.models import Call, Recording
from app.extensions import db
from tests.conftest import csrf_token, wav_bytes


def _upload(client, agent, files, **fields):
    data = {
        "csrf_token": csrf_token(client, "/calls/upload"),
        "agent_id": str(agent.id),
        "call_date": "2026-11-20T09:30",
        "direction": "inbound",
        "external_id": "",
        "channel_layout": "",
        **fields,
        "files": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post("/calls/upload", data=data, content_type="multipart/form-data", follow_redirects=True)


def _files(app) -> list:
    root = app.config["RECORDINGS_DIR"]
    return [p for p in root.rglob("*") if p.is_file()]


def _stored_files(app) -> list:
    return [p for p in _files(app) if p.relative_to(app.config["RECORDINGS_DIR"]).parts[0] != "tmp"]


def _nothing_stored(app) -> bool:
    """No call row, no stored recording, and no temporary upload left behind."""
    return db.session.scalar(select(func.count(Call.id))) == 0 and not _files(app)


def test_manager_uploads_a_recording_and_lands_on_its_page(app, client, make, login_as):
    login_as("qa_manager")
    agent = make.agent()
    response = _upload(client, agent, [("appel-été-n°1.wav", wav_bytes())], external_id="TCK-1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "appel-été-n°1.wav" in page  # the Unicode name is shown as given
    call = db.session.scalars(select(Call)).one()
    assert call.external_id == "TCK-1" and call.agent_id == agent.id
    assert call.recording.channels == 2 and call.recording.duration == pytest.approx(2.0, abs=0.05)
    stored = _stored_files(app)
    assert [p.name for p in stored] == [f"{call.recording.sha256}.wav"]  # the user's name never reaches the disk


def test_a_call_date_in_the_future_is_refused_and_nothing_is_stored(app, client, make, login_as):
    login_as("qa_manager")
    response = _upload(client, make.agent(), [("appel.wav", wav_bytes())], call_date="2030-01-01T09:30")
    assert "The call date is in the future" in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_a_call_dated_today_is_accepted(app, client, make, login_as):
    login_as("qa_manager")
    _upload(client, make.agent(), [("appel.wav", wav_bytes())], call_date=datetime.now().strftime("%Y-%m-%dT%H:%M"))
    assert db.session.scalar(select(func.count(Call.id))) == 1


def test_several_recordings_upload_at_once(client, make, login_as):
    login_as("qa_manager")
    agent = make.agent()
    _upload(client, agent, [("a.wav", wav_bytes(seed=1)), ("b.wav", wav_bytes(seed=2))])
    assert db.session.scalar(select(func.count(Call.id))) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.wav", b"", "The file is empty."),
        ("notes.wav", b"Ceci n'est pas un son.\n" * 50, "not a readable audio recording"),
        ("cut.wav", wav_bytes(seconds=3)[:4000], "truncated or corrupt"),
        ("garbage.mp3", random.Random(3).randbytes(20000), "not a readable audio recording"),
    ],
    ids=["zero-byte", "renamed-text", "truncated", "corrupt-mp3"],
)
def test_bad_audio_is_refused_with_a_clear_message_and_nothing_stored(
    app, client, make, login_as, name, content, message
):
    login_as("qa_manager")
    response = _upload(client, make.agent(), [(name, content)])
    page = response.get_data(as_text=True)
    assert f"{name} was refused" in page
    assert message.split("(")[0].strip().lower() in page.lower()
    assert _nothing_stored(app)


def test_an_overlong_recording_is_refused(app, client, make, login_as):
    app.config["MAX_CALL_MINUTES"] = 0.05  # 3 seconds
    try:
        login_as("qa_manager")
        response = _upload(client, make.agent(), [("long.wav", wav_bytes(seconds=5))])
    finally:
        app.config["MAX_CALL_MINUTES"] = 120
    assert "too long" in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_an_oversized_upload_is_refused_with_the_limit_in_the_message(app, client, make, login_as):
    login_as("qa_manager")
    agent = make.agent()
    big = wav_bytes(seconds=1) + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = _upload(client, agent, [("big.wav", big)])
    page = response.get_data(as_text=True)
    assert "too large" in page and f"{app.config['MAX_UPLOAD_MB']} MB" in page
    assert _nothing_stored(app)


def test_the_same_recording_twice_is_detected(client, make, login_as):
    login_as("qa_manager")
    agent = make.agent()
    data = wav_bytes(seed=7)
    _upload(client, agent, [("first.wav", data)])
    page = _upload(client, agent, [("again.wav", data)]).get_data(as_text=True)
    first = db.session.scalars(select(Call)).one()
    assert f"already uploaded (call #{first.id})" in page
    assert db.session.scalar(select(func.count(Recording.id))) == 1


def test_a_file_name_with_a_path_is_shown_without_it_and_never_used_on_disk(app, client, make, login_as):
    login_as("qa_manager")
    _upload(client, make.agent(), [("../../etc/passwd.wav", wav_bytes())])
    call = db.session.scalars(select(Call)).one()
    assert call.original_filename == "passwd.wav"
    assert all(app.config["RECORDINGS_DIR"] in p.parents for p in _stored_files(app))


def test_upload_without_csrf_token_is_refused(client, make, login_as):
    login_as("qa_manager")
    agent = make.agent()
    response = client.post(
        "/calls/upload",
        data={"agent_id": agent.id, "files": [(io.BytesIO(wav_bytes()), "a.wav")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_upload_is_audited(client, make, login_as):
    from app.audit.models import AuditEvent

    user = login_as("qa_manager")
    _upload(client, make.agent(), [("a.wav", wav_bytes())])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "call.uploaded")).one()
    assert event.actor_id == user.id


def _aiff_bytes() -> bytes:
    """Real, playable audio in a container Écoute does not take (AIFF), encoded with PyAV."""
    import av
    import numpy as np

    buf = io.BytesIO()
    with av.open(buf, "w", format="aiff") as out:
        stream = out.add_stream("pcm_s16be", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            (np.sin(np.arange(16000) / 8) * 8000).astype("<i2")[None, :], format="s16", layout="mono"
        )
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def test_audio_in_a_format_outside_the_accepted_list_is_refused_and_nothing_is_stored(app, client, make, login_as):
    login_as("qa_manager")
    response = _upload(client, make.agent(), [("message.aiff", _aiff_bytes())])
    page = response.get_data(as_text=True)
    assert "This audio format is not accepted: use WAV, MP3, M4A, OGG, FLAC or WebM." in page
    assert _nothing_stored(app)


@pytest.mark.parametrize(
    ("content", "layout", "message"),
    [
        (wav_bytes(channels=1), "agent,customer", "needs a two-channel recording, and this one has 1"),
        (wav_bytes(channels=6), "", "has 6 channels"),
        (wav_bytes(seconds=1.0), "", "too short to have anything to score"),
    ],
    ids=["mono-declared-stereo", "six-channels", "one-second"],
)
def test_a_recording_transcription_could_never_score_is_refused_at_upload_with_the_reason(
    app, client, make, login_as, content, layout, message
):
    login_as("qa_manager")
    response = _upload(client, make.agent(), [("odd.wav", content)], channel_layout=layout)
    page = response.get_data(as_text=True)
    assert "odd.wav was refused" in page and message in page
    assert _nothing_stored(app)


def _hiss(seconds: float = 3.0) -> bytes:
    """Line hiss without a voice: a few least significant bits of noise, about 80 dB below full scale."""
    noise = np.random.default_rng(4).integers(-3, 4, size=(int(seconds * 16000), 1)).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(noise.tobytes())
    return buf.getvalue()


@pytest.mark.parametrize("content", [wav_bytes(seconds=3, amplitude=0), _hiss()], ids=["digital-silence", "hiss"])
def test_a_silent_recording_is_refused_at_upload_and_nothing_is_stored(app, client, make, login_as, content):
    login_as("qa_manager")
    response = _upload(client, make.agent(), [("quiet.wav", content)])
    page = response.get_data(as_text=True)
    assert "quiet.wav was refused: The recording is silent: nothing to transcribe." in page
    assert _nothing_stored(app)


def test_a_quiet_recording_with_a_voice_in_it_is_accepted(app, client, make, login_as):
    login_as("qa_manager")
    _upload(client, make.agent(), [("far-from-the-mic.wav", wav_bytes(seconds=3, amplitude=200))])  # -44 dBFS peaks
    call = db.session.scalars(select(Call)).one()
    assert call.original_filename == "far-from-the-mic.wav" and len(_stored_files(app)) >= 1
