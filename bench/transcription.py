"""Transcription bench: WER, real-time factor, memory, stereo attribution and pipeline overhead.

.venv/bin/python bench/transcription.py --data /work/shared/data [--model base] [--limit N] [--jobs 50]

- WER (jiwer, normalised: lowercase, apostrophes/hyphens unified, punctuation stripped, numbers kept) per
  language over `wer/<lang>/<stem>.txt` references, the per-channel references of stereo calls and the timed
  words of the pyannote call; language detection accuracy (chosen among fr/en on speech, as the pipeline does).
- RTF = processing seconds / audio seconds of the whole pipeline, p50/p95; peak RSS.
- Stereo calls: share of words given to the right party. Truth per word = the channel that is louder by 6 dB
  during that word (words where neither dominates are "overlap" and left out); measured for the stereo
  pipeline and for the same call mixed to mono and diarized, for comparison.
- Overhead: whole pipeline (decode, VAD, language on speech, transcribe, guards, merge, metrics) vs bare
  `WhisperModel.transcribe` on the same files with the same settings, interleaved, as one ratio (target < 1.10).
- Downmixed stereo calls: diarization error rate (collar 0.25 s) of the mono pipeline's speaker turns against
  each channel's voice activity, the channel truth.
- Timing on the stereo calls (the channels are the truth for who speaks): overtalk and silences of the pipeline's
  metrics against a reference built from each channel's own word timings (bare faster-whisper on that channel
  alone), per-channel Silero voice activity (its 0.4 s padding removed) as a cross-check (8 kHz channels carry some
  crosstalk, so VAD overtalk is an upper bound), what the old segment-span figures would have said, the seconds
  of speech (by either reference) under the long silences flagged, and the longest pause between two words of one
  segment.
- --jobs N: worker memory. N consecutive jobs through the real worker path in this process (a temporary SQLite
  database, Job rows, the transcribe stage with redaction and the redacted audio copy, then the score stage
  with spaCy), RSS after each (first / last / max).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

from app.audio import load_audio
from app.transcription.engines import get_engine
from app.transcription.pipeline import transcribe_file
from app.transcription.settings import TranscriptionSettings

DOMINANCE_DB = 6.0


def normalise(text: str) -> str:
    """WER normalisation for French and English: case, apostrophes, hyphens and punctuation; numbers kept."""
    text = unicodedata.normalize("NFC", text.lower())
    text = re.sub(r"[’‘`´]", "'", text)
    text = re.sub(r"[-‐‑–—_/]", " ", text)
    text = re.sub(r"(?<=\w)'(?=\w)", "'", text)
    text = re.sub(r"[^\w' ]+", " ", text)
    text = re.sub(r"(^|\s)'|'(\s|$)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def rss_mb() -> float:
    """Current resident set size in MiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def manifest(data: Path) -> list[dict]:
    return json.loads((data / "manifest.json").read_text())["items"]


def stm_reference(path: Path) -> str:
    rows = [line.split(maxsplit=5) for line in path.read_text().splitlines() if line.strip()]
    rows.sort(key=lambda r: float(r[3]))
    return " ".join(r[5] for r in rows if len(r) > 5)


def wer_items(data: Path, limit: int | None) -> list[tuple[str, Path, str, str | None]]:
    """(group, audio, reference text, channels) for every recording with an exact reference."""
    items, per_group = [], {}
    for item in manifest(data):
        path = data / item["path"]
        if item["kind"] == "wer" and item.get("reference"):
            group, ref, channels = f"wer-{item['language']}", (data / item["reference"]).read_text(), None
        elif item.get("reference_by_channel"):
            group, ref, channels = "call-stereo", " ".join(item["reference_by_channel"]), "agent,customer"
        elif item.get("reference", "").endswith(".stm"):
            group, ref, channels = "call-mono", stm_reference(data / item["reference"]), "mono"
        else:
            continue
        if limit is None or per_group.get(group, 0) < limit:
            per_group[group] = per_group.get(group, 0) + 1
            items.append((group, path, ref, channels))
    return items


def run_wer(items: list, settings: TranscriptionSettings, data: Path) -> tuple[list[dict], list[float]]:
    import jiwer

    rows, rtfs = [], []
    for group, path, ref, channels in items:
        start = time.perf_counter()
        transcript = transcribe_file(path, channels=channels, settings=settings)
        elapsed = time.perf_counter() - start
        rtf = elapsed / transcript.duration
        rtfs.append(rtf)
        hyp = " ".join(s.text for s in transcript.segments)
        if group == "call-stereo":  # the reference is per channel: compare channel by channel, in order
            hyp = " ".join(" ".join(s.text for s in transcript.by_speaker(p)) for p in ("agent", "customer"))
        expected = "fr" if group.endswith("fr") else "en"
        rows.append(
            {
                "group": group,
                "file": str(path.relative_to(data)),
                "ref": normalise(ref),
                "hyp": normalise(hyp),
                "wer": jiwer.wer(normalise(ref), normalise(hyp) or "<empty>"),
                "rtf": rtf,
                "lang_ok": transcript.language == expected,
                "dropped": len(transcript.info["dropped"]),
            }
        )
        print(
            f"  {rows[-1]['file']}: WER {rows[-1]['wer']:.3f} RTF {rtf:.3f} lang {transcript.language}", file=sys.stderr
        )
    return rows, rtfs


