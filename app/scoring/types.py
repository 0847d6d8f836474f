"""Result types shared by detectors and the engine: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Evidence:
    """One point gained (sign +1) or lost (sign -1), pinned to a place in the call."""

    segment: int
    span: tuple[int, int]
    start: float
    end: float
    rule: str
    sign: int
    explanation: str
    tip: str = ""
    text: str = ""
    # The explanation in every interface language, ((language, text), ...): pages show the reader's, sheets the
    # agent's; `explanation` is the call's language.
    explanations: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = {
            "segment": self.segment,
            "span": list(self.span),
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "rule": self.rule,
            "sign": self.sign,
            "explanation": self.explanation,
            "tip": self.tip,
            "text": self.text,
        }
        if not self.tip:
            del data["tip"]  # a rubric without a general tip has nothing to reinforce: omitted, not ''
        return data


@dataclass(frozen=True, slots=True)
class DetectorResult:
    """A detector's verdict: score 0-100 (None = not applicable), evidence and how much it rests on."""

    score: float | None
    evidence: tuple[Evidence, ...] = ()
    # Confidence inputs: how many opportunities the detector examined (customer turns, agent questions...).
    observations: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    # Why the call gave no occasion, when score is None: ((language, text), ...) in every interface language.
    na_reason: tuple[tuple[str, str], ...] = ()


NOT_APPLICABLE = DetectorResult(score=None)


def not_applicable(fr: str, en: str) -> DetectorResult:
    """A detector's "no occasion in this call", saying which occasion was missing (shown beside the N/A)."""
    return DetectorResult(score=None, na_reason=(("fr", fr), ("en", en)))


# The occasions most detectors need: someone to speak (the engine's N/A rule says the same of a silent customer).
NO_AGENT = not_applicable("L'agent ne parle pas dans cet appel", "The agent does not speak in this call")
NO_CUSTOMER = not_applicable("Le client ne parle pas dans cet appel", "The customer does not speak in this call")
