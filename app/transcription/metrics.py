"""Conversation timing from word times: the one source for the call page, the review queue and the scorer.

Times come from words, never from segment spans: a party speaks exactly while one of its words is being said,
so a segment that runs over a pause (imported, or from an engine that groups words loosely) cannot create
overtalk or hide a silence. A segment without words counts as one word over its span. Pure: no Flask or DB.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.transcription.interchange import Segment, Transcript

PARTIES = ("agent", "customer", "unknown")

Interval = tuple[float, float]

# Inside one phrase, a gap shorter than this between two words is still "speaking" (an interruption starts
# inside the other party's phrase, not in a breath between words).
PHRASE_GAP_S = 0.5
# Overtalk pieces closer than this are one episode of talking over each other.
OVERTALK_JOIN_S = 1.0


@dataclass(frozen=True, slots=True)
class Turn:
    """Consecutive segments of one party (in time order), timed from their words."""

    speaker: str
    segments: tuple[int, ...]  # indexes into transcript.segments
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Silence:
    """A stretch where nobody says a word, between the segment said last before it and the one said after."""

    start: float
    end: float
    before: int  # segment whose word ends at `start`
    after: int  # segment whose word starts at `end`

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Interruption:
    """The agent starts inside the customer's phrase, overlaps it and the customer stops first."""

    segment: int  # the agent's segment
    time: float
    overlap: float


def merge_intervals(intervals: Iterable[Interval], join: float = 0.0) -> list[Interval]:
    """Sort and merge overlapping or touching intervals (and those less than `join` s apart)."""
    merged: list[list[float]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1] + join:
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


def word_spans(segment: Segment) -> list[Interval]:
    """When the segment's party is speaking: its words, or its whole span when it has no words."""
    if segment.words:
        return [(w.start, w.end) for w in segment.words if w.end > w.start]
    return [(segment.start, segment.end)]


def spoken_span(segment: Segment) -> Interval:
    """First word start to last word end (the segment's own span without words)."""
    spans = word_spans(segment)
    if not spans:  # only zero-length words: their instant
        return segment.words[0].start, segment.words[-1].end
    return min(s for s, _ in spans), max(e for _, e in spans)


def time_order(transcript: Transcript) -> list[int]:
    """Segment indexes ordered by when their first word is said."""
    spans = [spoken_span(s) for s in transcript.segments]
    return sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1], i))


def talk_intervals(transcript: Transcript) -> dict[str, list[Interval]]:
    """Merged word intervals per party (agent, customer, unknown)."""
    return {
        party: merge_intervals(i for s in transcript.segments if s.speaker == party for i in word_spans(s))
        for party in PARTIES
    }


def silences(transcript: Transcript, min_silence: float = 1.0) -> list[Silence]:
    """Gaps of at least `min_silence` s where no party says a word; leading and trailing silence excluded."""
    words = sorted((s, e, i) for i, seg in enumerate(transcript.segments) for s, e in word_spans(seg))
    found: list[Silence] = []
    last_end, last_index = None, -1
    for start, end, index in words:
        if last_end is not None and start - last_end >= min_silence:
            found.append(Silence(last_end, start, last_index, index))
        if last_end is None or end >= last_end:
            last_end, last_index = end, index
    return found


def turns(transcript: Transcript) -> list[Turn]:
    """Runs of consecutive segments of one party in time order; unknown segments neither join nor break them."""
    runs: list[Turn] = []
    for index in time_order(transcript):
        seg = transcript.segments[index]
        if seg.speaker == "unknown":
            continue
        start, end = spoken_span(seg)
        if runs and runs[-1].speaker == seg.speaker:
            last = runs[-1]
            runs[-1] = Turn(last.speaker, (*last.segments, index), last.start, max(last.end, end))
        else:
            runs.append(Turn(seg.speaker, (index,), start, end))
    return runs


