"""Behaviour probabilities for every agent turn of a call (what detectors read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.scoring.behaviours.model import BehaviourModel, load_model
from app.scoring.behaviours.turns import TurnUnit, agent_units
from app.transcription.interchange import Segment


@dataclass(frozen=True)
class TurnBehaviours:
    units: tuple[TurnUnit, ...]
    probabilities: np.ndarray  # (len(units), len(behaviours))
    behaviours: tuple[str, ...]

    def column(self, behaviour: str) -> np.ndarray:
        return self.probabilities[:, self.behaviours.index(behaviour)]

    def replies(self) -> list[int]:
        """Units that answer something the customer said (the occasions to listen and to show empathy)."""
        return [i for i, unit in enumerate(self.units) if unit.context]


def predict_turns(segments: Sequence[Segment], model: BehaviourModel | None = None) -> TurnBehaviours:
    """Probabilities of each behaviour for each agent turn (in pieces of at most 50 words)."""
    model = model or load_model()
    units = tuple(agent_units(segments))
    return TurnBehaviours(units, model.predict(units), model.behaviours)
