"""The behaviours the models recognise, what they mean for coaching, and how evidence names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Behaviour:
    id: str
    sign: int  # +1 a strength, -1 something to improve
    fr: str  # how evidence names it, in the reader's language
    en: str


BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour("reflection", 1, "reformule les propos du client", "reflects the customer's words"),
    Behaviour("question", 1, "pose une question sur la situation du client", "asks about the customer's situation"),
    Behaviour("acknowledgement", 1, "montre qu'il ou elle suit", "acknowledges what the customer said"),
    Behaviour("feeling", 1, "reconnaît ce que vit le client", "acknowledges the customer's feelings"),
    Behaviour("apology", 1, "s'excuse ou compatit", "apologises or sympathises"),
    Behaviour("reassurance", 1, "rassure avec une suite concrète", "reassures with a concrete next step"),
    Behaviour("explanation", 1, "explique un terme technique", "explains a technical term"),
    Behaviour("blame", -1, "rejette la faute sur le client", "puts the blame on the customer"),
    Behaviour("dismissal", -1, "écarte la demande du client", "brushes the customer's concern aside"),
    Behaviour("minimising", -1, "minimise le problème ou le ressenti", "plays down the problem or the feeling"),
    Behaviour("hollow_empathy", -1, "empathie de façade aussitôt démentie", "stock empathy undone at once"),
    Behaviour("jargon", -1, "emploie du jargon sans l'expliquer", "uses jargon without explaining it"),
)
BEHAVIOUR_IDS: tuple[str, ...] = tuple(b.id for b in BEHAVIOURS)
# What the detectors read from grammar on top of a behaviour, and quote under a rule of its own.
SIGNALS: tuple[Behaviour, ...] = (
    Behaviour(
        "insisting",
        -1,
        "insiste sur ce que le client doit faire sans entendre son objection",
        "insists on what the customer must do without taking their objection in",
    ),
)
BY_ID = {b.id: b for b in (*BEHAVIOURS, *SIGNALS)}


def describe(behaviour: str, probability: float, language: str) -> str:
    """Evidence wording: 'reflects the customer's words (0.91)', « reformule les propos du client (0,91) »."""
    b = BY_ID[behaviour]
    if language == "fr":
        return f"{b.fr} ({f'{probability:.2f}'.replace('.', ',')})"
    return f"{b.en} ({probability:.2f})"
