from __future__ import annotations

import numpy as np
import pytest

from app.transcription.attribution import (
    ChannelLayoutError,
    channel_roles,
    greeting_score,
    is_dual_mono,
    suspect_swap,
)
from app.transcription.interchange import Segment


def call(agent_first: str, customer_first: str) -> list[Segment]:
    return [Segment("customer", 0.2, 2.0, customer_first), Segment("agent", 2.5, 5.0, agent_first)]


def test_stereo_defaults_to_agent_on_the_left() -> None:
    assert channel_roles(None, 2) == ("agent", "customer")
    assert channel_roles("customer,agent", 2) == ("customer", "agent")


def test_mono_recordings_are_diarized() -> None:
    assert channel_roles(None, 1) is None
    assert channel_roles("mono", 2) is None


def test_a_stereo_layout_on_a_mono_recording_is_refused() -> None:
    with pytest.raises(ChannelLayoutError, match="1 channel"):
        channel_roles("agent,customer", 1)


def test_an_unknown_layout_is_refused() -> None:
    with pytest.raises(ChannelLayoutError, match="Unknown channel layout"):
        channel_roles("left,right", 2)


def test_greetings_are_recognised_in_french_and_english() -> None:
    assert greeting_score("Bonjour, service client, Julie à l'appareil") >= 2
    assert greeting_score("Hello, thank you for calling, this is Julie") >= 2
    assert greeting_score("Oui bonjour, ma box ne marche plus") == 0


def test_a_customer_channel_that_greets_like_an_agent_flags_a_swap() -> None:
    assert suspect_swap(call("Oui bonjour, ma box ne marche plus.", "Bonjour, service client, Julie à l'appareil."))


def test_a_correctly_mapped_call_is_not_flagged() -> None:
    assert not suspect_swap(call("Thank you for calling, how can I help?", "Hi, my name is Paul, my car broke down."))


def test_a_customer_giving_their_name_alone_does_not_flag_a_swap() -> None:
    assert not suspect_swap(call("Yes?", "Hi, my name is Paul."))


def test_a_mono_mix_saved_as_stereo_is_recognised() -> None:
    rng = np.random.default_rng(1)
    voice = rng.normal(0, 0.1, 16000).astype(np.float32)
    assert is_dual_mono(np.stack([voice, voice * 0.9]))
    assert not is_dual_mono(np.stack([voice, rng.normal(0, 0.1, 16000).astype(np.float32)]))
    assert not is_dual_mono(np.zeros((2, 100), dtype=np.float32))
