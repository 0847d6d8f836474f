"""`qa scorer fit` and `qa rescore`: a fit refused on too few reviews, a calibrated version published from a
reviews file that scores new calls while the evaluations already stored keep their version and scores."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs.models import Job
from app.scoring.engine import context_for, run_detector
from app.scoring.models import Evaluation, RubricVersion
from app.scoring.rubrics import load_rubric_text
from app.scoring.services import register_rubric, score_call
from app.transcription.interchange import transcript_from_dict
from app.transcription.services import store_transcript
from tests.scoring.test_fit import RUBRIC, call


def reviews_file(tmp_path, count: int, talk_share: float = 0.9):
    """REVIEWS.jsonl whose reviewers weigh the talk share nine times more than monologues (by default)."""
    spec = load_rubric_text(RUBRIC, "pace_en.yaml")
    rng = random.Random(11)
    lines = []
    for _ in range(count):
        data = call(rng.choice([4, 8, 14, 20, 30, 45]), rng.choice([0, 1, 2, 3]))
        ctx = context_for(transcript_from_dict(data), spec)
        talk, mono = (run_detector(ctx, s, {}).score for s in spec.criteria[0].detectors)
        score = round(talk_share * talk + (1 - talk_share) * mono, 1)
        lines.append(json.dumps({"transcript": data, "scores": {"balance": score}}))
    path = tmp_path / "reviews.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def pace(make):
    """The pace rubric stored as version 3, the rubric of a team whose agent has one scored call."""
    register_rubric(db.session, load_rubric_text(RUBRIC, "pace_en.yaml"), RUBRIC)
    team = make.team("Support", language="en")
    team.rubric_key = "pace_en"
    agent = make.agent(team)
    db.session.commit()

    def scored_call(agent_words: int, monologues: int):
        row = make.call(agent)
        store_transcript(db.session, row, transcript_from_dict(call(agent_words, monologues)))
        evaluation = score_call(db.session, row)
        db.session.commit()
        return evaluation

    return scored_call


def test_a_fit_on_too_few_reviews_is_refused_and_saves_nothing(runner, pace, tmp_path):
    result = runner.invoke(
        args=["qa", "scorer", "fit", str(reviews_file(tmp_path, 8)), "--rubric", "pace_en", "--save"]
    )
    assert result.exit_code != 0
    assert (
        "too few reviews to fit pace_en: at least 30 per criterion are needed (reviewed and scored: balance 8)"
        in result.output
    )
    assert [v.version for v in db.session.scalars(select(RubricVersion))] == [3]


def test_a_bad_line_in_the_reviews_file_is_named(runner, pace, tmp_path):
    path = tmp_path / "reviews.jsonl"
    path.write_text('{"transcript": {"language": "en", "segments": []}, "scores": {"balance": 140}}\n')
    result = runner.invoke(args=["qa", "scorer", "fit", str(path), "--rubric", "pace_en"])
    assert result.exit_code != 0 and "line 1: score of 'balance' must be a number from 0 to 100" in result.output


def test_a_published_calibrated_version_scores_new_calls_and_leaves_old_evaluations_untouched(runner, pace, tmp_path):
    old = pace(45, 3)
    before = [(c.criterion_key, c.score) for c in old.criteria]
    result = runner.invoke(
        args=[
            "qa",
            "scorer",
            "fit",
            str(reviews_file(tmp_path, 60)),
            "--rubric",
            "pace_en",
            "--json",
            "--save",
            "--folds",
            "4",
        ]
    )
    assert result.exit_code == 0, result.output
    output = json.loads(result.output[result.output.index("{") :])
    balance = output["criteria"][0]
    assert output["rubric"] == "pace_en" and output["version"] == 3 and output["published"] == 4
    assert balance["n"] == 60 and balance["adopted"]
    assert balance["after"]["mae"] < balance["before"]["mae"]
    assert balance["weights"]["talk_ratio"] > balance["weights"]["monologue"]

    stored = db.session.scalars(select(RubricVersion).where(RubricVersion.version == 4)).one()
    assert "# Fitted to 60 final reviews (60 calls from reviews.jsonl)" in stored.source
    db.session.refresh(old)
    assert old.rubric_version.version == 3 and [(c.criterion_key, c.score) for c in old.criteria] == before
    new = pace(45, 3)
    assert new.rubric_version.version == 4
    assert new.criteria[0].score != before[0][1]  # the same call now scores with the fitted weights


def test_rescore_queues_the_periods_calls_with_the_version_named(runner, pace):
    scored = pace(20, 0)
    call_id, version_id = scored.call_id, scored.rubric_version_id  # the evaluation itself is replaced below
    result = runner.invoke(args=["qa", "rescore", "--rubric", "pace_en", "--version", "3", "--since", "2026-11-01"])
    assert result.exit_code == 0 and "1 call(s) queued to be scored with pace_en v3" in result.output
    job = db.session.scalars(select(Job).where(Job.kind == "score", Job.target_id.is_not(None))).one()
    assert job.call_id == call_id and job.target_id == version_id
    evaluations = db.session.scalars(select(Evaluation).where(Evaluation.call_id == call_id)).all()
    assert len(evaluations) == 1  # scored again with the same version: replaced, never duplicated
    later = runner.invoke(args=["qa", "rescore", "--rubric", "pace_en", "--since", "2026-12-01"])
    assert "0 call(s) queued" in later.output


def test_rescore_of_an_unknown_version_says_so(runner, pace):
    result = runner.invoke(args=["qa", "rescore", "--rubric", "pace_en", "--version", "9", "--since", "2026-11-01"])
    assert result.exit_code != 0 and "unknown rubric version pace_en v9" in result.output


def test_a_fit_that_does_not_beat_the_current_version_on_held_out_calls_is_not_published(runner, pace, tmp_path):
    same = reviews_file(tmp_path, 40, talk_share=0.5)  # reviewers who agree with the current weights exactly
    result = runner.invoke(args=["qa", "scorer", "fit", str(same), "--rubric", "pace_en", "--save"])
    assert result.exit_code != 0
    assert (
        "not saved: nothing to publish: no criterion does better than the current version on held-out folds"
        in result.output
    )
    assert [v.version for v in db.session.scalars(select(RubricVersion))] == [3]