def word_truth(audio: np.ndarray, start: float, end: float) -> str | None:
    """'agent' (left) or 'customer' (right) when one channel is louder by DOMINANCE_DB during the word."""
    a, b = int(start * 16000), max(int(end * 16000), int(start * 16000) + 160)
    left, right = (float(np.mean(audio[c, a:b] ** 2)) + 1e-10 for c in (0, 1))
    diff = 10 * np.log10(left / right)
    return "agent" if diff >= DOMINANCE_DB else "customer" if diff <= -DOMINANCE_DB else None


def attribution_share(transcript, audio: np.ndarray) -> tuple[int, int, int]:  # noqa: ANN001
    """(right, judged, overlap) word counts against the channel-energy truth."""
    right = judged = overlap = 0
    for seg in transcript.segments:
        for w in seg.words:
            truth = word_truth(audio, w.start, w.end)
            if truth is None:
                overlap += 1
                continue
            judged += 1
            right += seg.speaker == truth
    return right, judged, overlap


def run_stereo(data: Path, settings: TranscriptionSettings, limit: int | None) -> tuple[list[dict], list[float]]:
    rows, rtfs = [], []
    calls = [i for i in manifest(data) if i["kind"] == "call" and i["channels"] == 2 and i["duration"] > 30]
    for item in calls[:limit]:
        path = data / item["path"]
        audio = load_audio(path)
        row = {"file": item["path"]}
        for mode, channels in (("stereo", "agent,customer"), ("mono mix + diarization", "mono")):
            start = time.perf_counter()
            transcript = transcribe_file(path, channels=channels, settings=settings)
            elapsed = time.perf_counter() - start
            if mode == "stereo":
                rtfs.append(elapsed / transcript.duration)
            right, judged, overlap = attribution_share(transcript, audio)
            row[mode] = (
                right,
                judged,
                overlap,
                elapsed / transcript.duration,
                transcript.info["swap_suspected"],
                None if mode == "stereo" else downmix_der(path, transcript),
            )
            print(f"  {item['path']} {mode}: {right}/{judged} right, {overlap} overlap", file=sys.stderr)
        rows.append(row)
    return rows, rtfs


def downmix_der(path: Path, transcript) -> float:  # noqa: ANN001
    """DER of the mono pipeline's turns (by attributed speaker) against the channels' voice activity."""
    from diarization import channel_turns, load  # bench/diarization.py, beside this script

    from app.transcription.diarization import Turn, diarization_error_rate

    audio, rate = load(path)
    truth = channel_turns(audio[:, 0], rate, "agent") + channel_turns(audio[:, 1], rate, "customer")
    hyp = [Turn(s.start, s.end, s.speaker) for s in transcript.segments]
    return diarization_error_rate(truth, hyp)


def _overlap_total(a: list, b: list) -> float:
    from app.transcription.metrics import intersect_intervals, merge_intervals

    return sum(e - s for s, e in intersect_intervals(merge_intervals(a), merge_intervals(b)))


def run_timing(data: Path, settings: TranscriptionSettings, limit: int | None) -> list[dict]:
    """Overtalk and flagged silences of the stereo pipeline against per-channel word and VAD references."""
    from app.transcription.vad import speech_regions

    engine = get_engine(settings)
    rows = []
    calls = [i for i in manifest(data) if i["kind"] == "call" and i["channels"] == 2 and i["duration"] > 30]
    for item in calls[:limit]:
        path = data / item["path"]
        audio = load_audio(path)
        words, spans = [], []
        for channel in (0, 1):  # the reference: each channel transcribed alone, its words as they come
            segments, _ = engine.model.transcribe(audio[channel], **engine.transcribe_kwargs(item["language"]))
            segments = list(segments)
            words.append([(w.start, w.end) for seg in segments for w in seg.words or ()])
            spans.append([(seg.start, seg.end) for seg in segments])
        # Silero pads each region by 0.4 s on both sides (speech_pad_ms): measure on the speech itself.
        vad = [[(s + 0.4, e - 0.4) for s, e in speech_regions(audio[channel]) if e - s > 0.8] for channel in (0, 1)]
        transcript = transcribe_file(path, channels="agent,customer", language=item["language"], settings=settings)
        metrics = transcript.info["metrics"]
        flagged = [(x["start"], x["end"]) for x in metrics["silence"]["long"]]
        gaps = [b.start - a.end for seg in transcript.segments for a, b in zip(seg.words, seg.words[1:], strict=False)]
        rows.append(
            {
                "file": item["path"],
                "overtalk": metrics["overtalk"]["total"],
                "episodes": metrics["overtalk"]["count"],
                "word_ref": _overlap_total(words[0], words[1]),
                "vad_ref": _overlap_total(vad[0], vad[1]),
                "old_spans": _overlap_total(spans[0], spans[1]),
                "flagged": len(flagged),
                "holds": sum(1 for x in metrics["silence"]["long"] if x["possible_unannounced_hold"]),
                "speech_under_flagged_words": _overlap_total(flagged, words[0] + words[1]),
                "speech_under_flagged_vad": _overlap_total(flagged, vad[0] + vad[1]),
                "max_gap": max(gaps, default=0.0),
            }
        )
        print(
            f"  timing {item['path']}: overtalk {rows[-1]['overtalk']:.2f}s vs words {rows[-1]['word_ref']:.2f}s",
            file=sys.stderr,
        )
    return rows


