"""Anonymised excerpts on French and English calls, with the real spaCy pipelines."""

from __future__ import annotations

import pytest

from app.roleplay.excerpts import (
    SourceSegment,
    anonymise,
    build_excerpt,
    hidden_spans_many,
    hidden_times,
    render,
    with_uncertain,
)
from app.scoring.nlp import get_nlp
from app.transcription.interchange import Word
from tests.roleplay.factories import EN_CALL, EN_SECRETS, FR_CALL, FR_SECRETS

CALLS = {"fr": (FR_CALL, FR_SECRETS), "en": (EN_CALL, EN_SECRETS)}


def _segments(lines):
    return [SourceSegment(i, speaker, 5.0 * i, 5.0 * i + 5, text) for i, (speaker, text) in enumerate(lines)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_name_number_or_email_of_the_call_survives_an_excerpt(language):
    lines, secrets = CALLS[language]
    excerpt = build_excerpt(_segments(lines), 2, language, get_nlp(language), before=6, after=6, names=["Julie Moreau"])
    words = " ".join(t.text for t in excerpt.turns)
    assert len(excerpt.turns) == len(lines)
    assert [s for s in secrets if s.lower() in words.lower()] == []


def test_french_placeholders_say_what_was_hidden():
    text = anonymise(
        "Bonjour, je suis Paul Lefèvre, de la société Orange à Lyon, au 06 12 34 56 78.", "fr", get_nlp("fr")
    )
    assert "[NOM]" in text and "[SOCIÉTÉ]" in text and "[LIEU]" in text and "[TÉLÉPHONE]" in text


def test_english_placeholders_say_what_was_hidden():
    text = anonymise("Hi, this is Sarah Connor from Acme Corp in Boston, email sarah@acme.com.", "en", get_nlp("en"))
    assert "[NAME]" in text and "[COMPANY]" in text and "[PLACE]" in text and "[EMAIL]" in text


def test_the_agents_own_name_is_hidden_even_when_the_model_misses_it():
    text = anonymise("Oui, c'est Zorglub qui vous parle.", "fr", get_nlp("fr"), names=["Zorglub Xyz"])
    assert "Zorglub" not in text and "[NOM]" in text


def test_speakers_are_agent_and_customer_and_the_focus_is_marked():
    excerpt = build_excerpt(_segments(FR_CALL), 2, "fr", get_nlp("fr"), before=1, after=1)
    assert [t.speaker for t in excerpt.turns] == ["customer", "agent", "customer"]
    assert [t.focus for t in excerpt.turns] == [False, True, False]


def test_the_span_widens_and_narrows_within_the_call():
    segments = _segments(FR_CALL)
    assert len(build_excerpt(segments, 0, "fr", get_nlp("fr"), before=3, after=0).turns) == 1
    assert len(build_excerpt(segments, 2, "fr", get_nlp("fr"), before=0, after=0).turns) == 1
    assert len(build_excerpt(segments, 5, "fr", get_nlp("fr"), before=2, after=5).turns) == 3


def test_a_quote_never_shows_half_a_phone_number():
    text = "Rappelez-moi au 06 12 34 56 78 demain."
    spans = hidden_spans_many([text], "fr", get_nlp("fr"))[0]
    cut = text.index("34")
    assert "34" not in render(text, spans, "fr", cut, len(text))


def test_hidden_words_are_placed_in_time_from_word_timings():
    text = "call me on 617 555 0199 please"
    words = tuple(Word(float(i), float(i) + 1, f" {w}") for i, w in enumerate(text.split()))
    segment = SourceSegment(0, "customer", 0.0, 7.0, text, words)
    times = hidden_times(segment, hidden_spans_many([text], "en", get_nlp("en"))[0])
    assert times == [(3.0, 6.0)]


def test_without_word_timings_the_whole_line_is_hidden():
    segment = SourceSegment(0, "customer", 10.0, 14.0, "my email is bob@example.com")
    assert hidden_times(segment, hidden_spans_many([segment.text], "en", get_nlp("en"))[0]) == [(10.0, 14.0)]


def test_an_unsure_piece_of_a_written_word_masks_the_whole_word_with_its_spaces_kept():
    text = "Qu'est-ce que le forfait ?"
    said = [(" Qu", 0.1), ("'est", 0.9), ("-ce", 0.1), (" que", 0.9), (" le", 0.9), (" forfait", 0.1), (" ?", 0.9)]
    words = tuple(Word(i, i + 1.0, w, p) for i, (w, p) in enumerate(said))
    segment = SourceSegment(0, "customer", 0.0, 7.0, text, words)
    assert render(text, with_uncertain(segment, [], 0.5), "fr") == "[inaudible] que le [inaudible] ?"


def test_unsure_words_keep_the_punctuation_around_them():
    text = "Oui, merci beaucoup, vraiment."
    said = [(" Oui,", 0.9), (" merci", 0.1), (" beaucoup,", 0.1), (" vraiment.", 0.9)]
    words = tuple(Word(i, i + 1.0, w, p) for i, (w, p) in enumerate(said))
    segment = SourceSegment(0, "customer", 0.0, 4.0, text, words)
    assert render(text, with_uncertain(segment, [], 0.5), "fr") == "Oui, [inaudible], vraiment."
