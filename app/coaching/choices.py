"""Where an agent's dispute of a score stands."""

from __future__ import annotations

from enum import StrEnum


class DisputeStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # the evaluation was revised
    REJECTED = "rejected"