def print_timing(rows: list[dict]) -> None:
    print(
        "\n| stereo call | overtalk (episodes) | word-timing reference | difference | per-channel VAD "
        "| old segment spans | long silences flagged (unannounced) | speech under them: words / VAD "
        "| longest pause inside a segment |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['file']} | {r['overtalk']:.2f} s ({r['episodes']}) | {r['word_ref']:.2f} s "
            f"| {r['overtalk'] - r['word_ref']:+.2f} s | {r['vad_ref']:.2f} s | {r['old_spans']:.2f} s "
            f"| {r['flagged']} ({r['holds']}) | {r['speech_under_flagged_words']:.2f} s / "
            f"{r['speech_under_flagged_vad']:.2f} s | {r['max_gap']:.2f} s |"
        )


def bare_transcribe(model, path: Path, kwargs: dict, stereo: bool) -> None:  # noqa: ANN001
    """What a plain faster-whisper user would run: decode, then transcribe each channel, consuming segments."""
    from faster_whisper import decode_audio

    tracks = decode_audio(str(path), split_stereo=True) if stereo else [decode_audio(str(path))]
    for track in tracks:
        segments, _ = model.transcribe(track, **kwargs)
        list(segments)


def run_overhead(items: list[tuple[Path, bool]], settings: TranscriptionSettings) -> tuple[float, float, float]:
    """Interleaved pipeline vs bare faster-whisper on the same files: (pipeline s, bare s, ratio)."""
    engine = get_engine(settings)
    kwargs = engine.transcribe_kwargs(None)  # bare: let faster-whisper detect the language itself
    pipe_total = bare_total = 0.0
    for path, stereo in items:
        start = time.perf_counter()
        bare_transcribe(engine.model, path, kwargs, stereo)
        bare_total += time.perf_counter() - start
        start = time.perf_counter()
        transcribe_file(path, channels="agent,customer" if stereo else "mono", settings=settings)
        pipe_total += time.perf_counter() - start
        print(f"  overhead {path.name}: pipeline {pipe_total:.1f}s bare {bare_total:.1f}s", file=sys.stderr)
    return pipe_total, bare_total, pipe_total / bare_total


def run_jobs(n: int, files: list[Path], cache: str) -> list[float]:
    """N jobs through the worker's code path (queue inline in this process, as one worker thread runs them)."""
    import tempfile
    from datetime import UTC, datetime

    from app import create_app
    from app.calls.services import CallMeta, ingest
    from app.extensions import db
    from app.jobs.services import create_job
    from app.teams.services import create_agent, create_team

    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one line per job would bury the table
    tmp = Path(tempfile.mkdtemp(prefix="ecoute-bench-"))
    app = create_app(
        "production",
        SECRET_KEY="bench-only",
        INSTANCE_PATH=tmp,
        QUEUE_IMMEDIATE=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.db'}",
        RECORDINGS_DIR=tmp / "recordings",
        MODEL_CACHE_DIR=Path(cache).resolve(),
    )
    rss = []
    with app.app_context():
        db.create_all()
        agent = create_agent(
            db.session,
            team=create_team(db.session, name="Bench", language="en", domain="telecom"),
            name="Bench Agent",
            external_ref="B1",
        )
        db.session.commit()
        calls = []
        for path in files:  # each ingest runs transcribe then score inline: the first jobs
            with path.open("rb") as fh:
                calls.append(ingest(db.session, fh, path.name, CallMeta(agent=agent, call_date=datetime.now(UTC))))
            db.session.commit()
            rss.append(rss_mb())
        for i in range(max(0, n - len(files))):  # then the same calls again: a job re-run replaces its result
            create_job(db.session, "transcribe", call_id=calls[i % len(calls)].id)
            db.session.commit()
            db.session.expire_all()
            rss.append(rss_mb())
    return rss


