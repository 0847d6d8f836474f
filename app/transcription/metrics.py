"""Conversation metrics computed from a transcript's timed segments (pure, no Flask or DB).

Every figure is derived from segment times (and word lists when present), so it works the same for a
stereo call (one channel per party) and for a diarized mono call. Times are seconds, rounded to the
millisecond in the output; the result is a plain JSON-serialisable dict (see `compute_metrics`).
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Sequence

from app.transcription.interchange import Segment, Transcript

logger = logging.getLogger(__name__)

PARTIES = ("agent", "customer", "unknown")

Interval = tuple[float, float]

# A long silence right after the agent announced a hold is an announced hold, not dead air.
_HOLD_ANNOUNCEMENT = re.compile(
    r"\b(?:(?:je\s+vous|vous)\s+(?:mets|met|mettre|laisse|demande)\s+(?:en\s+attente|patienter)"
    r"|(?:ne\s+)?quittez\s+pas|un\s+(?:petit\s+)?(?:instant|moment)|patientez|veuillez\s+patienter"
    r"|(?:put|place)\s+you\s+on\s+(?:a\s+(?:brief|short|quick)\s+)?hold|please\s+hold|hold\s+on"
    r"|bear\s+with\s+me|one\s+(?:moment|second|sec)|just\s+a\s+(?:moment|second|sec))\b",
    re.IGNORECASE,
)


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and merge overlapping or touching intervals."""
    merged: list[list[float]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def intersect_intervals(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Intersection of two sorted, merged interval lists."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _total(intervals: Iterable[Interval]) -> float:
    return sum(e - s for s, e in intervals)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _word_count(segment: Segment) -> int:
    return len(segment.words) if segment.words else len(segment.text.split())


def _percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default method), q in [0, 100]."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _ordered(transcript: Transcript) -> list[tuple[int, Segment]]:
    return sorted(enumerate(transcript.segments), key=lambda p: (p[1].start, p[1].end, p[0]))


def talk_intervals(transcript: Transcript) -> dict[str, list[Interval]]:
    """Merged speech intervals per party (agent, customer, unknown)."""
    return {
        party: merge_intervals((s.start, s.end) for s in transcript.segments if s.speaker == party) for party in PARTIES
    }


def _silences(transcript: Transcript, speech: list[Interval], long_silence: float, min_silence: float) -> dict:
    """Gaps between speech where nobody talks; leading and trailing silence (ringing, hang-up) is ignored."""
    gaps = [(a[1], b[0]) for a, b in itertools.pairwise(speech) if b[0] - a[1] >= min_silence]
    long_ones = []
    for start, end in gaps:
        if end - start <= long_silence:
            continue
        announced = _hold_announced_before(transcript, start)
        long_ones.append(
            {
                "start": _r(start),
                "end": _r(end),
                "duration": _r(end - start),
                "hold_announced": announced,
                "possible_unannounced_hold": not announced,
            }
        )
    return {
        "count": len(gaps),
        "total": _r(_total(gaps)),
        "longest": _r(max((e - s for s, e in gaps), default=0.0)),
        "long_threshold": long_silence,
        "long": long_ones,
    }


def _hold_announced_before(transcript: Transcript, gap_start: float) -> bool:
    """Whether the last agent segment ending at the gap announces a hold."""
    before = [s for s in transcript.segments if s.speaker == "agent" and s.end <= gap_start + 1e-6]
    if not before:
        return False
    last = max(before, key=lambda s: s.end)
    return bool(_HOLD_ANNOUNCEMENT.search(last.text))


def _interruptions(transcript: Transcript, customer: list[Interval], min_overlap: float) -> list[dict]:
    """Agent segments that start inside customer speech, overlap it long enough, and outlast it."""
    events = []
    for index, seg in _ordered(transcript):
        if seg.speaker != "agent":
            continue
        for c_start, c_end in customer:
            if not c_start < seg.start < c_end:
                continue
            overlap = min(seg.end, c_end) - seg.start
            # The customer must yield: an agent "mm-hmm" inside the customer's turn is a backchannel.
            if overlap >= min_overlap and c_end <= seg.end:
                events.append({"time": _r(seg.start), "overlap": _r(overlap), "segment": index})
            break
    return events


def _speech_rates(transcript: Transcript, talk: dict[str, float]) -> dict[str, float | None]:
    rates: dict[str, float | None] = {}
    for party in PARTIES:
        words = sum(_word_count(s) for s in transcript.segments if s.speaker == party)
        rates[party] = _r(words / (talk[party] / 60.0)) if talk[party] > 0 else None
    return rates


def _longest_agent_monologue(transcript: Transcript) -> dict | None:
    """Longest stretch of agent speech with no customer segment starting inside it."""
    best: dict | None = None
    run: list[tuple[int, Segment]] = []

    def close() -> None:
        nonlocal best
        if not run:
            return
        start, end = run[0][1].start, max(s.end for _, s in run)
        if best is None or end - start > best["duration"]:
            best = {
                "duration": end - start,
                "start": start,
                "end": end,
                "first_segment": run[0][0],
                "last_segment": run[-1][0],
            }

    for index, seg in _ordered(transcript):
        if seg.speaker == "agent":
            run.append((index, seg))
        elif seg.speaker == "customer":
            close()
            run = []
    close()
    if best is not None:
        best.update(duration=_r(best["duration"]), start=_r(best["start"]), end=_r(best["end"]))
    return best


def _known_runs(transcript: Transcript) -> list[list[Segment]]:
    """Consecutive segments of the same known party (unknown segments are skipped)."""
    runs: list[list[Segment]] = []
    for _, seg in _ordered(transcript):
        if seg.speaker == "unknown":
            continue
        if runs and runs[-1][0].speaker == seg.speaker:
            runs[-1].append(seg)
        else:
            runs.append([seg])
    return runs


def _response_latency(runs: list[list[Segment]]) -> dict:
    """Gap between the end of a customer turn and the start of the agent turn that follows it."""
    latencies = [
        max(0.0, nxt[0].start - max(s.end for s in cur))
        for cur, nxt in itertools.pairwise(runs)
        if cur[0].speaker == "customer" and nxt[0].speaker == "agent"
    ]
    if not latencies:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    return {
        "count": len(latencies),
        "mean": _r(sum(latencies) / len(latencies)),
        "median": _r(_percentile(latencies, 50)),
        "p90": _r(_percentile(latencies, 90)),
    }


def compute_metrics(
    transcript: Transcript,
    *,
    long_silence: float = 5.0,
    interruption_min_overlap: float = 0.5,
    min_silence: float = 1.0,
) -> dict:
    """Talk, silence, overtalk, interruption, rate, monologue, turn and latency metrics as a JSON dict.

    - ``talk_time``: seconds of speech per party (agent, customer, unknown) from merged segment intervals.
    - ``talk_listen_ratio``: agent talk / customer talk (None when the customer never speaks).
    - ``silence``: gaps of at least ``min_silence`` s between any speech (leading/trailing silence excluded):
      count, total, longest, and ``long`` = gaps over ``long_silence`` s, each flagged
      ``possible_unannounced_hold`` unless the agent's last words before it announce a hold.
    - ``overtalk``: pieces of time where agent and customer speak at once (count, total seconds).
    - ``interruptions``: the agent starts while the customer is speaking, overlaps them by at least
      ``interruption_min_overlap`` s and the customer stops first (backchannels inside a customer turn
      are overtalk, not interruptions).
    - ``speech_rate_wpm``: words per minute of talk per party (word lists when present, else whitespace tokens).
    - ``longest_agent_monologue``: longest run of agent segments with no customer segment in between
      (seconds, times and first/last segment index in ``transcript.segments``); None without agent speech.
    - ``turns``: runs of consecutive same-party segments (unknown skipped); ``speaker_changes`` = turns - 1.
    - ``response_latency``: seconds from the end of a customer turn to the start of the next turn when it is
      the agent's (negative gaps, i.e. overlaps, count as 0): count, mean, median, p90.
    """
    intervals = talk_intervals(transcript)
    talk = {party: _total(intervals[party]) for party in PARTIES}
    speech = merge_intervals(i for party in PARTIES for i in intervals[party])
    overlap = intersect_intervals(intervals["agent"], intervals["customer"])
    interruptions = _interruptions(transcript, intervals["customer"], interruption_min_overlap)
    runs = _known_runs(transcript)
    return {
        "duration": _r(transcript.duration),
        "talk_time": {party: _r(talk[party]) for party in PARTIES},
        "talk_listen_ratio": _r(talk["agent"] / talk["customer"]) if talk["customer"] > 0 else None,
        "silence": _silences(transcript, speech, long_silence, min_silence),
        "overtalk": {"count": len(overlap), "total": _r(_total(overlap))},
        "interruptions": {"count": len(interruptions), "events": interruptions},
        "speech_rate_wpm": _speech_rates(transcript, talk),
        "longest_agent_monologue": _longest_agent_monologue(transcript),
        "turns": len(runs),
        "speaker_changes": max(0, len(runs) - 1),
        "response_latency": _response_latency(runs),
    }
