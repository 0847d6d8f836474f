"""Does fitting a rubric to reviewers' scores help on calls it was not fitted on? Before / after agreement per
criterion on held-out folds, with human labels from public data standing in for a team's reviews.

    .venv/bin/python bench/scorer_fit.py --data ../shared/data/external-dev [--limit N] [--folds 5] [--json]

Items are read as `bench/scoring_external.py` reads them (JSON Lines, `{"id", "dataset", "language", "labels",
"transcript"}`), each scored with the bundled rubric of its language, and fitted with the code behind
`qa scorer fit` (`app.scoring.fit`). Labels become reviewer scores (0-100) this way:

- annomi / annomi_fr, per therapist utterance -> active_listening: reflection 90, question 70, therapist input
  (advice, information) 30; "other" is left unscored. Per session: session quality high 75 / low 35 ->
  active_listening and empathy.
- epitome / epitome_fr, levels 0 / 1 / 2 -> 20 / 60 / 90: emotional reactions (ER) -> empathy; the higher of
  explorations (EX) and interpretations (IP) -> active_listening.
- wivico: Vikidia (plain, written for children) 90, the aligned Wikipedia sentence 30 -> jargon.

Each call is parsed and read by the behaviour models once; the detectors' outputs are cached for the run (every
parameter set the fit tries), never across runs. Spearman and the mean absolute difference (MAE, points) are
measured on held-out folds only: `before` with the bundled weights, `after` with weights fitted on the other folds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from scoring_external import first_of_each, read_items

LEVELS = {0: 20.0, 1: 60.0, 2: 90.0}
UTTERANCE = {"reflection": 90.0, "question": 70.0, "therapist_input": 30.0}
SESSION = {"high": 75.0, "low": 35.0}


def reviewer_scores(dataset: str, labels: dict) -> dict[str, float]:
    """What a reviewer would have scored, per criterion, from an item's human labels (see the docstring)."""
    family = dataset.removesuffix("_fr")
    if family == "annomi":
        if "behaviour" in labels:
            score = UTTERANCE.get(labels["behaviour"])
            return {} if score is None else {"active_listening": score}
        score = SESSION.get(labels.get("session_quality", ""))
        return {} if score is None else {"active_listening": score, "empathy": score}
    if family == "epitome":
        scores = {}
        if "ER" in labels:
            scores["empathy"] = LEVELS[int(labels["ER"])]
        listening = [int(labels[k]) for k in ("EX", "IP") if k in labels]
        if listening:
            scores["active_listening"] = LEVELS[max(listening)]
        return scores
    if family == "wivico" and "plain" in labels:
        return {"jargon": 90.0 if labels["plain"] else 30.0}
    return {}


def samples_by_rubric(items: list[dict]) -> dict[str, tuple]:
    """Per bundled rubric (by language): the rubric and its reviewed calls, each read once."""
    from app.scoring.engine import context_for
    from app.scoring.fit import Reviewed
    from app.scoring.rubrics import rubric_for_language
    from app.transcription.interchange import transcript_from_dict

    grouped: dict[str, tuple] = {}
    for n, item in enumerate(items, 1):
        scores = reviewer_scores(item["dataset"], item["labels"])
        if not scores:
            continue
        transcript = transcript_from_dict(item["transcript"])
        rubric = rubric_for_language(transcript.language)
        grouped.setdefault(rubric.id, (rubric, []))[1].append(Reviewed(context_for(transcript, rubric), scores))
        if n % 250 == 0:
            print(f"  read {n} / {len(items)} items", file=sys.stderr)
    return grouped


def run(items: list[dict], folds: int, min_reviews: int) -> list[dict]:
    from app.scoring.fit import FitSettings, fit_rubric

    rows = []
    for rubric, samples in samples_by_rubric(items).values():
        started = time.perf_counter()
        result = fit_rubric(
            rubric,
            samples,
            FitSettings(min_reviews=min_reviews, folds=folds, seed=0),
            progress=lambda c: print(f"  fitting {c}", file=sys.stderr),
        )
        seconds = time.perf_counter() - started
        for fit, c in zip(result.criteria, result.to_dict()["criteria"], strict=True):
            if c["n"]:
                rows.append(
                    {"rubric": rubric.id, **c, "changed": changed_params(rubric, fit), "seconds": round(seconds, 1)}
                )
    return rows


def changed_params(rubric, fit) -> str:
    """The detector parameters an adopted fit moved: 'detector.param old -> new'."""
    if not fit.adopted:
        return ""
    start = rubric.criterion(fit.id).detectors
    return ", ".join(
        f"{new.name}.{k} {old.params[k]:g} -> {v:g}"
        for new, old in zip(fit.detectors, start, strict=True)
        for k, v in new.params.items()
        if v != old.params[k]
    )


def _f(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(rows: list[dict], seconds: float, count: int) -> None:
    print(
        "| rubric | criterion | reviews | Spearman before | after | MAE before | after | fitted weights | parameters |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r.get("refused"):
            print(
                f"| {r['rubric']} | {r['id']} | {r['n']} | {_f((r['before'] or {}).get('spearman'), 3)} | - "
                f"| {_f((r['before'] or {}).get('mae'), 1)} | - | not fitted: {r['refused']} | |"
            )
            continue
        b, a = r["before"], r["after"]
        weights = ", ".join(f"{k} {v:g}" for k, v in r["weights"].items()) if r["adopted"] else "kept (not better)"
        print(
            f"| {r['rubric']} | {r['id']} | {r['n']} | {_f(b['spearman'], 3)} | {_f(a['spearman'], 3)} "
            f"| {_f(b['mae'], 1)} | {_f(a['mae'], 1)} | {weights} | {r['changed']} |"
        )
    print(f"\n{count} items read and fitted in {seconds:.0f} s (held-out folds; before = the bundled weights)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True, help="folder of *.jsonl items")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--min-reviews", type=int, default=30)
    parser.add_argument("--limit", type=int, default=0, help="only the first N items of each dataset")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    items = first_of_each(read_items(args.data), args.limit)
    started = time.perf_counter()
    rows = run(items, args.folds, args.min_reviews)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"criteria": rows, "items": len(items), "seconds": round(seconds, 1)}))
    else:
        print_table(rows, seconds, len(items))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
