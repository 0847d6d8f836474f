"""Anonymised excerpts (pure: no Flask, no database).

Everything a trainer reads is built here from the call's own words: personal data found by the
redaction rules, and people, places and companies found by spaCy's named entities (plus the agent's
own name, which the models miss when it is unusual) become placeholders before any text leaves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.pii import Span, find_pii, label, merge_spans
from app.scoring.nlp import normalise
from app.transcription.confidence import LOW_CONFIDENCE, UNCERTAIN, uncertain_spans, whole_words
from app.transcription.interchange import Word
from app.transcription.redaction import word_char_ranges

if TYPE_CHECKING:
    from spacy.language import Language

PLACEHOLDERS = {
    "fr": {"name": "[NOM]", "place": "[LIEU]", "company": "[SOCIÉTÉ]", UNCERTAIN: "[inaudible]"},
    "en": {"name": "[NAME]", "place": "[PLACE]", "company": "[COMPANY]", UNCERTAIN: "[inaudible]"},
}
# spaCy labels of both pipelines (French: PER/LOC/ORG; English: OntoNotes) -> what they become.
ENTITY_KINDS = {"PER": "name", "PERSON": "name", "LOC": "place", "GPE": "place", "FAC": "place", "ORG": "company"}
SPEAKERS = ("agent", "customer")
MAX_TURNS_AROUND = 6


@dataclass(frozen=True, slots=True)
class SourceSegment:
    """One line of the call as transcribed (original words: only this module reads them)."""

    index: int
    speaker: str
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Turn:
    index: int
    speaker: str  # agent | customer
    start: float
    end: float
    text: str  # anonymised
    focus: bool = False


@dataclass(frozen=True, slots=True)
class Excerpt:
    language: str
    turns: tuple[Turn, ...] = field(default_factory=tuple)
    first: int = 0
    last: int = 0


def _lang(language: str) -> str:
    return "fr" if (language or "").lower().startswith("fr") else "en"


def placeholder(kind: str, language: str) -> str:
    if kind in PLACEHOLDERS["en"]:
        return PLACEHOLDERS[_lang(language)][kind]
    return label(kind, language)


def name_spans(text: str, names: Iterable[str]) -> list[Span]:
    """Every whole-word occurrence of each part of the given names (two letters or more)."""
    parts = {p for n in names for p in re.findall(r"[^\W\d_]{2,}", n or "")}
    spans = []
    for part in parts:
        spans += [Span(m.start(), m.end(), "name") for m in re.finditer(rf"\b{re.escape(part)}\b", text, re.I)]
    return spans


def hidden_spans_many(
    texts: Sequence[str], language: str, nlp: Language, names: Iterable[str] = ()
) -> list[list[Span]]:
    """What must be hidden in each text: personal data, named entities, the given names."""
    names = tuple(names)
    docs = nlp.pipe((normalise(t) for t in texts), batch_size=64)
    out = []
    for text, doc in zip(texts, docs, strict=True):
        entities = [
            Span(e.start_char, e.end_char, ENTITY_KINDS[e.label_]) for e in doc.ents if e.label_ in ENTITY_KINDS
        ]
        out.append(merge_spans([*find_pii(text, language), *entities, *name_spans(text, names)]))  # personal data first
    return out


def with_uncertain(segment: SourceSegment, spans: Sequence[Span], threshold: float = LOW_CONFIDENCE) -> list[Span]:
    """What a trainer's text leaves out: the hidden spans plus the written words the recogniser was unsure of, whole
    (text only: the audio keeps them, nothing personal is in them)."""
    unsure = whole_words(segment.text, uncertain_spans(segment.text, segment.words, threshold))
    return merge_spans([*spans, *unsure])


def render(text: str, spans: Sequence[Span], language: str, start: int = 0, end: int | None = None) -> str:
    """The text between start and end with each hidden span as its placeholder (never half a span)."""
    end = len(text) if end is None else end
    for span in spans:
        if span.start < start < span.end:
            start = span.start
        if span.start < end < span.end:
            end = span.end
    out, cursor = [], start
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        out += [text[cursor : span.start], placeholder(span.kind, language)]
        cursor = span.end
    out.append(text[cursor:end])
    return "".join(out).strip()


def anonymise(text: str, language: str, nlp: Language, names: Iterable[str] = ()) -> str:
    """One text with personal data and named entities replaced by placeholders."""
    return render(text, hidden_spans_many([text], language, nlp, names)[0], language)


def speaker_of(speaker: str) -> str:
    """Unknown attribution is shown as the customer: the excerpt never guesses who the agent is."""
    return speaker if speaker in SPEAKERS else "customer"


def build_excerpt(
    segments: Sequence[SourceSegment],
    focus: int,
    language: str,
    nlp: Language,
    *,
    before: int = 2,
    after: int = 2,
    names: Iterable[str] = (),
    threshold: float = LOW_CONFIDENCE,
) -> Excerpt:
    """The turns around the focus segment (the span clamped to the call), anonymised."""
    if not segments:
        return Excerpt(_lang(language))
    focus = max(0, min(focus, len(segments) - 1))
    first = max(0, focus - max(0, min(before, MAX_TURNS_AROUND)))
    last = min(len(segments) - 1, focus + max(0, min(after, MAX_TURNS_AROUND)))
    chosen = segments[first : last + 1]
    hidden = hidden_spans_many([s.text for s in chosen], language, nlp, names)
    turns = tuple(
        Turn(
            s.index,
            speaker_of(s.speaker),
            s.start,
            s.end,
            render(s.text, with_uncertain(s, spans, threshold), language),
            focus=s.index == segments[focus].index,
        )
        for s, spans in zip(chosen, hidden, strict=True)
    )
    return Excerpt(_lang(language), turns, first, last)


def hidden_times(segment: SourceSegment, spans: Sequence[Span]) -> list[tuple[float, float]]:
    """When each hidden span is said; the whole line where word timings cannot place it."""
    ranges = word_char_ranges(segment.text, segment.words)
    times = []
    for span in spans:
        hit = [i for i, r in enumerate(ranges) if r is not None and r[0] < span.end and r[1] > span.start]
        if hit:
            times.append((segment.words[hit[0]].start, max(segment.words[i].end for i in hit)))
        else:
            times.append((segment.start, segment.end))
    return times