def interruptions(transcript: Transcript, min_overlap: float = 0.5) -> list[Interruption]:
    """Agent segments whose first word falls inside a customer phrase that then stops first."""
    customer = talk_intervals(transcript)["customer"]
    phrases = merge_intervals(customer, join=PHRASE_GAP_S)
    starts = [p[0] for p in phrases]
    events = []
    for index in time_order(transcript):
        seg = transcript.segments[index]
        if seg.speaker != "agent":
            continue
        begin, end = spoken_span(seg)
        k = bisect.bisect_right(starts, begin) - 1
        if k < 0 or not phrases[k][0] < begin < phrases[k][1]:
            continue
        overlap = _total(intersect_intervals(merge_intervals(word_spans(seg)), customer))
        # The customer must yield: an agent "mm-hmm" inside the customer's phrase is a backchannel.
        if overlap >= min_overlap and phrases[k][1] <= end:
            events.append(Interruption(index, begin, overlap))
    return events


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Any of the phrases as whole words, case-insensitive, however the words are spaced (None without phrases)."""
    alternatives = sorted({r"\s+".join(map(re.escape, p.split())) for p in phrases if p.strip()}, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b", re.IGNORECASE) if alternatives else None


def hold_announced_before(transcript: Transcript, time: float, announcement: re.Pattern[str] | None) -> bool:
    """Whether the agent's last segment before `time` announces a hold (says one of the `hold_announce` phrases)."""
    before = [s for s in transcript.segments if s.speaker == "agent" and spoken_span(s)[1] <= time + 1e-6]
    if not before or announcement is None:
        return False
    last = max(before, key=lambda s: spoken_span(s)[1])
    return bool(announcement.search(last.text))


def _silence_summary(
    transcript: Transcript, gaps: list[Silence], long_silence: float, announcement: re.Pattern[str] | None
) -> dict:
    long_ones = []
    for gap in gaps:
        if gap.seconds <= long_silence:
            continue
        announced = hold_announced_before(transcript, gap.start, announcement)
        long_ones.append(
            {
                "start": _r(gap.start),
                "end": _r(gap.end),
                "duration": _r(gap.seconds),
                "hold_announced": announced,
                "possible_unannounced_hold": not announced,
            }
        )
    return {
        "count": len(gaps),
        "total": _r(sum(g.seconds for g in gaps)),
        "longest": _r(max((g.seconds for g in gaps), default=0.0)),
        "long_threshold": long_silence,
        "long": long_ones,
    }


def _word_count(segment: Segment) -> int:
    return len(segment.words) if segment.words else len(segment.text.split())


def _percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default method), q in [0, 100]."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _speech_rates(transcript: Transcript, talk: dict[str, float]) -> dict[str, float | None]:
    rates: dict[str, float | None] = {}
    for party in PARTIES:
        words = sum(_word_count(s) for s in transcript.segments if s.speaker == party)
        rates[party] = _r(words / (talk[party] / 60.0)) if talk[party] > 0 else None
    return rates


def _longest_agent_monologue(runs: list[Turn]) -> dict | None:
    """Longest agent turn (no customer segment in between), from its first word to its last."""
    agent = [t for t in runs if t.speaker == "agent"]
    if not agent:
        return None
    best = max(agent, key=lambda t: t.end - t.start)
    return {
        "duration": _r(best.end - best.start),
        "start": _r(best.start),
        "end": _r(best.end),
        "first_segment": best.segments[0],
        "last_segment": best.segments[-1],
    }


def _response_latency(runs: list[Turn]) -> dict:
    """Gap between the customer's last word of a turn and the agent's first word of the next turn."""
    latencies = [
        max(0.0, nxt.start - cur.end)
        for cur, nxt in itertools.pairwise(runs)
        if cur.speaker == "customer" and nxt.speaker == "agent"
    ]
    if not latencies:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    return {
        "count": len(latencies),
        "mean": _r(sum(latencies) / len(latencies)),
        "median": _r(_percentile(latencies, 50)),
        "p90": _r(_percentile(latencies, 90)),
    }


def overtalk(intervals: dict[str, list[Interval]]) -> list[Interval]:
    """Episodes where agent and customer words overlap (pieces closer than OVERTALK_JOIN_S are one episode)."""
    return intersect_intervals(intervals["agent"], intervals["customer"])