def print_wer(rows: list[dict], rtfs: list[float]) -> None:
    import jiwer

    print("| set | files | WER (corpus) | WER median | language right | dropped segs | RTF p50 | RTF p95 |")
    print("|---|---|---|---|---|---|---|---|")
    for group in sorted({r["group"] for r in rows}):
        sel = [r for r in rows if r["group"] == group]
        corpus = jiwer.wer([r["ref"] for r in sel], [r["hyp"] or "<empty>" for r in sel])
        r_rtf = [r["rtf"] for r in sel]
        print(
            f"| {group} | {len(sel)} | {corpus:.3f} | {statistics.median(r['wer'] for r in sel):.3f} "
            f"| {sum(r['lang_ok'] for r in sel)}/{len(sel)} | {sum(r['dropped'] for r in sel)} "
            f"| {pct(r_rtf, 50):.3f} | {pct(r_rtf, 95):.3f} |"
        )
    print(f"\nAll WER files: RTF p50 {pct(rtfs, 50):.3f}, p95 {pct(rtfs, 95):.3f}")


def print_stereo(rows: list[dict]) -> None:
    print("\n| stereo call | mode | words right / judged | share | overlap words | RTF | swap flagged | DER |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        for mode in ("stereo", "mono mix + diarization"):
            right, judged, overlap, rtf, swap, der = row[mode]
            share = right / judged if judged else float("nan")
            shown = "-" if der is None else f"{der:.3f}"
            print(
                f"| {row['file']} | {mode} | {right}/{judged} | {share:.1%} | {overlap} | {rtf:.3f} | {swap} "
                f"| {shown} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--model", default="base")
    parser.add_argument("--limit", type=int, default=None, help="at most N recordings per set")
    parser.add_argument("--jobs", type=int, default=0, help="memory flatness: N consecutive transcriptions")
    parser.add_argument("--cache", default="instance/models")
    parser.add_argument("--skip", default="", help="comma list of sections to skip: wer,stereo,timing,overhead")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    settings = TranscriptionSettings(model=args.model, model_cache_dir=args.cache, diarize=True)
    load_start = time.perf_counter()
    engine = get_engine(settings)
    print(
        f"# model {args.model} ({engine.plan.source}, {engine.plan.device}/{engine.plan.compute_type}, "
        f"{settings.cpu_threads} threads), loaded in {time.perf_counter() - load_start:.2f}s, "
        f"RSS {rss_mb():.0f} MiB, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
    )
    items = wer_items(args.data, args.limit)
    # Warm-up, untimed: one-off loads (diarization encoder, VAD session) belong to worker start, not to a job.
    transcribe_file(next(p for _, p, _, ch in items if ch is None), settings=settings)
    if "wer" not in skip:
        rows, rtfs = run_wer(items, settings, args.data)
        print_wer(rows, rtfs)
    if "stereo" not in skip:
        stereo_rows, _ = run_stereo(args.data, settings, args.limit)
        print_stereo(stereo_rows)
    if "timing" not in skip:
        print_timing(run_timing(args.data, settings, args.limit))
    if "overhead" not in skip:
        firsts: dict[str, int] = {}
        sample = []
        for group, p, _, ch in items:  # three per set keeps the run short; the long call dominates anyway
            if ch != "mono" and firsts.setdefault(group, 0) < 3:
                firsts[group] += 1
                sample.append((p, ch == "agent,customer"))
        calls = [i for i in manifest(args.data) if i["kind"] == "call" and i["channels"] == 2 and i["duration"] > 30]
        sample += [(args.data / c["path"], True) for c in calls[:1]]
        pipe, bare, ratio = run_overhead(sample, settings)
        print(
            f"\nOverhead: pipeline {pipe:.1f}s vs bare faster-whisper {bare:.1f}s on {len(sample)} files: "
            f"ratio {ratio:.3f} (target < 1.10)"
        )
    if args.jobs:
        durations = {i["path"]: i.get("duration") or 0 for i in manifest(args.data)}
        mono = [p for _, p, _, ch in items if ch is None]
        files = sorted(mono, key=lambda p: durations.get(str(p.relative_to(args.data))) or 10)[:5]
        rss = run_jobs(args.jobs, files, args.cache)
        tenth = max(1, len(rss) // 10)
        print(
            f"\n--jobs {len(rss)} (transcribe + score each, worker path): RSS first {rss[0]:.0f} MiB, "
            f"after {tenth} {rss[tenth - 1]:.0f} MiB, last {rss[-1]:.0f} MiB, max {max(rss):.0f} MiB"
        )
    load = os.getloadavg()[0]
    print(f"\nPeak RSS: {peak_rss_mb():.0f} MiB; load average at the end {load:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
