"""Behaviour probabilities for every agent turn of a call (what detectors read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.scoring.behaviours.model import BehaviourModel, load_model
from app.scoring.behaviours.turns import TurnUnit, agent_units, heard
from app.transcription.interchange import Segment


@dataclass(frozen=True)
class TurnBehaviours:
    units: tuple[TurnUnit, ...]
    probabilities: np.ndarray  # (len(units), len(behaviours))
    behaviours: tuple[str, ...]
    # For units of several segments, each segment read alone (same context): where to quote a behaviour from.
    by_segment: dict[int, np.ndarray]
    # Per unit, the chance that the customer's words before it give occasion for empathy (0 without any; 1 from a
    # model without an occasion head).
    occasion: np.ndarray

    def quote_segment(self, row: int, behaviour: str) -> int:
        """The segment of a unit that shows `behaviour` most, for the evidence's quote and time."""
        segments = self.units[row].segments
        if len(segments) == 1:
            return segments[0]
        column = self.behaviours.index(behaviour)
        return max(segments, key=lambda i: self.by_segment[i][column])

    def column(self, behaviour: str) -> np.ndarray:
        return self.probabilities[:, self.behaviours.index(behaviour)]

    def replies(self) -> list[int]:
        """Units that answer something the customer said (the occasions to listen and to show empathy)."""
        return [i for i, unit in enumerate(self.units) if unit.context]


def predict_turns(segments: Sequence[Segment], model: BehaviourModel | None = None) -> TurnBehaviours:
    """Probabilities of each behaviour for each agent turn (in pieces of at most 50 words). A turn the recogniser
    barely caught (`turns.heard`) is not read, and a barely caught segment of a longer turn is never quoted: its own
    reading is zero."""
    model = model or load_model()
    every = agent_units(segments)
    caught = {i for unit in every for i in unit.segments if heard(segments[i])}
    units = tuple(u for u in every if not caught.isdisjoint(u.segments))
    pieces = [
        TurnUnit((i,), segments[i].text.strip(), unit.context)
        for unit in units
        if len(unit.segments) > 1
        for i in unit.segments
        if i in caught
    ]
    probabilities, occasion = model.read([*units, *pieces])
    unheard = np.zeros(len(model.behaviours), dtype=probabilities.dtype)
    by_segment = {i: unheard for unit in units if len(unit.segments) > 1 for i in unit.segments}
    by_segment |= {p.segments[0]: probabilities[len(units) + k] for k, p in enumerate(pieces)}
    return TurnBehaviours(units, probabilities[: len(units)], model.behaviours, by_segment, occasion[: len(units)])


def read_units(units: Sequence[TurnUnit], model: BehaviourModel | None = None) -> np.ndarray:
    """(len(units), len(behaviours)): the probabilities of turns a detector rewrote (e.g. without a formula) and
    reads again, with their context."""
    return (model or load_model()).read(units)[0]
