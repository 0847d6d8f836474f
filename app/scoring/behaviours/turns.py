"""Agent turns as the behaviour models read them: the agent's words with the customer's words just before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.transcription.interchange import Segment

# Agent turns longer than this are read in pieces (at segment boundaries): a reflection inside a long monologue
# would otherwise be averaged away. The training turns are 3-60 words.
MAX_UNIT_WORDS = 50
# The customer's side of the context: the last two customer turns, at most this many words (most recent kept).
MAX_CONTEXT_WORDS = 80
# An agent segment whose words the recogniser was mostly unsure of (their mean probability under this) is not judged
# on its own (`predict.predict_turns`): the models would read the recogniser's guess, not what the agent said. On a
# real call Whisper's "sorry date okay okay" (0.39) was quoted as an apology; the other agent segments of the seven
# real calls under it are a lone "Okay", "And", "That" or "Um, wait", and clear speech averages 0.85-0.95.
HEARD_FROM = 0.5


@dataclass(frozen=True, slots=True)
class TurnUnit:
    """Consecutive agent segments read together, and the customer's words before them ('' when none)."""

    segments: tuple[int, ...]
    text: str
    context: str


def agent_units(segments: Sequence[Segment]) -> list[TurnUnit]:
    """Every agent turn of a call, in pieces of at most MAX_UNIT_WORDS words, each with its customer context."""
    units: list[TurnUnit] = []
    customer_turns: list[list[str]] = []
    run: list[int] = []
    for i, seg in enumerate([*segments, None]):
        if seg is not None and seg.speaker == "agent":
            run.append(i)
            continue
        if run:
            units += _pieces(segments, run, _context(customer_turns))
            run = []
        if seg is not None and seg.speaker == "customer":
            if not customer_turns or (i > 0 and segments[i - 1].speaker != "customer"):
                customer_turns.append([])
            customer_turns[-1].append(seg.text.strip())
    return units


def heard(segment: Segment) -> bool:
    """The recogniser caught the segment's words well enough to judge them (`HEARD_FROM`), or gave no probabilities."""
    confidence = segment.word_confidence
    return confidence is None or confidence >= HEARD_FROM


def _context(customer_turns: list[list[str]]) -> str:
    words = " ".join(" ".join(turn) for turn in customer_turns[-2:]).split()
    return " ".join(words[-MAX_CONTEXT_WORDS:])


def _pieces(segments: Sequence[Segment], run: list[int], context: str) -> list[TurnUnit]:
    pieces: list[list[int]] = [[]]
    count = 0
    for i in run:
        words = len(segments[i].text.split())
        if pieces[-1] and count + words > MAX_UNIT_WORDS:
            pieces.append([])
            count = 0
        pieces[-1].append(i)
        count += words
    return [
        TurnUnit(tuple(p), " ".join(segments[i].text.strip() for i in p), context)
        for p in pieces
        if any(segments[i].text.strip() for i in p)
    ]
