"""The external benchmark's count of put-downs quoted (bench/scoring_external.py): what a coaching sheet would tell
the agent, per dataset, for the better and the worse items of an empathy task. Items and scores are written for the
test; nothing is scored here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location(
    "scoring_external", Path(__file__).resolve().parents[2] / "bench" / "scoring_external.py"
)
scoring_external = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(scoring_external)


def _item(item_id: str, dataset: str, labels: dict) -> dict:
    return {"id": item_id, "dataset": dataset, "labels": labels}


def test_put_downs_are_counted_for_the_better_and_the_worse_items_of_each_empathy_task():
    items = [
        _item("a/1", "ecoute_answers_en", {"empathy": 1}),
        _item("a/2", "ecoute_answers_en", {"empathy": 1}),
        _item("a/3", "ecoute_answers_en", {"empathy": 0}),
        _item("e/1", "epitome", {"ER": 2, "EX": 0, "IP": 0}),
        _item("e/2", "epitome", {"ER": 0, "EX": 1, "IP": 0}),
        _item("j/1", "ecoute_eval_en", {"jargon": 1}),
    ]
    quoted = {"empathy_put_down": 1.0}
    scores = {"a/1": quoted, "a/2": {"empathy_put_down": 0.0}, "a/3": quoted, "e/1": {}, "e/2": quoted, "j/1": quoted}
    assert scoring_external.put_downs(items, scores) == [
        {
            "dataset": "ecoute_answers_en",
            "task": "empathy better vs worse",
            "better_quoted": 1,
            "better": 2,
            "worse_quoted": 1,
            "worse": 1,
        },
        {
            "dataset": "epitome",
            "task": "emotional reactions",
            "better_quoted": 0,
            "better": 1,
            "worse_quoted": 1,
            "worse": 1,
        },
    ]
