"""Contrastive pairs in tests/scoring/pairs: the good version scores higher on the pair's criterion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.scoring.engine import score_transcript
from app.scoring.rubrics import rubric_for_language
from app.transcription.interchange import transcript_from_dict

pytestmark = pytest.mark.slow  # the real behaviour models and spaCy pipelines, sentence by sentence

PAIRS = sorted((Path(__file__).parent / "pairs").glob("*.json"))


def _scores(path: Path) -> dict[str, float | None]:
    pair = json.loads(path.read_text(encoding="utf-8"))
    rubric = rubric_for_language(pair["language"])
    scores = {}
    for version in ("good", "bad"):
        transcript = transcript_from_dict(pair[version] | {"language": pair["language"]})
        scores[version] = score_transcript(transcript, rubric).criterion(pair["criterion"]).score
    return scores


def test_the_good_version_scores_higher_on_the_pairs_criterion_in_at_least_95_percent_of_pairs():
    scores = {path.stem: _scores(path) for path in PAIRS}
    assert all(s["good"] is not None and s["bad"] is not None for s in scores.values())
    lost = {stem: s for stem, s in scores.items() if not s["good"] > s["bad"]}
    assert len(lost) <= 0.05 * len(scores), lost


def test_there_are_pairs_for_both_languages_and_the_three_main_criteria():
    found = {(p.stem.split("_")[0], "_".join(p.stem.split("_")[1:-1])) for p in PAIRS}
    for lang in ("fr", "en"):
        assert {(lang, "active_listening"), (lang, "jargon"), (lang, "empathy")} <= found
