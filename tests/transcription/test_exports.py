from __future__ import annotations

from app.transcription.exports import to_json, to_srt, to_text, to_vtt
from app.transcription.interchange import (
    Segment,
    Transcript,
    Word,
    transcript_from_json,
)

TRANSCRIPT = Transcript(
    language="fr",
    duration=70.0,
    segments=(
        Segment("agent", 0.0, 3.1, "Bonjour, service client.", (Word(0.0, 0.5, "Bonjour,"),)),
        Segment("agent", 3.2, 4.0, "Julie à l'appareil."),
        Segment("customer", 65.5, 69.25, "Oui --> bonjour."),
    ),
    info={"engine": "fake"},
)


def test_json_export_round_trips_through_the_interchange_parser() -> None:
    back = transcript_from_json(to_json(TRANSCRIPT))
    assert back.segments == TRANSCRIPT.segments
    assert "info" not in to_json(TRANSCRIPT) and '"engine": "fake"' in to_json(TRANSCRIPT, with_info=True)


def test_srt_has_numbered_cues_with_comma_milliseconds_and_speakers() -> None:
    srt = to_srt(TRANSCRIPT)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:03,100\n[Agent] Bonjour, service client.\n")
    assert "3\n00:01:05,500 --> 00:01:09,250\n[Client] Oui --> bonjour.\n" in srt


def test_vtt_uses_voice_spans_and_never_breaks_the_cue_timing_arrow() -> None:
    vtt = to_vtt(TRANSCRIPT)
    assert vtt.startswith("WEBVTT\n")
    assert "00:01:05.500 --> 00:01:09.250\n<v Client>Oui -> bonjour.\n" in vtt


def test_text_export_joins_consecutive_segments_of_one_party() -> None:
    assert to_text(TRANSCRIPT) == (
        "[00:00] Agent: Bonjour, service client. Julie à l'appareil.\n[01:05] Client: Oui --> bonjour.\n"
    )


def test_english_transcripts_are_labelled_in_english() -> None:
    english = Transcript("en", 1.0, (Segment("customer", 0, 1, "Hi"), Segment("unknown", 1, 1, "Hm")))
    assert to_text(english) == "[00:00] Customer: Hi\n[00:01] Speaker: Hm\n"
