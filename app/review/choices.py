"""States of the review queue, a reviewer's verdict on automatic evidence, and sampling periods."""

from __future__ import annotations

from enum import StrEnum


class AssignmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"  # finalised: the assignment points at the final review
    SKIPPED = "skipped"


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    REJECTED = "rejected"  # the evidence stays off the coaching sheet


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
