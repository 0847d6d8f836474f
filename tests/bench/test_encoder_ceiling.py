"""The encoder ceiling benchmark (bench/encoder_ceiling.py): which therapist turns it reads, with what context, and
that its classifier finds a behaviour the features carry. Items are written for the test."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

_SPEC = importlib.util.spec_from_file_location(
    "encoder_ceiling", Path(__file__).resolve().parents[2] / "bench" / "encoder_ceiling.py"
)
encoder_ceiling = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(encoder_ceiling)


def _item(behaviour: str, customer: str, agent: str) -> dict:
    segments = [
        {"speaker": "customer", "start": 0.5, "end": 2.0, "text": customer},
        {"speaker": "agent", "start": 2.6, "end": 5.0, "text": agent},
    ]
    return {
        "id": agent,
        "dataset": "annomi",
        "labels": {"behaviour": behaviour},
        "transcript": {"language": "en", "duration": 5.0, "segments": segments},
    }


def test_the_labelled_therapist_turns_are_read_with_the_clients_words_before_them(tmp_path):
    items = [
        _item("reflection", "I drink most nights.", "So it's most nights now."),
        _item("therapist_input", "Okay.", "The guideline is fourteen units a week."),
        _item("other", "Hi.", "Hello, come in."),
        {"id": "s", "dataset": "annomi", "labels": {"session_quality": "high"}, "transcript": {"segments": []}},
    ]
    (tmp_path / "annomi.jsonl").write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    assert encoder_ceiling.therapist_turns(tmp_path / "annomi.jsonl") == [
        ("reflection", "So it's most nights now.", "I drink most nights."),
        ("therapist_input", "The guideline is fourteen units a week.", "Okay."),
    ]


def test_the_ceiling_finds_a_behaviour_the_features_carry_and_not_one_they_do_not():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    carried = (x[:, 0] > 0).astype(int)
    assert encoder_ceiling.ceiling(x, carried) > 0.95
    assert encoder_ceiling.ceiling(x, rng.integers(0, 2, 200)) < 0.7
