from __future__ import annotations

from app.transcription.engines import EngineSegment
from app.transcription.whisper_failures import (
    choose_language,
    filter_segments,
    hallucination_phrase,
    repeated_ngram,
)


def seg(text: str, start: float = 0.0, end: float = 2.0, **kw: float) -> EngineSegment:
    return EngineSegment(start, end, text, **kw)


def test_subtitle_credits_invented_over_hold_music_are_dropped_with_their_reason() -> None:
    kept, dropped = filter_segments([seg("Sous-titres réalisés par la communauté d'Amara.org")], [(0.0, 2.0)])
    assert kept == []
    assert "known hallucination phrase" in dropped[0].reason


def test_thanks_for_watching_is_a_known_hallucination() -> None:
    assert hallucination_phrase("Thanks for watching!") == "thanks for watching"
    assert hallucination_phrase("Merci d'avoir regardé cette vidéo") == "merci d'avoir regarde"


def test_an_agent_thanking_for_attention_mid_sentence_is_kept() -> None:
    assert hallucination_phrase("Merci de votre attention, je vous transfère.") is None
    assert hallucination_phrase("Merci de votre attention.") == "merci de votre attention"


def test_text_with_high_no_speech_probability_and_low_confidence_is_dropped() -> None:
    kept, dropped = filter_segments([seg("Bon.", no_speech_prob=0.9, avg_logprob=-1.4)])
    assert not kept and dropped[0].reason.startswith("no speech")


def test_confident_speech_with_a_high_no_speech_probability_is_kept() -> None:
    kept, _ = filter_segments([seg("Oui.", no_speech_prob=0.9, avg_logprob=-0.3)])
    assert len(kept) == 1


def test_text_over_a_region_where_no_voice_was_detected_is_dropped() -> None:
    kept, dropped = filter_segments([seg("Au revoir", 10.0, 12.0)], [(0.0, 5.0)], speaker="agent")
    assert not kept
    assert dropped[0].reason == "no voice detected under this text (VAD)"
    assert dropped[0].as_dict()["speaker"] == "agent"


def test_a_repetition_loop_is_dropped() -> None:
    loop = "je vous remercie " * 8
    kept, dropped = filter_segments([seg(loop, compression_ratio=3.1)])
    assert not kept and "repetition loop" in dropped[0].reason


def test_repeated_ngrams_are_found_even_with_a_normal_compression_ratio() -> None:
    assert repeated_ngram("Merci, merci, merci, merci beaucoup") == "merci"
    assert repeated_ngram("Oui oui, d'accord") is None


def test_the_same_long_sentence_a_third_time_in_a_row_is_a_loop() -> None:
    same = "Je vais regarder votre dossier tout de suite."
    segments = [seg(same, i, i + 1) for i in range(3)]
    kept, dropped = filter_segments(segments)
    assert len(kept) == 2 and "third time" in dropped[0].reason


def test_a_customer_saying_oui_several_times_is_kept() -> None:
    kept, dropped = filter_segments([seg("Oui.", i, i + 1) for i in range(4)])
    assert len(kept) == 4 and not dropped


def test_the_configured_team_language_wins_over_detection() -> None:
    assert choose_language({"en": 0.9, "fr": 0.1}, allowed=("fr", "en"), configured="fr")[0] == "fr"


def test_detection_only_chooses_among_the_team_languages() -> None:
    lang, prob, method = choose_language({"nn": 0.6, "fr": 0.3, "en": 0.1}, allowed=("fr", "en"))
    assert (lang, prob, method) == ("fr", 0.3, "detected on speech")


def test_no_speech_at_all_falls_back_to_the_first_team_language() -> None:
    assert choose_language({}, allowed=("fr", "en"))[0] == "fr"
