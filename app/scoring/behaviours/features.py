"""Features of a turn in context: its embedding, how it relates to the customer's words, and a few surface cues."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

WORD = re.compile(r"\w+", re.UNICODE)
SURFACE = ("log_words", "question_mark", "log_context_words", "word_overlap", "has_context", "cosine")


def surface(turn: str, context: str) -> list[float]:
    """Length, '?', the share of the customer's longer words the agent reuses: cues an embedding blurs."""
    ours = [w.lower() for w in WORD.findall(turn)]
    theirs = {w.lower() for w in WORD.findall(context) if len(w) > 3}
    reused = len(theirs & set(ours)) / len(theirs) if theirs else 0.0
    return [
        math.log1p(len(ours)),
        float("?" in turn),
        math.log1p(len(WORD.findall(context))),
        reused,
        float(bool(theirs)),
    ]


# Columns that depend on the customer's words: the turn x context product and these surface cues.
CONTEXT_SURFACE = ("log_context_words", "word_overlap", "has_context", "cosine")


def alone(x: np.ndarray) -> np.ndarray:
    """The features of the same turns read without the customer's words: the context-dependent columns zeroed."""
    dimension = (x.shape[1] - len(SURFACE)) // 2
    columns = [*range(dimension, 2 * dimension), *(2 * dimension + SURFACE.index(c) for c in CONTEXT_SURFACE)]
    without = x.copy()
    without[:, columns] = 0.0
    return without


def build(
    turn_vectors: np.ndarray, context_vectors: np.ndarray, turns: Sequence[str], contexts: Sequence[str]
) -> np.ndarray:
    """(n, 2 * dim + len(SURFACE)): the turn, its element-wise product with the context, the surface cues."""
    has_context = np.array([bool(c.strip()) for c in contexts], dtype=np.float32)[:, None]
    context_vectors = context_vectors * has_context
    cosine = np.einsum("ij,ij->i", turn_vectors, context_vectors)[:, None]
    cues = np.array([surface(t, c) for t, c in zip(turns, contexts, strict=True)], dtype=np.float32)
    return np.hstack([turn_vectors, turn_vectors * context_vectors, cues, cosine]).astype(np.float32)
