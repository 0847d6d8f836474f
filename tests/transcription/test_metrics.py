"""Conversation metrics on hand-built transcripts, checked to the millisecond."""

from __future__ import annotations

import json

import pytest

from app.transcription.interchange import Segment, Transcript, Word
from app.transcription.metrics import compute_metrics, intersect_intervals, merge_intervals
from app.transcription.pipeline import hold_phrases


def seg(speaker: str, start: float, end: float, text: str = "mot", words: tuple[Word, ...] = ()) -> Segment:
    return Segment(speaker=speaker, start=start, end=end, text=text, words=words)


def call(*segments: Segment, duration: float | None = None) -> Transcript:
    last = max((s.end for s in segments), default=0.0)
    return Transcript(language="fr", duration=duration or last, segments=tuple(segments))


@pytest.fixture
def simple_call() -> Transcript:
    return call(
        seg("agent", 0.0, 4.0, "Bonjour service client Julie à l'appareil"),  # 6 words
        seg("customer", 5.0, 11.0, "oui bonjour ma box ne marche plus"),  # 7 words
        seg("agent", 12.0, 14.0, "je vérifie"),  # 2 words
        seg("customer", 20.0, 23.0, "d'accord merci"),  # 2 words
        seg("agent", 24.5, 28.5, "voilà c'est réparé bonne journée"),  # 5 words
        duration=30.0,
    )


def test_merging_and_intersecting_intervals():
    assert merge_intervals([(3, 4), (0, 1), (0.5, 2), (2, 2.5), (5, 5)]) == [(0, 2.5), (3, 4)]
    assert intersect_intervals([(0, 2), (3, 6)], [(1, 4), (5, 7)]) == [(1, 2), (3, 4), (5, 6)]


def test_talk_time_and_ratio_per_party(simple_call):
    m = compute_metrics(simple_call)
    assert m["talk_time"] == {"agent": 10.0, "customer": 9.0, "unknown": 0.0}
    assert m["talk_listen_ratio"] == 1.111


def test_overlapping_segments_of_one_party_are_not_counted_twice():
    m = compute_metrics(call(seg("agent", 0, 4), seg("agent", 3, 6), seg("customer", 7, 8)))
    assert m["talk_time"]["agent"] == 6.0


def test_silences_between_speech_with_an_unannounced_hold(simple_call):
    s = compute_metrics(simple_call)["silence"]
    # gaps: 4-5 (1.0), 11-12 (1.0), 14-20 (6.0), 23-24.5 (1.5); trailing 28.5-30 is not counted
    assert s["count"] == 4
    assert s["total"] == 9.5
    assert s["longest"] == 6.0
    assert s["long"] == [
        {"start": 14.0, "end": 20.0, "duration": 6.0, "hold_announced": False, "possible_unannounced_hold": True}
    ]


def test_a_hold_announced_by_the_agent_is_not_flagged():
    t = call(
        seg("customer", 0, 3),
        seg("agent", 3.5, 6, "Je vous mets en attente un instant."),
        seg("agent", 40, 42, "Merci d'avoir patienté."),
    )
    long = compute_metrics(t, hold_phrases=hold_phrases())["silence"]["long"]
    assert [(x["duration"], x["possible_unannounced_hold"]) for x in long] == [(34.0, False)]


@pytest.mark.parametrize("said", ["Please hold, I'm checking.", "Je VÉRIFIE ça tout de suite", "Ne  quittez pas"])
def test_a_hold_is_announced_in_the_words_of_the_hold_announce_lexicon_the_scorer_reads(said):
    t = call(seg("customer", 0, 3), seg("agent", 3.5, 6, said), seg("agent", 40, 42, "Merci."))
    assert compute_metrics(t, hold_phrases=hold_phrases())["silence"]["long"][0]["hold_announced"] is True
    assert compute_metrics(t)["silence"]["long"][0]["hold_announced"] is False  # no phrases given, none announces


def test_short_gaps_are_not_silences_and_threshold_is_configurable():
    t = call(seg("agent", 0, 2), seg("customer", 2.5, 4), seg("agent", 7, 8))
    s = compute_metrics(t, long_silence=2.0)["silence"]
    assert (s["count"], s["total"], [x["start"] for x in s["long"]]) == (1, 3.0, [4.0])


def test_overtalk_and_interruption_of_the_customer():
    t = call(
        seg("customer", 0.0, 5.0, "alors voilà mon problème c'est que"),
        seg("agent", 4.0, 8.0, "oui oui je vois"),  # starts 1 s before the customer stops: interruption
        seg("customer", 9.0, 15.0, "et puis aussi"),
        seg("agent", 10.0, 10.5, "hum"),  # backchannel inside the customer's turn: overtalk only
        seg("agent", 14.8, 16.0, "bien"),  # 0.2 s overlap: under the 0.5 s threshold
    )
    m = compute_metrics(t)
    assert m["overtalk"] == {"count": 3, "total": 1.7}
    assert m["interruptions"] == {"count": 1, "events": [{"time": 4.0, "overlap": 1.0, "segment": 1}]}
    assert compute_metrics(t, interruption_min_overlap=0.1)["interruptions"]["count"] == 2


def test_speech_rate_counts_the_time_spent_saying_words_not_the_segment_span():
    words = tuple(Word(start=i * 0.5, end=i * 0.5 + 0.4, word=w) for i, w in enumerate(["a", "b", "c", "d", "e"]))
    t = call(
        seg("agent", 0, 30, "a b c d e", words=words),  # 5 words said in 2.0 s, in a segment stretched to 30 s
        seg("customer", 30, 90, " ".join(["mot"] * 40)),  # 40 words over 60 s, no word times
    )
    m = compute_metrics(t)
    assert m["talk_time"]["agent"] == 2.0
    assert m["speech_rate_wpm"] == {"agent": 150.0, "customer": 40.0, "unknown": None}


