"""The trained behaviour heads: one logistic regression a behaviour over standardised features, and their file."""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.scoring.behaviours import features
from app.scoring.behaviours.encoder import get_encoder
from app.scoring.behaviours.turns import TurnUnit

MODEL_DIR = Path(__file__).resolve().parents[3] / "qa_rubrics" / "behaviours" / "model"
WEIGHTS_FILE = "heads.npz"
META_FILE = "model.json"


class ModelFileError(RuntimeError):
    """The behaviour model files are missing, altered or do not match this code."""


@dataclass(frozen=True)
class BehaviourModel:
    encoder: str
    behaviours: tuple[str, ...]
    mean: np.ndarray  # (d,) feature standardisation
    scale: np.ndarray  # (d,)
    weights: np.ndarray  # (k, d)
    bias: np.ndarray  # (k,)
    meta: dict[str, Any]
    # The heads' weights on the turn's word n-grams (features.ngrams), (k, len(vocabulary)); none in older models.
    vocabulary: tuple[str, ...] = ()
    ngram_weights: np.ndarray | None = None
    # The occasion head: whether the customer's words give occasion for empathy, read from their embedding alone
    # (standardisation folded in), (dim,) and a bias; none in older models (every reply is then an occasion).
    occasion_weights: np.ndarray | None = None
    occasion_bias: float = 0.0

    @functools.cached_property
    def ngram_index(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.vocabulary)}

    def predict_features(self, x: np.ndarray, turns: Sequence[str] = ()) -> np.ndarray:
        """(n, k) probabilities from (n, d) features and, for a model with n-gram weights, the n turns' words."""
        context_weight = context_weights(self.meta.get("context_weight", {}), self.behaviours)
        z = decision(x, self.mean, self.scale, self.weights, self.bias, context_weight)
        if self.ngram_weights is not None:
            if len(turns) != len(x):
                raise ValueError(f"the heads read the turns' words: {len(turns)} turns for {len(x)} feature rows")
            z = z + features.ngram_decision(turns, self.ngram_index, self.ngram_weights)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def predict(self, units: Sequence[TurnUnit]) -> np.ndarray:
        """(len(units), k) probabilities: each distinct text is encoded once."""
        return self.read(units)[0]

    def read(self, units: Sequence[TurnUnit]) -> tuple[np.ndarray, np.ndarray]:
        """(len(units), k) behaviour probabilities, and (len(units),) the chance that each unit's context (the
        customer's words before it) gives occasion for empathy: 0 without a context, 1 for a model without an
        occasion head. Each distinct text is encoded once, for both."""
        if not units:
            return np.zeros((0, len(self.behaviours)), dtype=np.float32), np.zeros(0, dtype=np.float32)
        turns, contexts = [u.text for u in units], [u.context for u in units]
        turn_vectors, context_vectors = encode_pairs(self.encoder, turns, contexts)
        x = features.build(turn_vectors, context_vectors, turns, contexts)
        has_context = np.array([bool(c.strip()) for c in contexts])
        return (
            self.predict_features(x, turns).astype(np.float32),
            np.where(has_context, self.occasion_from_vectors(context_vectors), 0.0).astype(np.float32),
        )

    def occasion_from_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """(n,) the chance that customer words, as encoded, give occasion for empathy (1 without an occasion head)."""
        if self.occasion_weights is None:
            return np.ones(len(vectors), dtype=np.float32)
        z = vectors.astype(np.float64) @ self.occasion_weights + self.occasion_bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def column(self, behaviour: str) -> int:
        return self.behaviours.index(behaviour)


def decision(
    x: np.ndarray,
    mean: np.ndarray,
    scale: np.ndarray,
    weights: np.ndarray,
    bias: np.ndarray,
    context_weight: np.ndarray,
) -> np.ndarray:
    """(n, k) decision values of the heads: each head's reading of the turn in context, mixed with its reading of
    the turn alone (context columns zeroed) by `context_weight` (k,), 1 = in context only."""
    z = ((x - mean) / scale) @ weights.T + bias
    if np.all(context_weight == 1.0):
        return z
    alone = ((features.alone(x) - mean) / scale) @ weights.T + bias
    return context_weight * z + (1.0 - context_weight) * alone


