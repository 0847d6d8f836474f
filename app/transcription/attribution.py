"""Who is who on a stereo call: the channel mapping, and a heuristic that flags a swapped mapping."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from app.transcription.interchange import Segment
from app.transcription.whisper_failures import normalise

CHANNEL_LAYOUTS = {"agent,customer": ("agent", "customer"), "customer,agent": ("customer", "agent"), "mono": None}

# What an agent says when picking up; strong cues alone identify the agent.
_STRONG = [
    r"thank(s| you) for calling",
    r"how (can|may) i (help|assist)",
    r"what can i do for you",
    r"welcome to \w+",
    r"customer (service|support|care)",
    r"service (client|clientele)",
    r"a l'appareil",
    r"(que|comment|en quoi) (puis-je|est-ce que je peux|je peux) (faire|vous aider|aider)",
    r"vous etes (bien )?(chez|au|a la|sur)",
    r"bienvenue (chez|au|a)",
]
_WEAK = [r"my name is \w+", r"this is \w+", r"speaking", r"je m'appelle \w+", r"je suis \w+ (de|du|chez)"]


class ChannelLayoutError(ValueError):
    """An unknown --channels value, or a stereo layout for a recording that is not stereo."""


def channel_roles(layout: str | None, channels: int) -> tuple[str, ...] | None:
    """Speaker per channel for a layout ("agent,customer" default on stereo), or None to diarize a mono mix."""
    if layout is not None and layout not in CHANNEL_LAYOUTS:
        raise ChannelLayoutError(f"Unknown channel layout {layout!r}: use agent,customer, customer,agent or mono.")
    if layout is None:
        layout = "agent,customer" if channels == 2 else "mono"
    roles = CHANNEL_LAYOUTS[layout]
    if roles is not None and channels != 2:
        raise ChannelLayoutError(f"The recording has {channels} channel(s); {layout} needs a stereo recording.")
    return roles


def is_dual_mono(audio: np.ndarray, *, min_correlation: float = 0.98) -> bool:
    """True when a stereo recording carries the same signal on both channels (a mono mix saved as stereo)."""
    if audio.ndim != 2 or audio.shape[0] != 2 or audio.shape[1] == 0:
        return False
    left, right = audio[0, ::8].astype(np.float64), audio[1, ::8].astype(np.float64)  # a subsample is plenty
    if not left.std() or not right.std():
        return bool(np.array_equal(left, right)) and bool(left.any())
    return float(np.corrcoef(left, right)[0, 1]) >= min_correlation


def greeting_score(text: str) -> int:
    """2 per strong pick-up phrase, 1 per weak identification phrase."""
    norm = normalise(text)
    return 2 * sum(bool(re.search(p, norm)) for p in _STRONG) + sum(bool(re.search(p, norm)) for p in _WEAK)


def first_turn_text(segments: Sequence[Segment], speaker: str, *, seconds: float = 20.0) -> str:
    """What a speaker says in their first `seconds` of speech."""
    own = [s for s in segments if s.speaker == speaker]
    if not own:
        return ""
    limit = own[0].start + seconds
    return " ".join(s.text for s in own if s.start < limit)


def suspect_swap(segments: Sequence[Segment]) -> bool:
    """True when the 'customer' opens like an agent (greeting, company, offer to help) and the 'agent' does not."""
    customer = greeting_score(first_turn_text(segments, "customer"))
    agent = greeting_score(first_turn_text(segments, "agent"))
    return customer >= 2 and agent < 2 and customer > agent
