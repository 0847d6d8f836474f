"""Timing on a stereo call built from synthesised speech: segments, turns and silences follow the words."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from app.transcription.engines.fake import FakeEngine
from app.transcription.pipeline import transcribe_file
from app.transcription.recovery import UNTRANSCRIBED, unheard_regions
from app.transcription.settings import TranscriptionSettings
from tests.transcription.conftest import place, read_wav, synthesise, write_wav

FAKE = TranscriptionSettings(engine="fake", languages=("en", "fr"), diarize=False)
QUESTION = "Could you tell me the make and model of the car, please?"
ANSWER = "It is a Tesla model three from two thousand eighteen."
REPLY = "Thank you. I have booked it in for Monday morning."
SILENCE_S = 8.0  # between the answer and the agent's reply: an unannounced hold


@pytest.fixture(scope="module")
def answered_call(speech_dir: Path) -> dict:
    """Agent asks (left), customer answers after a second (right), eight silent seconds, agent replies."""
    question, answer, reply = (
        read_wav(synthesise(text, voice, speech_dir / f"timing_{i}.wav"))
        for i, (text, voice) in enumerate([(QUESTION, "en-us"), (ANSWER, "en-gb"), (REPLY, "en-us")])
    )
    answer_at = 1.0 + len(question) / 16000 + 1.0
    answer_end = answer_at + len(answer) / 16000
    reply_at = answer_end + SILENCE_S
    total = reply_at + len(reply) / 16000 + 1.0
    left = place(question, 1.0, total) + place(reply, reply_at, total)
    right = place(answer, answer_at, total)
    path = write_wav(speech_dir / "answered_call.wav", [left, right])
    return {"path": path, "answer_at": answer_at, "answer_end": answer_end, "reply_at": reply_at}


def long_silences(transcript) -> list[tuple[float, float]]:
    return [(x["start"], x["end"]) for x in transcript.info["metrics"]["silence"]["long"]]


def test_the_real_model_gives_segments_that_never_span_a_silence_in_the_order_they_were_said(
    answered_call: dict, whisper_settings
) -> None:
    transcript = transcribe_file(answered_call["path"], language="en", settings=whisper_settings)
    for seg in transcript.segments:
        assert all(b.start - a.end <= 1.5 for a, b in itertools.pairwise(seg.words)), seg.text
        assert seg.start == seg.words[0].start
    speakers = [s.speaker for s in transcript.segments]
    assert [k for k, _ in itertools.groupby(speakers)] == ["agent", "customer", "agent"]
    assert "tesla" in " ".join(s.text for s in transcript.by_speaker("customer")).lower()
    assert transcript.info["metrics"]["overtalk"]["total"] == 0.0
    ((start, end),) = long_silences(transcript)  # only the eight seconds before the reply
    assert start == pytest.approx(answered_call["answer_end"], abs=0.7)
    assert end == pytest.approx(answered_call["reply_at"], abs=0.7)


def test_an_answer_the_engine_skipped_is_transcribed_again(answered_call: dict) -> None:
    # First pass: left channel, then right channel (skipped); then each unheard stretch on its own.
    engine = FakeEngine(FAKE, script=lambda i, s, e: "" if engine.calls == 2 else "tesla model three")
    transcript = transcribe_file(answered_call["path"], settings=FAKE, engine=engine)
    customer = transcript.by_speaker("customer")
    assert customer and "tesla" in customer[0].text
    assert customer[0].start == pytest.approx(answered_call["answer_at"], abs=0.5)
    assert all(start >= answered_call["answer_end"] - 0.5 for start, _ in long_silences(transcript))


def test_an_answer_the_engine_cannot_hear_stays_as_an_untranscribed_line_and_is_not_dead_air(
    answered_call: dict,
) -> None:
    engine = FakeEngine(FAKE, script=lambda i, s, e: "" if engine.calls >= 2 else "hello thanks")
    transcript = transcribe_file(answered_call["path"], settings=FAKE, engine=engine)
    (line,) = transcript.by_speaker("customer")
    assert line.text == UNTRANSCRIBED and line.words[0].probability == 0.0
    assert line.start == pytest.approx(answered_call["answer_at"], abs=0.5)
    assert all(start >= answered_call["answer_end"] - 0.5 for start, _ in long_silences(transcript))


def test_the_other_partys_voice_leaking_into_a_channel_is_not_taken_for_speech() -> None:
    rng = np.random.default_rng(0)
    voice = rng.normal(0, 0.3, 16000 * 3).astype(np.float32)
    loud, leak = voice, voice * 0.05  # crosstalk: the same voice 26 dB lower on the other channel
    region = [(0.5, 2.5)]  # as the voice detector gives it: 0.4 s of padding on each side
    assert unheard_regions(region, own=leak, other=loud, own_words=[], other_words=[]) == []
    assert unheard_regions(region, own=loud, other=leak, own_words=[], other_words=[]) == region
    assert unheard_regions(region, own=loud, other=leak, own_words=[(0.9, 2.1)], other_words=[]) == []
    assert unheard_regions(region, own=loud, other=leak, own_words=[(0.6, 1.2)], other_words=[]) == [(1.2, 2.5)]
