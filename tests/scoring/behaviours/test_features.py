"""The turn's words as the heads read them: n-grams, the vocabulary they keep, and the reading of a turn's words."""

from __future__ import annotations

import numpy as np
import pytest

from app.scoring.behaviours import features


def test_a_turn_is_read_as_its_words_and_word_pairs_lowercased_with_elisions_kept_whole():
    assert features.ngrams("So you've tried, l’ONT") == {
        "so",
        "you've",
        "tried",
        "l'ont",
        "so you've",
        "you've tried",
        "tried l'ont",
    }


def test_the_vocabulary_keeps_only_what_enough_turns_say():
    turns = ["you feel stuck", "you feel tired", "you should rest", "rest now"]
    assert features.vocabulary(turns, 2) == ("feel", "rest", "you", "you feel")


def test_reading_a_turns_words_adds_the_same_as_the_training_matrix():
    vocabulary = features.vocabulary(["you feel stuck", "you feel tired", "you should rest", "stuck again"], 1)
    index = {g: i for i, g in enumerate(vocabulary)}
    weights = np.random.default_rng(0).normal(size=(3, len(vocabulary)))
    turns = ["So you feel stuck", "nothing known here", "you should rest"]
    matrix = features.ngram_matrix(turns, index, 2.0)
    assert features.ngram_decision(turns, index, weights * 2.0) == pytest.approx(np.asarray(matrix @ weights.T))
    assert features.ngram_decision(["nothing known here"], index, weights).tolist() == [[0.0, 0.0, 0.0]]


def test_a_long_turn_does_not_weigh_more_for_having_more_words():
    index = {"sorry": 0, "please": 1, "sorry please": 2}
    rows = features.ngram_matrix(["sorry", "sorry please", "sorry sorry sorry"], index, 2.0).toarray()
    assert np.linalg.norm(rows, axis=1) == pytest.approx([2.0, 2.0, 2.0])
    assert rows[2] == pytest.approx(rows[0])  # a word said three times is still one word