@dataclass(frozen=True, slots=True)
class Timing:
    """The timing facts the scorer's detectors read, from the same word times as `compute_metrics`."""

    turns: tuple[Turn, ...]
    talk_time: dict[str, float]  # seconds each party spends saying words
    words: dict[str, int]
    silences: tuple[Silence, ...]  # nobody says a word, in time order
    interruptions: tuple[Interruption, ...]  # every overlap, however short: detectors apply their own minimum

    @property
    def agent_share(self) -> float | None:
        talk = self.talk_time.get("agent", 0.0) + self.talk_time.get("customer", 0.0)
        return self.talk_time.get("agent", 0.0) / talk if talk > 0 else None


def timing(segments: tuple[Segment, ...], min_gap: float = 1.0) -> Timing:
    """Turns, talk time, words per party, silences of at least `min_gap` s and interruptions, from word times."""
    transcript = Transcript(language="", duration=max((s.end for s in segments), default=0.0), segments=segments)
    intervals = talk_intervals(transcript)
    words: dict[str, int] = {}
    for seg in segments:
        words[seg.speaker] = words.get(seg.speaker, 0) + len(seg.text.split())
    return Timing(
        turns=tuple(turns(transcript)),
        talk_time={party: sum(e - s for s, e in spans) for party, spans in intervals.items() if spans},
        words=words,
        silences=tuple(silences(transcript, min_gap)),
        interruptions=tuple(interruptions(transcript, min_overlap=0.0)),
    )


def compute_metrics(
    transcript: Transcript,
    *,
    long_silence: float = 5.0,
    interruption_min_overlap: float = 0.5,
    min_silence: float = 1.0,
    hold_phrases: Iterable[str] = (),
) -> dict:
    """Talk, silence, overtalk, interruption, rate, monologue, turn and latency metrics as a JSON dict.

    Every figure comes from word times (a segment without words counts as one word over its span):
    - ``talk_time``: seconds during which each party (agent, customer, unknown) is saying a word.
    - ``talk_listen_ratio``: agent talk / customer talk (None when the customer never speaks).
    - ``silence``: gaps of at least ``min_silence`` s where nobody says a word (leading/trailing excluded):
      count, total, longest, and ``long`` = gaps over ``long_silence`` s, each flagged
      ``possible_unannounced_hold`` unless the agent's last segment before it says one of ``hold_phrases``
      (the ``hold_announce`` lexicon, which the scorer's hold etiquette reads too).
    - ``overtalk``: episodes where agent and customer words overlap (count, total seconds of overlap).
    - ``interruptions``: the agent's first word falls inside a customer phrase, the agent's words overlap the
      customer's by at least ``interruption_min_overlap`` s and the customer stops first (backchannels inside a
      customer phrase are overtalk, not interruptions).
    - ``speech_rate_wpm``: words per minute of talk per party (word lists when present, else whitespace tokens).
    - ``longest_agent_monologue``: longest run of agent segments with no customer segment in between
      (seconds, times and first/last segment index in ``transcript.segments``); None without agent speech.
    - ``turns``: runs of consecutive same-party segments in time order (unknown skipped);
      ``speaker_changes`` = turns - 1.
    - ``response_latency``: seconds from a customer turn's last word to the first word of the next turn when it
      is the agent's (overlaps count as 0): count, mean, median, p90.
    """
    intervals = talk_intervals(transcript)
    talk = {party: _total(intervals[party]) for party in PARTIES}
    overlap = overtalk(intervals)
    events = interruptions(transcript, interruption_min_overlap)
    runs = turns(transcript)
    return {
        "duration": _r(transcript.duration),
        "talk_time": {party: _r(talk[party]) for party in PARTIES},
        "talk_listen_ratio": _r(talk["agent"] / talk["customer"]) if talk["customer"] > 0 else None,
        "silence": _silence_summary(
            transcript, silences(transcript, min_silence), long_silence, phrase_pattern(hold_phrases)
        ),
        "overtalk": {"count": len(merge_intervals(overlap, join=OVERTALK_JOIN_S)), "total": _r(_total(overlap))},
        "interruptions": {
            "count": len(events),
            "events": [{"time": _r(e.time), "overlap": _r(e.overlap), "segment": e.segment} for e in events],
        },
        "speech_rate_wpm": _speech_rates(transcript, talk),
        "longest_agent_monologue": _longest_agent_monologue(runs),
        "turns": len(runs),
        "speaker_changes": max(0, len(runs) - 1),
        "response_latency": _response_latency(runs),
    }
