"""How far the automatic criterion scores agree with people: ROC AUC on human-labelled public conversations.

Every item of a data directory (JSON Lines, one `{"id", "dataset", "language", "labels", "transcript"}` an item,
as in `../shared/data/external-dev`) is scored through the same code path as `qa score`, then each task below
compares the criterion score of the items a label marks as better with those it marks as worse.

    .venv/bin/python bench/scoring_external.py --data ../shared/data/external-dev [--data bench/data/eval] [--json]

Tasks by dataset (what the labels mean is in the data's README):
- annomi / annomi_fr: therapist reflections vs therapist input (advice, information) and questions vs input ->
  active_listening; session quality high vs low -> active_listening and empathy.
- epitome / epitome_fr: emotional reactions (ER >= 1 vs 0) -> empathy; explorations (EX >= 1 vs 0) ->
  active_listening; interpretations (IP >= 1 vs 0) -> active_listening.
- wivico: Vikidia (plain) vs the aligned Wikipedia sentence -> jargon.
- esconv (emotional-support chats, strategy per supporter turn): restatement or paraphrasing, and questions, vs
  information and suggestions -> active_listening; reflection of feelings and affirmation/reassurance vs information
  and suggestions -> empathy.
- any other dataset whose labels name criteria (`{"empathy": 1}`, 1 = better, 0 = worse) -> that criterion; the
  project's own evaluation sets (`bench/data/eval`) are written this way.

AUC is computed on the items that got a score; the N/A share says how many did not. Intervals: 95% bootstrap.
A second table counts, for the empathy tasks, the better and the worse items whose empathy evidence quotes a
put-down (blame, dismissal, minimising, hollow empathy, insisting): what a coaching sheet would tell the agent, where
the AUC only ranks scores ("36 / 210" direct answers to a customer's question coached as a brush-off).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

CRITERIA = ("active_listening", "empathy", "jargon")
PUT_DOWN = "empathy_put_down"  # per item in score_items: 1.0 when the empathy evidence quotes a put-down
# (task name, criterion, dataset family, label -> 1 better / 0 worse / None not in this task)
Task = tuple[str, str, str, Callable[[dict], int | None]]


def _one_of(key: str, good: tuple[str, ...], bad: tuple[str, ...]) -> Callable[[dict], int | None]:
    """1 where the label `key` is one of `good`, 0 where it is one of `bad`, None (not in the task) otherwise."""

    def label(labels: dict) -> int | None:
        value = labels.get(key, "")
        return 1 if value in good else 0 if value in bad else None

    return label


def _at_least_one(key: str) -> Callable[[dict], int | None]:
    return lambda labels: None if key not in labels else int(labels[key] >= 1)


# ESConv's supporter strategies (Liu et al., ACL 2021): what listening and warmth look like against telling.
TELLING = ("Information", "Providing Suggestions")


def _session(labels: dict) -> int | None:
    if "behaviour" in labels or "session_quality" not in labels:
        return None
    return int(labels["session_quality"] == "high")


TASKS: tuple[Task, ...] = (
    ("reflection vs input", "active_listening", "annomi", _one_of("behaviour", ("reflection",), ("therapist_input",))),
    ("question vs input", "active_listening", "annomi", _one_of("behaviour", ("question",), ("therapist_input",))),
    ("session quality", "active_listening", "annomi", _session),
    ("session quality", "empathy", "annomi", _session),
    ("emotional reactions", "empathy", "epitome", _at_least_one("ER")),
    ("explorations", "active_listening", "epitome", _at_least_one("EX")),
    ("interpretations", "active_listening", "epitome", _at_least_one("IP")),
    ("plain vs Wikipedia", "jargon", "wivico", lambda labels: labels.get("plain")),
    (
        "restatement vs telling",
        "active_listening",
        "esconv",
        _one_of("strategy", ("Restatement or Paraphrasing",), TELLING),
    ),
    ("questions vs telling", "active_listening", "esconv", _one_of("strategy", ("Questions",), TELLING)),
    (
        "feelings, reassurance vs telling",
        "empathy",
        "esconv",
        _one_of("strategy", ("Reflection of feelings", "Affirmation and Reassurance"), TELLING),
    ),
)


def read_items(dirs: Iterable[Path]) -> list[dict]:
    items = []
    for directory in dirs:
        for path in sorted(directory.glob("*.jsonl")):
            items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items


def first_of_each(items: list[dict], limit: int) -> list[dict]:
    """The first `limit` items of each dataset (all of them when `limit` is 0)."""
    if not limit:
        return items
    seen: dict[str, int] = defaultdict(int)
    kept = []
    for item in items:
        seen[item["dataset"]] += 1
        if seen[item["dataset"]] <= limit:
            kept.append(item)
    return kept


def score_items(items: list[dict]) -> dict[str, dict[str, float | None]]:
    """Criterion scores per item id, through the `qa score` code path (interchange -> rubric by language)."""
    from app.scoring.detectors.behaviours import PUT_DOWN_RULES
    from app.scoring.engine import score_transcript
    from app.scoring.rubrics import rubric_for_language
    from app.transcription.interchange import transcript_from_dict

    scores = {}
    for item in items:
        transcript = transcript_from_dict(item["transcript"])
        result = score_transcript(transcript, rubric_for_language(transcript.language))
        scores[item["id"]] = {c.id: c.score for c in result.criteria}
        quoted = [e for c in result.criteria if c.id == "empathy" for e in c.evidence]
        scores[item["id"]][PUT_DOWN] = float(any(e.sign < 0 and e.rule in PUT_DOWN_RULES for e in quoted))
    return scores


def tasks_for(dataset: str, labels: dict) -> list[tuple[str, str, int]]:
    """(task, criterion, 1/0) for one item."""
    family = dataset.removesuffix("_fr")
    found = [(name, crit, label(labels)) for name, crit, fam, label in TASKS if fam == family]
    if not any(fam == family for _, _, fam, _ in TASKS):
        found = [(f"{crit} better vs worse", crit, labels[crit]) for crit in CRITERIA if crit in labels]
    return [(name, crit, int(y)) for name, crit, y in found if y is not None]


def auc(pos: list[float], neg: list[float]) -> float:
    """ROC AUC of the better items' scores against the worse ones' (the trainer's own computation)."""
    import numpy as np

    from app.scoring.behaviours.train import roc_auc

    value = roc_auc(np.array([*pos, *neg], dtype=float), np.array([1.0] * len(pos) + [0.0] * len(neg)))
    return float("nan") if value is None else value


def bootstrap(pos: list[float], neg: list[float], rounds: int = 300, seed: int = 7) -> tuple[float, float]:
    rng = random.Random(seed)
    values = sorted(
        auc(rng.choices(pos, k=len(pos)), rng.choices(neg, k=len(neg))) for _ in range(rounds) if pos and neg
    )
    if not values:
        return float("nan"), float("nan")
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def evaluate(items: list[dict], scores: dict[str, dict[str, float | None]]) -> list[dict]:
    groups: dict[tuple[str, str, str], dict[str, list]] = defaultdict(lambda: {"pos": [], "neg": [], "na": []})
    for item in items:
        for name, crit, y in tasks_for(item["dataset"], item["labels"]):
            row = groups[(item["dataset"], name, crit)]
            score = scores[item["id"]].get(crit)
            if score is None:
                row["na"].append(item["id"])
            else:
                row["pos" if y else "neg"].append(score)
    rows = []
    for (dataset, name, crit), row in sorted(groups.items()):
        n = len(row["pos"]) + len(row["neg"]) + len(row["na"])
        low, high = bootstrap(row["pos"], row["neg"])
        rows.append(
            {
                "dataset": dataset,
                "task": name,
                "criterion": crit,
                "n": n,
                "positives": len(row["pos"]),
                "auc": round(auc(row["pos"], row["neg"]), 3),
                "ci": [round(low, 3), round(high, 3)],
                "na_share": round(len(row["na"]) / n, 3) if n else 0.0,
            }
        )
    return rows


def put_downs(items: list[dict], scores: dict[str, dict[str, float | None]]) -> list[dict]:
    """Per dataset and empathy task: how many of the better and of the worse items are quoted with a put-down."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for item in items:
        for name, crit, y in tasks_for(item["dataset"], item["labels"]):
            if crit == "empathy":
                row = counts[(item["dataset"], name)]
                row[0 if y else 2] += int(bool(scores[item["id"]].get(PUT_DOWN)))
                row[1 if y else 3] += 1
    return [
        {"dataset": d, "task": t, "better_quoted": c[0], "better": c[1], "worse_quoted": c[2], "worse": c[3]}
        for (d, t), c in sorted(counts.items())
    ]


def french_gap(items: list[dict], scores: dict[str, dict[str, float | None]]) -> list[dict]:
    """AUC of the English originals of the translated items vs the French translations, same items."""
    by_id = {item["id"]: item for item in items}
    pairs = [(by_id[i["original_id"]], i) for i in items if i.get("original_id") in by_id]
    if not pairs:
        return []
    english = evaluate([en for en, _ in pairs], scores)
    french = {(r["task"], r["criterion"]): r for r in evaluate([fr for _, fr in pairs], scores)}
    return [
        {
            "dataset": row["dataset"],
            "task": row["task"],
            "criterion": row["criterion"],
            "n": row["n"],
            "auc_en": row["auc"],
            "auc_fr": french[(row["task"], row["criterion"])]["auc"],
            "gap": round(row["auc"] - french[(row["task"], row["criterion"])]["auc"], 3),
        }
        for row in english
        if (row["task"], row["criterion"]) in french
    ]


def print_tables(rows: list[dict], gaps: list[dict], seconds: float, count: int, quoted: Sequence[dict] = ()) -> None:
    print("| dataset | task | criterion | items | better | ROC AUC | 95% CI | N/A |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['dataset']} | {r['task']} | {r['criterion']} | {r['n']} | {r['positives']} | {r['auc']:.3f} "
            f"| {r['ci'][0]:.2f}-{r['ci'][1]:.2f} | {r['na_share']:.0%} |"
        )
    if gaps:
        print("\nSame items in English and in French (translations joined on original_id):\n")
        print("| dataset | task | criterion | items | AUC en | AUC fr | en - fr |")
        print("|---|---|---|---|---|---|---|")
        for g in gaps:
            print(
                f"| {g['dataset']} | {g['task']} | {g['criterion']} | {g['n']} | {g['auc_en']:.3f} "
                f"| {g['auc_fr']:.3f} | {g['gap']:+.3f} |"
            )
    if quoted:
        print("\nEmpathy evidence quoting a put-down (blame, dismissal, minimising, hollow empathy, insisting):\n")
        print("| dataset | task | better items quoted | worse items quoted |")
        print("|---|---|---|---|")
        for q in quoted:
            print(
                f"| {q['dataset']} | {q['task']} | {q['better_quoted']} / {q['better']} "
                f"| {q['worse_quoted']} / {q['worse']} |"
            )
    print(f"\n{count} items scored in {seconds:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True, help="folder of *.jsonl items")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N items of each dataset")
    args = parser.parse_args(argv)
    items = first_of_each(read_items(args.data), args.limit)
    started = time.perf_counter()
    scores = score_items(items)
    seconds = time.perf_counter() - started
    rows, gaps, quoted = evaluate(items, scores), french_gap(items, scores), put_downs(items, scores)
    if args.json:
        summary = {"tasks": rows, "french_gap": gaps, "put_downs": quoted}
        print(json.dumps({**summary, "items": len(items), "seconds": round(seconds, 1)}))
    else:
        print_tables(rows, gaps, seconds, len(items), quoted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
