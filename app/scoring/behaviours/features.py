"""Features of a turn in context: its embedding, how it relates to the customer's words, a few surface cues, and the
turn's own words (n-grams)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

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


# The turn's words and word pairs, lowercased, as a second reading beside the embedding: the embedding reads a
# turn's gist, the words the phrases a behaviour is made of. The heads in train.NGRAM_HEADS weigh both
# (train.NGRAM_SCALE, with what it changed, measured).
NGRAM_TOKEN = re.compile(r"\b\w[\w']*\b", re.UNICODE)


def ngrams(text: str) -> set[str]:
    """The turn's words and pairs of consecutive words, lowercased ("you're", "l'ont" are one word)."""
    tokens = NGRAM_TOKEN.findall(text.replace("\u2019", "'").lower())
    return {*tokens, *(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))}


def vocabulary(texts: Iterable[str], min_count: int) -> tuple[str, ...]:
    """The n-grams found in at least `min_count` of the texts, sorted (rarer ones would only learn the corpus)."""
    counts = Counter(g for text in texts for g in ngrams(text))
    return tuple(sorted(g for g, count in counts.items() if count >= min_count))


def ngram_indexes(texts: Sequence[str], index: Mapping[str, int]) -> list[np.ndarray]:
    """Per text, the sorted positions of its n-grams in the vocabulary (`index`: n-gram -> position); each text's
    row of a binary matrix whose rows are scaled to unit length, so a long turn does not weigh more."""
    return [np.array(sorted(index[g] for g in ngrams(t) if g in index), dtype=np.int64) for t in texts]


def ngram_matrix(texts: Sequence[str], index: Mapping[str, int], scale: float):
    """(n, len(vocabulary)) scipy sparse matrix: each row `scale` over the square root of its n-gram count (training
    only; reading a turn sums the weights of its n-grams, `ngram_decision`)."""
    from scipy.sparse import csr_matrix

    rows = ngram_indexes(texts, index)
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    data = np.repeat(scale / np.sqrt(np.maximum(lengths, 1)), lengths)
    indices = np.concatenate([*rows, np.zeros(0, np.int64)])
    return csr_matrix((data, indices, np.concatenate([[0], np.cumsum(lengths)])), shape=(len(rows), len(index)))


def ngram_decision(texts: Sequence[str], index: Mapping[str, int], weights: np.ndarray) -> np.ndarray:
    """(n, k): what the heads' n-gram weights (k, len(index)), scale folded in, add to each text's reading."""
    out = np.zeros((len(texts), weights.shape[0]), dtype=np.float64)
    for row, found in enumerate(ngram_indexes(texts, index)):
        if len(found):
            out[row] = weights[:, found].sum(axis=1) / math.sqrt(len(found))
    return out
