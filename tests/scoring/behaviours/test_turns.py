"""Agent turns as the behaviour models read them."""

from __future__ import annotations

from app.scoring.behaviours.turns import MAX_UNIT_WORDS, agent_units, heard
from tests.scoring.conftest import build


def test_each_agent_reply_carries_the_customers_words_just_before_it():
    call = build(
        "en",
        [
            ("agent", "Hello, support, Sam speaking."),
            ("customer", "My internet has been down since Monday."),
            ("customer", "I work from home."),
            ("agent", "Since Monday, and you work from home."),
        ],
    )
    opening, reply = agent_units(call.segments)
    assert opening.context == ""
    assert reply.context == "My internet has been down since Monday. I work from home."
    assert reply.text == "Since Monday, and you work from home."


def test_a_long_monologue_is_read_in_pieces_so_one_reflection_is_not_averaged_away():
    sentence = "Right, so the router needs a firmware update and then a reboot of every device in the house."
    call = build("en", [("customer", "It keeps dropping."), *[("agent", sentence)] * 6])
    units = agent_units(call.segments)
    assert len(units) > 1
    assert all(len(u.text.split()) <= MAX_UNIT_WORDS for u in units)
    assert {u.context for u in units} == {"It keeps dropping."}


def test_the_context_keeps_the_last_two_customer_turns_only():
    call = build(
        "fr",
        [
            ("customer", "Premier tour."),
            ("agent", "D'accord."),
            ("customer", "Deuxième tour."),
            ("agent", "Oui."),
            ("customer", "Troisième tour."),
            ("agent", "Je vois."),
        ],
    )
    assert agent_units(call.segments)[-1].context == "Deuxième tour. Troisième tour."


def test_a_segment_is_judged_unless_the_recogniser_says_it_barely_caught_its_words():
    from app.transcription.interchange import Segment, Word

    def said(*probabilities):
        words = tuple(Word(0.0, 0.1, "okay", p) for p in probabilities)
        return Segment("agent", 0.0, 1.0, "okay " * len(words), words)

    assert heard(said(0.95, 0.9, 0.4))
    assert not heard(said(0.25, 0.12, 0.48, 0.73))
    # Imported transcripts and typed ones carry no word probabilities: they are read as written.
    assert heard(said(None, None)) and heard(Segment("agent", 0.0, 1.0, "Right, I'll book it in."))
