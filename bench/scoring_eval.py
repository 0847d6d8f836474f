"""Contrastive-pair evaluation of the scorer.

Each pair file holds a `good` and a `bad` version of one call that differ on one `criterion`. Prints, per
language and criterion, how often the good version scores strictly higher on that criterion, and how often
OTHER criteria move by more than `--epsilon` points between the two versions.

    .venv/bin/python bench/scoring_eval.py --pairs tests/scoring/pairs [--verbose]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from app.scoring.engine import score_transcript
from app.scoring.rubrics import load_rubric, rubric_for_language
from app.transcription.interchange import transcript_from_dict


def _scores(result) -> dict[str, float | None]:
    return {c.id: c.score for c in result.criteria}


def evaluate(pairs_dir: Path, epsilon: float, rubric_path: str | None, verbose: bool) -> dict:
    """Score every pair and aggregate wins and side-effects per (language, criterion)."""
    stats: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path in sorted(pairs_dir.glob("*.json")):
        pair = json.loads(path.read_text(encoding="utf-8"))
        lang, crit = pair["language"], pair["criterion"]
        rubric = load_rubric(rubric_path) if rubric_path else rubric_for_language(lang)
        good = _scores(score_transcript(transcript_from_dict(pair["good"] | {"language": lang}), rubric))
        bad = _scores(score_transcript(transcript_from_dict(pair["bad"] | {"language": lang}), rubric))
        row = stats[(lang, crit)]
        row["pairs"] += 1
        g, b = good.get(crit), bad.get(crit)
        row["wins"] += int(g is not None and b is not None and g > b)
        moved = [k for k in good if k != crit and _moved(good[k], bad[k], epsilon)]
        row["others_checked"] += len(good) - 1
        row["others_moved"] += len(moved)
        row["pairs_with_side_effects"] += int(bool(moved))
        if verbose:
            print(
                f"{path.name:40s} {crit:18s} good {g} bad {b} "
                f"{'OK' if g is not None and b is not None and g > b else 'FAIL'}"
                f"  moved: {', '.join(f'{k} {good[k]}/{bad[k]}' for k in moved) or '-'}"
            )
    return stats


def _moved(a: float | None, b: float | None, epsilon: float) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(a - b) > epsilon


def print_table(stats: dict) -> None:
    """Markdown table, one row per language and criterion."""
    print(
        "| lang | criterion | pairs | good > bad | other criteria moved (pairs) "
        "| other criteria moved (criterion-pairs) |"
    )
    print("|---|---|---|---|---|---|")
    totals = defaultdict(int)
    for (lang, crit), row in sorted(stats.items()):
        print(
            f"| {lang} | {crit} | {row['pairs']} | {row['wins']}/{row['pairs']} ({row['wins'] / row['pairs']:.0%}) "
            f"| {row['pairs_with_side_effects']}/{row['pairs']} | {row['others_moved']}/{row['others_checked']} |"
        )
        for k, v in row.items():
            totals[k] += v
    if totals["pairs"]:
        print(
            f"| all | all | {totals['pairs']} | {totals['wins']}/{totals['pairs']} "
            f"({totals['wins'] / totals['pairs']:.0%}) | {totals['pairs_with_side_effects']}/{totals['pairs']} "
            f"| {totals['others_moved']}/{totals['others_checked']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, required=True, help="folder of contrastive pair JSON files")
    parser.add_argument("--epsilon", type=float, default=5.0, help="points a non-target criterion may move")
    parser.add_argument("--rubric", default=None, help="rubric file (default: bundled rubric for the language)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    print_table(evaluate(args.pairs, args.epsilon, args.rubric, args.verbose))


if __name__ == "__main__":
    main()
