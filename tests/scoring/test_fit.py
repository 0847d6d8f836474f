"""Fitting a rubric to reviewers' scores: refused on too few reviews, better on held-out folds when the reviewers
weigh one detector more, and a calibrated YAML that scores through the normal engine."""

from __future__ import annotations

import random

import pytest

from app.scoring.engine import context_for, run_detector, score_transcript
from app.scoring.fit import FitSettings, Reviewed, TooFewReviews, agreement, fit_rubric
from app.scoring.fit_text import calibrated_text
from app.scoring.rubrics import load_rubric_text
from app.transcription.interchange import transcript_from_dict

RUBRIC = """\
id: pace_en
version: 3
title: {fr: "Rythme", en: "Pace"}
language: en
sections:
  - {id: relation, title: {fr: "Relation", en: "Relationship"}}
criteria:
  - id: balance
    section: relation
    title: {fr: "Équilibre", en: "Balance"}
    weight: 100
    detectors:
      - {name: talk_ratio, weight: 1}   # the agent's share of talk time
      - {name: monologue, weight: 1, params: {max_s: 20.0}}
    tips:
      - {id: balance, fr: "Laissez parler le client.", en: "Let the customer talk."}
"""


def call(agent_words: int, monologues: int) -> dict:
    """A call whose agent talks `agent_words` words a turn (share of talk) with some turns run over 20 s."""
    segments, t = [], 0.5
    for turn in range(6):
        words = 60 if turn < monologues else agent_words
        segments.append({"speaker": "agent", "start": t, "end": t + 0.4 * words, "text": " ".join(["fine"] * words)})
        t += 0.4 * words + 0.6
        segments.append({"speaker": "customer", "start": t, "end": t + 4.0, "text": " ".join(["yes"] * 10)})
        t += 4.6
    return {"language": "en", "segments": segments}


@pytest.fixture(scope="module")
def rubric():
    return load_rubric_text(RUBRIC, "pace_en.yaml")


def reviewed(rubric, count: int, seed: int = 3) -> list[Reviewed]:
    """Calls scored by 'reviewers' who care about the talk share nine times more than about monologues."""
    rng = random.Random(seed)
    samples = []
    for _ in range(count):
        transcript = transcript_from_dict(call(rng.choice([4, 8, 14, 20, 30, 45]), rng.choice([0, 1, 2, 3])))
        ctx = context_for(transcript, rubric)
        talk, mono = (run_detector(ctx, spec, {}).score for spec in rubric.criteria[0].detectors)
        samples.append(Reviewed(ctx, {"balance": round(0.9 * talk + 0.1 * mono + rng.uniform(-3, 3), 1)}))
    return samples


def test_a_fit_on_too_few_reviews_is_refused_with_the_count(rubric):
    with pytest.raises(TooFewReviews, match=r"at least 30 per criterion.*balance 12"):
        fit_rubric(rubric, reviewed(rubric, 12))


def test_the_minimum_is_configurable(rubric):
    result = fit_rubric(rubric, reviewed(rubric, 12), FitSettings(min_reviews=10, folds=3))
    assert result.criteria[0].n == 12 and result.criteria[0].refused is None


def test_reviewers_who_weigh_one_detector_more_pull_its_weight_up_and_held_out_agreement_improves(rubric):
    result = fit_rubric(rubric, reviewed(rubric, 60), FitSettings(min_reviews=30, folds=5, seed=1))
    fit = result.criteria[0]
    assert fit.adopted and fit.n == 60
    assert fit.after.mae < fit.before.mae and fit.after.spearman > fit.before.spearman
    talk, mono = fit.detectors
    assert talk.weight > 2 * mono.weight and min(talk.weight, mono.weight) >= 0
    assert talk.weight + mono.weight == pytest.approx(2, abs=0.01)  # only the ratio matters: the sum is kept


def test_the_same_data_and_seed_give_the_same_fit(rubric):
    samples = reviewed(rubric, 40)
    first, second = (fit_rubric(rubric, samples, FitSettings(seed=5)).to_dict() for _ in range(2))
    assert first == second


def test_the_calibrated_version_says_where_its_weights_came_from_and_scores_through_the_engine(rubric):
    samples = reviewed(rubric, 60)
    result = fit_rubric(rubric, samples, FitSettings(folds=5, seed=1))
    text = calibrated_text(RUBRIC, result, 4, "team Support, 2026-11-01 to 2026-11-30")
    assert "version: 4" in text and "from version 3 (team Support, 2026-11-01 to 2026-11-30)" in text
    assert "# Fitted to 60 final reviews" in text and "Was: talk_ratio weight 1" in text
    assert "}   # the agent's share of talk time" in text  # the line's own comment stays
    assert "tips:" in text and "Let the customer talk." in text  # and nothing else moves
    calibrated = load_rubric_text(text, "pace_en v4")
    assert [s.weight for s in calibrated.criteria[0].detectors] == [s.weight for s in result.criteria[0].detectors]
    fitted = [score_transcript(s.ctx.transcript, calibrated).criterion("balance").score for s in samples]
    assert agreement(fitted, [s.scores["balance"] for s in samples]).mae < result.criteria[0].before.mae
