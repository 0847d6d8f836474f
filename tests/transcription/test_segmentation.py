"""Segments are cut where the words pause, so that no segment spans a silence."""

from __future__ import annotations

from app.transcription.interchange import Segment, Word
from app.transcription.segmentation import split_all, split_at_pauses


def words(*timed: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(start, end, f" {text}", 0.9) for text, start, end in timed)


def test_a_segment_is_cut_where_its_words_pause_for_long():
    seg = Segment(
        "customer",
        64.0,
        88.4,
        "Yes. It is a 2018 model.",
        words(
            ("Yes.", 64.18, 64.5),
            ("It", 78.05, 78.2),
            ("is", 78.2, 78.3),
            ("a", 78.3, 78.4),
            ("2018", 78.4, 79.0),
            ("model.", 79.0, 79.6),
        ),
    )
    pieces = split_at_pauses(seg)
    assert [(p.start, p.end, p.text) for p in pieces] == [(64.18, 64.5, "Yes."), (78.05, 79.6, "It is a 2018 model.")]
    assert all(p.speaker == "customer" for p in pieces)


def test_a_sentence_end_followed_by_a_short_pause_starts_a_new_segment():
    seg = Segment(
        "agent",
        0.0,
        3.0,
        "Okay. Let me check",
        words(
            ("Okay.", 0.0, 0.4),
            ("Let", 1.0, 1.2),
            ("me", 1.2, 1.3),
            ("check", 1.3, 1.8),
        ),
    )
    assert [p.text for p in split_at_pauses(seg)] == ["Okay.", "Let me check"]


def test_words_said_without_a_long_pause_stay_in_one_segment_that_starts_with_its_first_word():
    seg = Segment(
        "agent",
        0.0,
        9.0,
        "so we will call you back",
        words(
            ("so", 0.5, 0.7),
            ("we", 0.7, 0.9),
            ("will", 1.6, 1.8),
            ("call", 1.8, 2.0),
            ("you", 2.0, 2.1),
            ("back", 2.1, 2.4),
        ),
    )
    (piece,) = split_at_pauses(seg)
    assert (piece.start, piece.end, piece.text) == (0.5, 2.4, "so we will call you back")


def test_split_segments_come_back_in_the_order_their_words_were_said():
    agent = Segment(
        "agent",
        0.0,
        20.0,
        "Hello. Anything else?",
        words(("Hello.", 0.0, 0.5), ("Anything", 15.0, 15.5), ("else?", 15.5, 16.0)),
    )
    customer = Segment("customer", 5.0, 6.0, "Hi", words(("Hi", 5.0, 6.0)))
    assert [s.text for s in split_all([agent, customer])] == ["Hello.", "Hi", "Anything else?"]


def test_a_segment_without_words_is_left_as_it_is():
    seg = Segment("agent", 1.0, 30.0, "imported without word times")
    assert split_at_pauses(seg) == [seg]
