"""Which transcribed words are too uncertain to quote as said (pure: no Flask, no database).

A word's `probability` is the recogniser's own confidence; it is optional (older transcripts and
imported files have none), and a word without one counts as certain. Reviewers see uncertain words
faintly; sheets and role-play excerpts never print them as if certain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.pii import Span
from app.transcription.interchange import Word
from app.transcription.redaction import word_char_ranges

LOW_CONFIDENCE = 0.5  # below this a word is shown faintly and never quoted as said (config: LOW_CONFIDENCE_WORD)
UNCERTAIN = "uncertain"  # the Span kind
# Evidence whose own words are this uncertain is not quoted to the agent unless a reviewer vouched for it.
MOSTLY_UNCERTAIN = 0.5
PUNCTUATION = ",.;:!?…-'’\"«»"


def configured_threshold() -> float:
    """LOW_CONFIDENCE_WORD from the app's configuration (the one Flask-aware helper here)."""
    from flask import current_app

    return float(current_app.config.get("LOW_CONFIDENCE_WORD", LOW_CONFIDENCE))


def as_words(raw: Sequence[Mapping[str, Any] | Word] | None) -> tuple[Word, ...]:
    """Stored word dicts (or Words) as Words, probability kept when there is one."""
    words = []
    for w in raw or ():
        if isinstance(w, Word):
            words.append(w)
        else:
            prob = w.get("probability")
            words.append(Word(w["start"], w["end"], w["word"], float(prob) if prob is not None else None))
    return tuple(words)


def is_uncertain(word: Word, threshold: float = LOW_CONFIDENCE) -> bool:
    return word.probability is not None and word.probability < threshold


def uncertain_spans(text: str, words: Sequence[Word], threshold: float = LOW_CONFIDENCE) -> list[Span]:
    """Where the uncertain words sit in the text; neighbours merge into one span (one mark, not several)."""
    spans: list[Span] = []
    for word, where in zip(words, word_char_ranges(text, words), strict=True):
        if where is None or not is_uncertain(word, threshold):
            continue
        start, end = where
        while end > start and text[end - 1] in PUNCTUATION:  # the mark stands for words, not the comma after
            end -= 1
        if end <= start:
            continue
        if spans and not text[spans[-1].end : start].strip(PUNCTUATION + " "):
            spans[-1] = Span(spans[-1].start, end, UNCERTAIN)
        else:
            spans.append(Span(start, end, UNCERTAIN))
    return spans


def whole_words(text: str, spans: Sequence[Span]) -> list[Span]:
    """Each span widened to the written words it touches, punctuation around them left out, and marks with only
    spaces between them joined. The recogniser can split a written word ("Qu'est-ce" as " Qu", "'est", "-ce"):
    masking only its unsure pieces read "[inaudible]'est[inaudible] que le [inaudible] ?"."""
    out: list[Span] = []
    for span in spans:
        start, end = span.start, span.end
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        while start < span.start and text[start] in PUNCTUATION + "(":
            start += 1
        while end > span.end and text[end - 1] in PUNCTUATION + ")":
            end -= 1
        if out and not text[out[-1].end : start].strip():
            out[-1] = Span(out[-1].start, max(out[-1].end, end), out[-1].kind)
        else:
            out.append(Span(start, end, span.kind))
    return out


def uncertain_share(text: str, words: Sequence[Word], start: int, end: int, threshold: float = LOW_CONFIDENCE) -> float:
    """The share of the words between two character offsets that are uncertain (0 when none are timed)."""
    inside = [
        w
        for w, r in zip(words, word_char_ranges(text, words), strict=True)
        if r is not None and r[0] < end and r[1] > start
    ]
    return sum(is_uncertain(w, threshold) for w in inside) / len(inside) if inside else 0.0


def pieces(text: str, words: Sequence[Word], threshold: float = LOW_CONFIDENCE) -> list[tuple[str, bool]]:
    """The text cut into (words, uncertain) pieces, for a page that shows uncertain words faintly."""
    out, cursor = [], 0
    for span in uncertain_spans(text, words, threshold):
        if span.start > cursor:
            out.append((text[cursor : span.start], False))
        out.append((text[span.start : span.end], True))
        cursor = span.end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out
