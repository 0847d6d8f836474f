"""Diarization on real recordings: DER and agent/customer role assignment.

    python bench/diarization.py --data /work/shared/data

Stereo calls (DIR/calls/*-stereo.wav, agent left, caller right) are downmixed to mono; each channel's
Silero VAD is the truth. The pyannote phone conversation and the AMI excerpts are scored against their RTTM.
Role assignment needs words: the first minute of each call is transcribed with the bundled Whisper base.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np

from app.transcription.diarization import (
    Turn,
    assign_roles,
    diarization_error_rate,
    diarize,
)
from app.transcription.interchange import Segment

ROLE_SECONDS = 60.0


def load(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return audio, rate


def channel_turns(channel: np.ndarray, rate: int, label: str) -> list[Turn]:
    from app.transcription.diarization import _speech, _to_16k

    return [Turn(a, b, label) for a, b in _speech(_to_16k(channel, rate))]


def read_rttm(path: Path, uri: str | None = None) -> list[Turn]:
    turns = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER" and (uri is None or parts[1] == uri):
            start, duration = float(parts[3]), float(parts[4])
            turns.append(Turn(start, start + duration, parts[7]))
    return turns


_whisper = None


def opening_segments(mono: np.ndarray, rate: int) -> list[Segment]:
    global _whisper
    from faster_whisper import WhisperModel

    from app.transcription.diarization import _to_16k
    from app.transcription.model_store import resolve_model

    if _whisper is None:
        _whisper = WhisperModel(resolve_model("base", allow_download=False).path_or_name, compute_type="int8")
    audio = _to_16k(mono, rate)[: int(ROLE_SECONDS * 16000)]
    segments, _ = _whisper.transcribe(audio, language="en", beam_size=1, vad_filter=True)
    return [Segment("unknown", s.start, s.end, s.text.strip()) for s in segments]


def mapped_truth(truth: list[Turn], hyp: list[Turn]) -> dict[str, str]:
    """Each hypothesis label's truth label (largest overlap)."""
    out = {}
    for label in {t.label for t in hyp}:
        cover: dict[str, float] = {}
        for h in (t for t in hyp if t.label == label):
            for r in truth:
                cover[r.label] = cover.get(r.label, 0.0) + max(0.0, min(h.end, r.end) - max(h.start, r.start))
        out[label] = max(cover, key=cover.get) if cover else "?"
    return out


def role_check(roles: dict[str, str], truth_of: dict[str, str]) -> str:
    if all(r == "unknown" for r in roles.values()):
        return "unknown"
    ok = all(roles[lab] in ("unknown", truth_of.get(lab)) for lab in roles)
    agent_ok = any(roles[lab] == "agent" and truth_of.get(lab) == "agent" for lab in roles)
    return "correct" if ok and agent_ok else "WRONG"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--no-roles", action="store_true", help="skip Whisper and role assignment")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    rows = []

    for path in sorted((args.data / "calls").glob("*-stereo.wav")):
        audio, rate = load(path)
        if audio.shape[1] != 2 or len(audio) / rate < 20:
            continue
        truth = channel_turns(audio[:, 0], rate, "agent") + channel_turns(audio[:, 1], rate, "customer")
        mono = audio.mean(axis=1)
        t0 = time.perf_counter()
        hyp = diarize(mono, rate, num_speakers=2)
        elapsed = time.perf_counter() - t0
        roles = (
            "-"
            if args.no_roles
            else role_check(assign_roles(hyp, opening_segments(mono, rate)), mapped_truth(truth, hyp))
        )
        rows.append((path.name, len(mono) / rate, diarization_error_rate(truth, hyp), roles, elapsed))

    rttm_sets = [
        (
            args.data / "calls" / "pyannote-phone-conversation-mono.wav",
            args.data / "calls" / "pyannote-phone-conversation-mono.rttm",
            None,
        )
    ]
    for wav in sorted((args.data / "diarization").glob("ami-*.wav")):
        uri = wav.stem.removeprefix("ami-")
        rttm = args.data / "diarization" / ("debug.development.rttm" if uri.startswith("dev") else "debug.test.rttm")
        rttm_sets.append((wav, rttm, uri))
    for wav, rttm, uri in rttm_sets:
        if not wav.exists() or not rttm.exists():
            continue
        audio, rate = load(wav)
        mono = audio.mean(axis=1)
        truth = read_rttm(rttm, uri)
        t0 = time.perf_counter()
        hyp = diarize(mono, rate, num_speakers=len({t.label for t in truth}))
        elapsed = time.perf_counter() - t0
        rows.append((wav.name, len(mono) / rate, diarization_error_rate(truth, hyp), "-", elapsed))

    print(f"| {'file':38} | dur s | DER (collar 0.25) | roles | diarize s | RTF |")
    print(f"|{'-' * 40}|-------|-------------------|-------|-----------|-----|")
    for name, duration, der, roles, elapsed in rows:
        print(f"| {name:38} | {duration:5.1f} | {der:17.3f} | {roles} | {elapsed:9.2f} | {elapsed / duration:.3f} |")


if __name__ == "__main__":
    main()