def context_weights(weights: Mapping[str, float], behaviours: Sequence[str]) -> np.ndarray:
    """Per head, in `behaviours` order, the weight of its reading in context (1 where `weights` names none)."""
    return np.array([weights.get(b, 1.0) for b in behaviours], dtype=np.float32)


def featurise(encoder_name: str, turns: Sequence[str], contexts: Sequence[str]) -> np.ndarray:
    """Features of turns in context, encoding each distinct text once."""
    return features.build(*encode_pairs(encoder_name, turns, contexts), turns, contexts)


def encode_pairs(encoder_name: str, turns: Sequence[str], contexts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The turns' and the contexts' embeddings (zeros for an empty context), each distinct text encoded once."""
    return encode_pairs_with(get_encoder(encoder_name).encode, turns, contexts)


def encode_pairs_with(
    encode: Callable[[Sequence[str]], np.ndarray], turns: Sequence[str], contexts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """`encode_pairs` with any encoding function ((n,) texts -> (n, d) rows), such as a candidate encoder's."""
    texts = sorted({*turns, *(c for c in contexts if c)})
    vectors = encode(texts)
    row = {t: i for i, t in enumerate(texts)}
    zero = np.zeros(vectors.shape[1], dtype=np.float32)
    turn_vectors = np.stack([vectors[row[t]] for t in turns])
    context_vectors = np.stack([vectors[row[c]] if c else zero for c in contexts])
    return turn_vectors, context_vectors


def save_model(model: BehaviourModel, directory: Path = MODEL_DIR) -> str:
    """Write the weights and their metadata (with the weights' sha256); return the sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    arrays = {"mean": model.mean, "scale": model.scale, "weights": model.weights, "bias": model.bias}
    if model.ngram_weights is not None:
        # The vocabulary as UTF-8 bytes, one n-gram a line: a fixed-width string array would be 100 times larger.
        arrays["vocabulary"] = np.frombuffer("\n".join(model.vocabulary).encode("utf-8"), dtype=np.uint8)
        arrays["ngram_weights"] = model.ngram_weights
    if model.occasion_weights is not None:
        arrays["occasion_weights"] = model.occasion_weights
        arrays["occasion_bias"] = np.array([model.occasion_bias], dtype=np.float64)
    np.savez(buffer, **arrays)
    blob = buffer.getvalue()
    digest = hashlib.sha256(blob).hexdigest()
    (directory / WEIGHTS_FILE).write_bytes(blob)
    meta = {**model.meta, "encoder": model.encoder, "behaviours": list(model.behaviours), "sha256": digest}
    (directory / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return digest


@functools.lru_cache(maxsize=2)
def load_model(directory: Path = MODEL_DIR) -> BehaviourModel:
    """The behaviour model shipped in `directory`, checked against its recorded sha256 (loaded once per process)."""
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        blob = (directory / WEIGHTS_FILE).read_bytes()
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"behaviour model in {directory}: cannot read it ({exc})") from None
    if hashlib.sha256(blob).hexdigest() != meta.get("sha256"):
        raise ModelFileError(f"{directory / WEIGHTS_FILE}: sha256 differs from {META_FILE} (altered or partial file)")
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        arrays = {k: z[k] for k in ("mean", "scale", "weights", "bias")}
        if "ngram_weights" in z:
            words = z["vocabulary"].tobytes().decode("utf-8")
            arrays["vocabulary"] = tuple(words.split("\n")) if words else ()
            arrays["ngram_weights"] = z["ngram_weights"]
        if "occasion_weights" in z:
            arrays["occasion_weights"] = z["occasion_weights"]
            arrays["occasion_bias"] = float(z["occasion_bias"][0])
    if arrays["weights"].shape != (len(meta["behaviours"]), arrays["mean"].shape[0]) or (
        "ngram_weights" in arrays
        and arrays["ngram_weights"].shape != (len(meta["behaviours"]), len(arrays["vocabulary"]))
        or "occasion_weights" in arrays
        and arrays["occasion_weights"].shape != ((arrays["mean"].shape[0] - len(features.SURFACE)) // 2,)
    ):
        raise ModelFileError(f"{directory / WEIGHTS_FILE}: weights do not match the behaviours in {META_FILE}")
    return BehaviourModel(meta["encoder"], tuple(meta["behaviours"]), meta=meta, **arrays)
