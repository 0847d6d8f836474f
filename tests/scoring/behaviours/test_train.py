"""Retraining: `qa behaviours train` rebuilds the heads reproducibly and refuses bad corpus lines clearly."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.scoring.behaviours import services
from app.scoring.behaviours.corpus import CORPUS_DIR, OCCASIONS_DIR, CorpusError, read_examples, read_occasions
from app.scoring.behaviours.model import load_model
from app.scoring.behaviours.taxonomy import BEHAVIOUR_IDS

pytestmark = pytest.mark.slow  # trains heads on the real sentence encoder


@pytest.fixture()
def small_corpus(tmp_path):
    """A few dozen lines of the shipped corpus per language, enough to train every head."""
    for language in ("en", "fr"):
        (tmp_path / language).mkdir()
        lines = []
        for path in sorted((CORPUS_DIR / language).glob("*.jsonl")):
            lines += path.read_text(encoding="utf-8").splitlines()[:25]
        (tmp_path / language / "sample.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def _train(runner, corpus, out, *options):
    return runner.invoke(args=["qa", "behaviours", "train", "--corpus", str(corpus), "--out", str(out), *options])


def test_training_twice_with_the_same_seed_gives_the_same_weights(runner, small_corpus, tmp_path):
    for out in ("a", "b"):
        result = _train(runner, small_corpus, tmp_path / out, "--folds", "2")
        assert result.exit_code == 0, result.output
        assert "held-out ROC AUC" in result.output
    a, b = load_model(tmp_path / "a"), load_model(tmp_path / "b")
    assert np.array_equal(a.weights, b.weights)
    assert a.occasion_weights is not None and np.array_equal(a.occasion_weights, b.occasion_weights)
    assert a.meta["sha256"] == b.meta["sha256"]
    card = (tmp_path / "a" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "written by the project" in card and "reflection" in card and "Occasion head" in card


def test_extra_examples_from_reviews_are_added_to_the_training_data(runner, small_corpus, tmp_path):
    extra = tmp_path / "reviews.jsonl"
    extra.write_text(
        json.dumps(
            {
                "id": "review-1",
                "language": "fr",
                "context": ["ma box clignote"],
                "turn": "Elle clignote, d'accord.",
                "behaviours": ["reflection"],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = _train(runner, small_corpus, tmp_path / "m", "--extra", str(extra), "--folds", "2")
    assert result.exit_code == 0, result.output
    assert load_model(tmp_path / "m").meta["extra_files"] == ["reviews.jsonl"]


def test_a_line_with_an_unknown_behaviour_is_refused_naming_the_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = {"id": "x1", "language": "en", "context": [], "turn": "Okay.", "behaviours": []}
    path.write_text(json.dumps(good) + "\n" + json.dumps(good | {"id": "x2", "behaviours": ["empathy"]}) + "\n")
    with pytest.raises(CorpusError, match=r"bad.jsonl:2.behaviours: unknown behaviour 'empathy'"):
        read_examples([path])


def test_the_train_command_reports_a_malformed_extra_file_without_a_traceback(runner, small_corpus, tmp_path):
    extra = tmp_path / "broken.jsonl"
    extra.write_text("{not json\n", encoding="utf-8")
    result = _train(runner, small_corpus, tmp_path / "m", "--extra", str(extra))
    assert result.exit_code != 0
    assert "broken.jsonl:1: not JSON" in result.output


def test_the_shipped_corpus_has_several_hundred_examples_per_behaviour_and_language():
    examples = read_examples(sorted(CORPUS_DIR.glob("*/*.jsonl")))
    for language in ("en", "fr"):
        for behaviour in BEHAVIOUR_IDS:
            count = sum(1 for e in examples if e.language == language and behaviour in e.behaviours)
            assert count >= 250, (language, behaviour, count)


def _said(text: str) -> str:
    """Words only, punctuation and case aside ("The bus again." is "The bus, again.")."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _evaluated(speaker: str) -> set[str]:
    """What `speaker` says in bench/data/eval, turns of more than five words (stock formulas, "No problem, take your
    time.", are said everywhere and may be in both)."""
    return {
        _said(segment["text"])
        for path in (Path(__file__).resolve().parents[3] / "bench" / "data" / "eval").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for segment in json.loads(line)["transcript"]["segments"]
        if segment["speaker"] == speaker and len(segment["text"].split()) > 5
    }


