"""Words the recogniser was unsure of: found in the text, marked in quotes, never quoted as if certain."""

from __future__ import annotations

from app.coaching.sheet import quote
from app.roleplay.excerpts import SourceSegment, build_excerpt
from app.scoring.nlp import get_nlp
from app.transcription.confidence import as_words, pieces, uncertain_share, uncertain_spans, whole_words
from app.transcription.interchange import Word

TEXT = "c'est me liste l'enfant plus, cet appel peut être enregistré"


def _words(text: str, unsure: set[str]) -> tuple[Word, ...]:
    return tuple(
        Word(i * 0.3, i * 0.3 + 0.25, w, 0.2 if w.strip(",") in unsure else 0.95) for i, w in enumerate(text.split())
    )


def test_neighbouring_uncertain_words_make_one_span():
    spans = uncertain_spans(TEXT, _words(TEXT, {"me", "liste", "l'enfant", "plus"}))
    assert [TEXT[s.start : s.end] for s in spans] == ["me liste l'enfant plus"]


def test_words_without_a_probability_count_as_certain():
    words = as_words([{"start": 0.0, "end": 0.4, "word": "c'est"}, {"start": 0.4, "end": 0.6, "word": "me"}])
    assert uncertain_spans(TEXT, words) == [] and uncertain_share(TEXT, words, 0, 8) == 0.0


def test_a_sheet_quote_shows_a_mark_where_the_words_were_uncertain():
    spans = tuple((s.start, s.end) for s in uncertain_spans(TEXT, _words(TEXT, {"me", "liste", "l'enfant"})))
    shown = quote(TEXT, 30, len(TEXT), "fr", spans)
    assert "[inaudible]" in shown and "liste" not in shown and "enregistré" in shown


def test_a_sheet_quote_masks_the_whole_written_word_when_the_recogniser_split_it():
    text = "Bonjour, c'est me liste l'enfant plus."
    said = [("Bonjour,", 0.9), (" c", 0.2), ("'est", 0.9), (" me", 0.2), (" liste", 0.9), (" l", 0.2), ("'enfant", 0.9)]
    words = tuple(Word(i, i + 1.0, w, p) for i, (w, p) in enumerate([*said, (" plus.", 0.9)]))
    spans = tuple((s.start, s.end) for s in whole_words(text, uncertain_spans(text, words)))
    assert quote(text, 0, len(text), "fr", spans) == "Bonjour, [inaudible] liste [inaudible] plus."


def test_the_page_gets_the_line_in_pieces_with_the_uncertain_ones_flagged():
    assert pieces("Bonjour madame", _words("Bonjour madame", {"madame"})) == [("Bonjour ", False), ("madame", True)]


def test_a_role_play_excerpt_never_prints_an_uncertain_word():
    lines = [("agent", "Bonjour, service client, que puis-je pour vous ?"), ("customer", TEXT)]
    segments = [
        SourceSegment(i, speaker, 5.0 * i, 5.0 * i + 4, text, _words(text, {"liste", "l'enfant"}))
        for i, (speaker, text) in enumerate(lines)
    ]
    excerpt = build_excerpt(segments, 1, "fr", get_nlp("fr"), before=1, after=0)
    said = excerpt.turns[1].text
    assert "[inaudible]" in said and "liste" not in said and "enregistré" in said
