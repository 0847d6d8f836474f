"""Scoring fixtures: bundled rubrics and small transcripts built from (speaker, text) turns."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.scoring.engine import ScoreResult, score_transcript
from app.scoring.rubrics import RubricSpec, bundled_rubrics
from app.transcription.interchange import Transcript, transcript_from_dict


def build(
    language: str, turns: list[tuple], start: float = 0.5, heard: Callable[[int, int], float] | None = None
) -> Transcript:
    """A transcript from (speaker, text[, gap_before_s]) turns with plausible timings; with `heard`, each segment's
    words timed and given the probability `heard(turn index, word index)`, as the recogniser gives them."""
    t, segments = start, []
    for k, turn in enumerate(turns):
        speaker, text = turn[0], turn[1]
        begin = max(0.0, t + (turn[2] if len(turn) > 2 else 0.7))
        end = begin + max(1.2, 0.36 * len(text.split()))
        segment = {"speaker": speaker, "start": round(begin, 2), "end": round(end, 2), "text": text}
        if heard is not None:
            step = (end - begin) / len(text.split())
            segment["words"] = [
                {"start": begin + step * i, "end": begin + step * (i + 1), "word": w, "probability": heard(k, i)}
                for i, w in enumerate(text.split())
            ]
        segments.append(segment)
        t = end
    return transcript_from_dict({"language": language, "segments": segments})


@pytest.fixture(scope="session")
def rubric_fr() -> RubricSpec:
    return bundled_rubrics()["hotline_fr"]


@pytest.fixture(scope="session")
def rubric_en() -> RubricSpec:
    return bundled_rubrics()["hotline_en"]


@pytest.fixture(scope="session")
def score():
    """score(language, turns) -> ScoreResult with the bundled rubric of that language."""

    def run(language: str, turns: list[tuple]) -> ScoreResult:
        rubric = bundled_rubrics()[f"hotline_{language}"]
        return score_transcript(build(language, turns), rubric)

    return run


def criterion(result: ScoreResult, criterion_id: str):
    return result.criterion(criterion_id)