def test_longest_agent_monologue_spans_consecutive_agent_segments(simple_call):
    t = call(
        seg("agent", 0, 3),
        seg("customer", 3, 4),
        seg("agent", 4, 10),
        seg("unknown", 10, 11),
        seg("agent", 11, 20),
        seg("customer", 20, 25),
        seg("agent", 25, 30),
    )
    assert compute_metrics(t)["longest_agent_monologue"] == {
        "duration": 16.0,
        "start": 4.0,
        "end": 20.0,
        "first_segment": 2,
        "last_segment": 4,
    }


def test_turns_count_runs_of_the_same_party(simple_call):
    t = call(seg("agent", 0, 1), seg("agent", 1, 2), seg("customer", 2, 3), seg("unknown", 3, 4), seg("agent", 4, 5))
    m = compute_metrics(t)
    assert (m["turns"], m["speaker_changes"]) == (3, 2)
    assert compute_metrics(simple_call)["turns"] == 5


def test_agent_response_latency_after_the_customer_stops():
    t = call(
        seg("customer", 0, 2),
        seg("agent", 3, 4),  # 1.0
        seg("customer", 5, 6),
        seg("customer", 6.5, 8),
        seg("agent", 10, 11),  # 2.0 after the last customer segment of the turn
        seg("customer", 12, 13),
        seg("agent", 12.5, 14),  # overlap: 0.0
        seg("customer", 15, 16),
        seg("agent", 20, 21),  # 4.0
        seg("customer", 22, 23),  # nobody answers
    )
    lat = compute_metrics(t)["response_latency"]
    # sorted latencies 0, 1, 2, 4: mean 1.75, median 1.5, p90 = 2 + 0.7 * 2 = 3.4
    assert lat == {"count": 4, "mean": 1.75, "median": 1.5, "p90": 3.4}


def test_metrics_of_an_empty_or_one_sided_call_are_defined_and_serialisable():
    for t in (call(), call(seg("agent", 0, 5, "bonjour"))):
        m = compute_metrics(t)
        json.dumps(m)
        assert m["talk_listen_ratio"] is None
        assert m["response_latency"]["mean"] is None
    assert compute_metrics(call())["longest_agent_monologue"] is None


def timed(*items: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(start=s, end=e, word=w) for w, s, e in items)


def test_a_segment_stretched_over_a_pause_does_not_make_the_agent_talk_over_the_customer():
    # The engine grouped "Yes." and the answer 14 s later into one span; the agent asked in between.
    t = call(
        seg(
            "customer",
            64.18,
            88.37,
            "Yes. A 2018 Tesla.",
            words=timed(("Yes.", 64.18, 64.5), ("A", 78.05, 78.3), ("2018", 78.3, 79.0), ("Tesla.", 87.0, 88.37)),
        ),
        seg(
            "agent",
            66.0,
            73.4,
            "Could I check the make and model?",
            words=timed(("Could", 66.0, 66.3), ("I", 66.3, 66.4), ("check", 66.4, 67.0), ("model?", 72.8, 73.4)),
        ),
    )
    m = compute_metrics(t)
    assert m["overtalk"] == {"count": 0, "total": 0.0}
    assert m["interruptions"]["count"] == 0
    assert m["talk_time"] == {"agent": 1.6, "customer": 2.64, "unknown": 0.0}


def test_silences_are_measured_between_words_even_inside_one_segment():
    t = call(
        seg(
            "agent",
            0.0,
            20.0,
            "Let me look. Right.",
            words=timed(("Let", 0.0, 0.3), ("look.", 0.3, 1.0), ("Right.", 19.0, 20.0)),
        ),
        seg("customer", 20.5, 22.0, "Okay", words=timed(("Okay", 20.5, 22.0))),
    )
    long = compute_metrics(t)["silence"]["long"]
    assert [(x["start"], x["end"], x["possible_unannounced_hold"]) for x in long] == [(1.0, 19.0, True)]


def test_no_silence_is_flagged_while_the_customer_answers_inside_a_long_agent_segment():
    t = call(
        seg(
            "agent",
            0.0,
            30.0,
            "What is your number? Thanks.",
            words=timed(("What", 0.0, 0.2), ("number?", 0.2, 1.0), ("Thanks.", 29.0, 30.0)),
        ),
        *[
            seg("customer", 2.0 + 4 * i, 5.0 + 4 * i, "four four", words=timed(("four", 2.0 + 4 * i, 5.0 + 4 * i)))
            for i in range(7)
        ],
    )
    assert compute_metrics(t)["silence"]["long"] == []


def test_the_agent_cutting_into_the_customers_phrase_is_an_interruption_measured_on_words():
    t = call(
        seg(
            "customer",
            0.0,
            4.0,
            "my box has been down since monday",
            words=timed(("my", 0.0, 0.5), ("box", 0.6, 1.2), ("down", 1.3, 2.4), ("monday", 2.5, 3.0)),
        ),
        seg(
            "agent",
            2.0,
            6.0,
            "yes yes we know that",
            words=timed(("yes", 2.0, 2.6), ("we", 2.6, 3.2), ("know", 3.2, 6.0)),
        ),
    )
    m = compute_metrics(t)
    assert m["interruptions"]["events"] == [{"time": 2.0, "overlap": 0.9, "segment": 1}]
    assert m["overtalk"] == {"count": 1, "total": 0.9}
