"""ESConv's supporter turns, with the strategy people labelled, as interchange items for bench/scoring_external.py.

ESConv (Liu et al., ACL 2021; repository thu-coai/Emotional-Support-Conversation, CC BY-NC 4.0) is for measuring
only: nothing here ships it or trains on it. Its `codes/dataset/*WithStrategy_short.tsv` files hold one sliding
window of a dialogue a line, items joined by " EOS ", each `<weight> <role> <turn> <text>` (role 0 the seeker, 1
the supporter, whose text opens with its strategy in brackets); the last item is the labelled turn.

    .venv/bin/python bench/esconv_items.py testWithStrategy_short.tsv [devWithStrategy_short.tsv] --out DIR
    .venv/bin/python bench/scoring_external.py --data DIR

Each labelled turn is kept once (the first window that ends on it), with at most the four items before it as
context; the supporter is the agent, the seeker the customer; times follow the external-dev rule (0.4 s a word,
at least 0.8 s a segment, 0.6 s between segments, first at 0.5 s).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ITEM = re.compile(r"^\s*\d+(?:\.\d+)?\s+([01])\s+\d+\s?(.*)$", re.S)
STRATEGY = re.compile(r"^\[([^\]]+)\]\s*(.*)$", re.S)
CONTEXT_ITEMS = 4


def _item(raw: str) -> tuple[str, str, str] | None:
    """(speaker, strategy or '', text) of one window item, None when it does not parse."""
    m = ITEM.match(raw)
    if m is None:
        return None
    role, text = m.group(1), m.group(2).strip()
    strategy = STRATEGY.match(text) if role == "1" else None
    if strategy is not None:
        return "agent", strategy.group(1).strip(), strategy.group(2).strip()
    return ("agent" if role == "1" else "customer"), "", text


def _segments(turns: list[tuple[str, str]]) -> tuple[list[dict], float]:
    segments, t = [], 0.5
    for speaker, text in turns:
        length = max(0.8, 0.4 * len(text.split()))
        segments.append({"speaker": speaker, "start": round(t, 1), "end": round(t + length, 1), "text": text})
        t += length + 0.6
    return segments, round(segments[-1]["end"] + 0.5, 1)


def items_from_lines(lines: Iterable[str], source: str) -> list[dict]:
    """Interchange items (`dataset` "esconv", `labels.strategy`) for the labelled turns of the windows in `lines`."""
    items, seen = [], set()
    for line in lines:
        parsed = [_item(raw) for raw in line.rstrip("\n").split(" EOS ")]
        if not parsed or any(p is None for p in parsed):
            continue
        speaker, strategy, text = parsed[-1]
        if speaker != "agent" or not strategy or not text or text in seen:
            continue
        seen.add(text)
        context = [(s, t) for s, _, t in parsed[:-1] if t][-CONTEXT_ITEMS:]
        while context and context[0][0] == "agent":  # a window opens on the customer's words
            context.pop(0)
        segments, duration = _segments([*context, ("agent", text)])
        items.append(
            {
                "id": f"esconv/{source}-{len(items) + 1}",
                "dataset": "esconv",
                "language": "en",
                "labels": {"strategy": strategy},
                "transcript": {"language": "en", "duration": duration, "segments": segments},
            }
        )
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tsv", type=Path, nargs="+", help="ESConv *WithStrategy_short.tsv files")
    parser.add_argument("--out", type=Path, required=True, help="folder for esconv.jsonl")
    args = parser.parse_args(argv)
    items = []
    for path in args.tsv:
        with path.open(encoding="utf-8") as lines:
            items += items_from_lines(lines, path.stem.split("With")[0])
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "esconv.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    for strategy, count in Counter(i["labels"]["strategy"] for i in items).most_common():
        print(f"{count:6d}  {strategy}")
    print(f"{len(items)} labelled supporter turns -> {args.out / 'esconv.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