def test_no_agent_turn_of_the_evaluation_sets_is_in_the_training_corpus():
    # bench/data/eval measures what the heads learned; a reply found in both would be measured on what was learned.
    evaluated = _evaluated("agent")
    trained = {_said(e.turn) for e in read_examples(sorted(CORPUS_DIR.glob("*/*.jsonl")))}
    assert evaluated, "no evaluation set found"
    assert not sorted(evaluated & trained)


def test_no_customer_turn_of_the_evaluation_sets_trains_the_occasion_head():
    # The same for the customer's words the occasion head learns from (one or two turns a line).
    evaluated = _evaluated("customer")
    trained = {
        _said(turn)
        for path in sorted(OCCASIONS_DIR.glob("*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for turn in json.loads(line)["customer"]
    }
    assert evaluated, "no evaluation set found"
    assert not sorted(evaluated & trained)


def test_a_line_whose_note_says_hard_negative_is_read_as_one(tmp_path):
    path = tmp_path / "contrast.jsonl"
    lines = [
        {"id": "a", "language": "en", "turn": "No problem.", "behaviours": [], "note": "Hard negative: courtesy"},
        {"id": "b", "language": "en", "turn": "Not our department.", "behaviours": ["dismissal"], "note": "contrast"},
        {"id": "c", "language": "en", "turn": "Let me check.", "behaviours": []},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert [e.hard for e in read_examples([path])] == [True, False, False]


def test_a_hard_negative_weighs_more_among_the_negatives_than_an_ordinary_one():
    # One negative sits among the positives: marked hard, the head reads it as less likely than unmarked.
    from app.scoring.behaviours.train import fit_logistic

    rng = np.random.default_rng(0)
    positives = rng.normal(1.0, 0.3, size=(20, 2))
    negatives = rng.normal(-1.0, 0.3, size=(200, 2))
    lookalike = np.array([[0.9, 1.1]])
    x = np.vstack([positives, negatives, lookalike])
    y = np.array([1.0] * 20 + [0.0] * 201)
    hard = np.array([False] * 220 + [True])
    plain_w, plain_b = fit_logistic(x, y, l2=0.01)
    hard_w, hard_b = fit_logistic(x, y, l2=0.01, hard=hard)
    assert float(lookalike[0] @ hard_w + hard_b) < float(lookalike[0] @ plain_w + plain_b)


def test_a_customer_turn_without_its_occasion_label_is_refused_naming_the_file_and_line(tmp_path):
    path = tmp_path / "turns.jsonl"
    good = {"id": "o-1", "language": "en", "customer": ["Still not working."], "occasion": True}
    bad = {"id": "o-2", "language": "en", "customer": ["Express please."], "occasion": "no"}
    path.write_text(f"{json.dumps(good)}\n{json.dumps(bad)}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"turns\.jsonl:2\.occasion: expected bool"):
        read_occasions([path])


def test_the_shipped_customer_turns_have_both_classes_in_both_languages():
    occasions = read_occasions(sorted(OCCASIONS_DIR.glob("*/*.jsonl")))
    for language in ("en", "fr"):
        labels = [o.occasion for o in occasions if o.language == language]
        assert labels.count(True) >= 300 and labels.count(False) >= 300, language


def test_the_check_asks_for_retraining_when_the_customer_turns_change(tmp_path, monkeypatch):
    changed = tmp_path / "occasions"
    shutil.copytree(OCCASIONS_DIR, changed)
    path = next(changed.glob("en/*.jsonl"))
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(services, "OCCASIONS_DIR", changed)
    assert services.check_model() == [
        "the corpus or the customer turns (occasions) changed since the model was trained: "
        "run `flask --app wsgi qa behaviours train`"
    ]
