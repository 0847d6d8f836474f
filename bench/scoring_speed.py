"""Scoring speed on a realistic 10-minute call, models already loaded: p50/p95 over N runs, the share spent in
the behaviour models, and the worker memory they add (targets: < 2 s a call, < 300 MB).

.venv/bin/python bench/scoring_speed.py [--runs 30] [--language fr|en]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from app.scoring.behaviours.encoder import get_encoder
from app.scoring.behaviours.model import load_model
from app.scoring.behaviours.predict import predict_turns
from app.scoring.engine import score_transcript
from app.scoring.nlp import get_nlp
from app.scoring.rubrics import rubric_for_language
from app.transcription.interchange import transcript_from_dict

PAIRS = Path(__file__).resolve().parents[1] / "tests" / "scoring" / "pairs"


def ten_minute_call(language: str, seconds: float = 600.0) -> dict:
    """Chain the turns of every pair of that language (good and bad versions) until the call lasts `seconds`."""
    turns = []
    for path in sorted(PAIRS.glob(f"{language}_*.json")):
        pair = json.loads(path.read_text(encoding="utf-8"))
        turns += pair["good"]["segments"][1:] + pair["bad"]["segments"][1:]
    segments, t, i = [turns[0] | {"start": 0.5, "end": 3.5}], 3.5, 0
    while t < seconds:
        seg = turns[i % len(turns)]
        i += 1
        length = seg["end"] - seg["start"]
        segments.append(
            {
                "speaker": seg["speaker"],
                "start": round(t + 0.6, 2),
                "end": round(t + 0.6 + length, 2),
                "text": seg["text"],
            }
        )
        t += 0.6 + length
    return {"language": language, "segments": segments}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--language", default="fr", choices=("fr", "en"))
    args = parser.parse_args()
    transcript = transcript_from_dict(ten_minute_call(args.language))
    rubric = rubric_for_language(args.language)
    nlp = get_nlp(args.language)
    before = _rss_mb()
    load_model()
    get_encoder(load_model().encoder).encode(["warm-up"])
    added = _rss_mb() - before
    score_transcript(transcript, rubric, nlp=nlp)  # warm-up: lexicon matchers, caches
    times, layer = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        score_transcript(transcript, rubric, nlp=nlp)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        predict_turns(transcript.segments)
        layer.append(time.perf_counter() - start)
    words = sum(len(s.text.split()) for s in transcript.segments)
    print(
        f"language {args.language}: {transcript.duration:.0f} s call, {len(transcript.segments)} segments, "
        f"{words} words, {args.runs} runs\n"
    )
    print("| measure | p50 | p95 | target |")
    print("|---|---|---|---|")
    print(f"| scoring a 10-minute call (s) | {statistics.median(times):.3f} | {_p95(times):.3f} | < 2.000 |")
    print(f"| of which behaviour models (s) | {statistics.median(layer):.3f} | {_p95(layer):.3f} | |")
    print(f"| memory added by the behaviour models (MB) | {added:.0f} | | < 300 |")


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def _rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
