"""Timing detectors (hold etiquette, talking over, monologue, talk ratio) read word times, not segment spans."""

from __future__ import annotations

from app.scoring.engine import score_transcript
from app.scoring.rubrics import bundled_rubrics
from app.transcription.interchange import transcript_from_dict
from tests.scoring.conftest import criterion


def line(speaker: str, *words: tuple[str, float, float], start: float | None = None, end: float | None = None):
    """A segment from timed words; start/end override its span (an engine that stretched it)."""
    return {
        "speaker": speaker,
        "start": words[0][1] if start is None else start,
        "end": words[-1][2] if end is None else end,
        "text": " ".join(w for w, _, _ in words),
        "words": [{"word": w, "start": s, "end": e} for w, s, e in words],
    }


def score(*segments: dict):
    transcript = transcript_from_dict({"language": "en", "segments": list(segments)})
    return score_transcript(transcript, bundled_rubrics()["hotline_en"])


def rules(result, criterion_id: str) -> list[str]:
    return [e.rule for e in criterion(result, criterion_id).evidence]


GREETING = line(
    "agent",
    ("Hello,", 0.0, 0.4),
    ("Northwind", 0.4, 1.0),
    ("support,", 1.0, 1.5),
    ("Sam", 1.5, 1.8),
    ("speaking.", 1.8, 2.3),
)


def test_a_customer_answering_while_an_agent_segment_stretches_over_it_is_not_dead_air():
    question = line(
        "agent",
        ("What", 3.0, 3.2),
        ("car", 3.2, 3.6),
        ("is", 3.6, 3.7),
        ("it?", 3.7, 4.0),
        ("Thanks.", 24.0, 24.5),
        start=3.0,
        end=24.5,
    )
    answer = [line("customer", ("a", 5.0 + 3 * i, 5.5 + 3 * i), ("Tesla", 5.5 + 3 * i, 7.0 + 3 * i)) for i in range(6)]
    result = score(GREETING, question, *answer)
    assert "dead_air" not in rules(result, "hold_etiquette")


def test_a_silence_between_the_words_of_one_segment_is_dead_air():
    checking = line(
        "agent",
        ("Let", 3.0, 3.2),
        ("me", 3.2, 3.3),
        ("look.", 3.3, 3.8),
        ("Right,", 20.0, 20.4),
        ("found", 20.4, 20.8),
        ("it.", 20.8, 21.0),
    )
    result = score(GREETING, line("customer", ("My", 2.4, 2.6), ("bill.", 2.6, 2.9)), checking)
    assert "dead_air" in rules(result, "hold_etiquette")
    (evidence,) = [e for e in criterion(result, "hold_etiquette").evidence if e.rule == "dead_air"]
    assert "16-second silence" in evidence.explanation


def test_segments_that_overlap_only_in_their_spans_are_not_talking_over_the_customer():
    customer = line(
        "customer", ("My", 3.0, 3.3), ("order", 3.3, 3.8), ("is", 3.8, 4.0), ("late.", 4.0, 4.5), start=3.0, end=12.0
    )
    agent = line(
        "agent",
        ("I", 6.0, 6.2),
        ("am", 6.2, 6.4),
        ("sorry", 6.4, 7.0),
        ("about", 7.0, 7.4),
        ("that,", 7.4, 7.8),
        ("I", 7.8, 8.0),
        ("will", 8.0, 8.2),
        ("check.", 8.2, 9.0),
    )
    result = score(GREETING, customer, agent)
    assert "talked_over" not in rules(result, "active_listening")


def test_cutting_into_the_customers_words_is_talking_over_them():
    customer = line(
        "customer",
        ("My", 3.0, 3.3),
        ("order", 3.3, 3.8),
        ("has", 3.8, 4.0),
        ("been", 4.0, 4.3),
        ("out", 4.3, 4.6),
        ("for", 4.6, 4.8),
        ("delivery", 4.8, 5.6),
        ("for", 5.6, 5.8),
        ("days", 5.8, 6.4),
    )
    said = "Yeah you need to wait for the courier, there is nothing else we can do about it today."
    agent = line("agent", *((w, 4.4 + 0.3 * i, 4.7 + 0.3 * i) for i, w in enumerate(said.split())))
    result = score(GREETING, customer, agent)
    assert "talked_over" in rules(result, "active_listening")


def _talking(start: float, seconds: int) -> list[dict]:
    """The agent talking without a break from `start` for `seconds`, one ten-second segment at a time."""
    return [
        line("agent", *[(f"word{n}", t + n, t + n + 0.8) for n in range(10)])
        for t in (start + 10 * k for k in range(seconds // 10))
    ]


def _monologues(*segments: dict) -> list[str]:
    customer = line("customer", ("So", 0.0, 0.3), ("what", 0.3, 0.6), ("now?", 0.6, 1.0))
    return [
        e.explanation
        for e in criterion(score(customer, *segments), "active_listening").evidence
        if e.rule == "monologue"
    ]


def test_seventy_seconds_of_talk_without_a_break_is_a_monologue():
    assert _monologues(*_talking(2.0, 70)) == ["70-second monologue without letting the customer in."]


def test_a_long_silence_inside_the_agents_turn_gave_the_customer_the_floor():
    # 40 s of talk, 9 s of silence while the agent looks something up, 40 s of talk: one turn, no monologue.
    assert _monologues(*_talking(2.0, 40), *_talking(51.0, 40)) == []
    # With a breath between the two stretches, it is one monologue, first word (2.0 s) to last (82.8 s).
    assert _monologues(*_talking(2.0, 40), *_talking(43.0, 40)) == [
        "81-second monologue without letting the customer in."
    ]
