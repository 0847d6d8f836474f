"""Segments that never span a silence: an engine segment is cut where its words pause (pure functions).

Whisper groups words into ~30-s windows, so one segment can run over a long pause while the other party
answers; a segment then starts before the question it answers and every timing built on its span is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.transcription.interchange import Segment, Word

MAX_PAUSE_S = 1.0  # a pause longer than this between two words always starts a new segment
SENTENCE_PAUSE_S = 0.5  # after a full stop, question or exclamation mark, a shorter pause is enough
_SENTENCE_END = (".", "?", "!", "…")


def split_at_pauses(
    segment: Segment, *, max_pause: float = MAX_PAUSE_S, sentence_pause: float = SENTENCE_PAUSE_S
) -> list[Segment]:
    """The segment cut at long pauses between its words (and at sentence ends followed by a pause)."""
    if len(segment.words) < 2:
        return [_fit(segment)]
    pieces: list[list[Word]] = [[segment.words[0]]]
    for word in segment.words[1:]:
        previous = pieces[-1][-1]
        pause = word.start - previous.end
        if pause > max_pause or (pause >= sentence_pause and previous.word.strip().endswith(_SENTENCE_END)):
            pieces.append([word])
        else:
            pieces[-1].append(word)
    if len(pieces) == 1:
        return [_fit(segment)]
    return [_piece(segment, words) for words in pieces]


def split_all(segments: Iterable[Segment], **limits: float) -> list[Segment]:
    """Every segment split at its pauses, in time order of their first words."""
    out = [piece for seg in segments for piece in split_at_pauses(seg, **limits)]
    return sorted(out, key=lambda s: (s.start, s.end))


def _piece(segment: Segment, words: list[Word]) -> Segment:
    text = "".join(_spaced(w.word) for w in words).strip()
    return Segment(segment.speaker, words[0].start, max(words[-1].end, words[0].start), text, tuple(words))


def _spaced(token: str) -> str:
    # Whisper words carry their leading space; words that lost it (imported, stripped) get one back.
    return token if token[:1].isspace() or token[:1] in "-'’,.?!" else f" {token}"


def _fit(segment: Segment) -> Segment:
    """A segment whose span is its words' span, so that it starts with its first word."""
    if not segment.words:
        return segment
    start, end = segment.words[0].start, max(w.end for w in segment.words)
    return Segment(segment.speaker, start, max(end, start), segment.text, segment.words)
