"""Contrastive pairs in tests/scoring/pairs: the good version scores higher on the pair's criterion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.scoring.engine import score_transcript
from app.scoring.rubrics import rubric_for_language
from app.transcription.interchange import transcript_from_dict

PAIRS = sorted((Path(__file__).parent / "pairs").glob("*.json"))


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.stem)
def test_the_good_version_scores_higher_on_the_pairs_criterion(path):
    pair = json.loads(path.read_text(encoding="utf-8"))
    rubric = rubric_for_language(pair["language"])
    scores = {}
    for version in ("good", "bad"):
        transcript = transcript_from_dict(pair[version] | {"language": pair["language"]})
        scores[version] = score_transcript(transcript, rubric).criterion(pair["criterion"]).score
    assert scores["good"] is not None and scores["bad"] is not None
    assert scores["good"] > scores["bad"], scores


def test_there_are_pairs_for_both_languages_and_the_three_main_criteria():
    found = {(p.stem.split("_")[0], "_".join(p.stem.split("_")[1:-1])) for p in PAIRS}
    for lang in ("fr", "en"):
        assert {(lang, "active_listening"), (lang, "jargon"), (lang, "empathy")} <= found
