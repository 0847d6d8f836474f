"""Who wrote an evaluation, where it stands, and where its evidence came from."""

from __future__ import annotations

from enum import StrEnum


class EvaluationKind(StrEnum):
    AUTO = "auto"  # written by the scorer
    REVIEW = "review"  # a reviewer's revision: a draft, then final


class EvaluationStatus(StrEnum):
    AUTO = "auto"
    DRAFT = "draft"
    FINAL = "final"  # immutable (app/review/guards.py)


class EvidenceSource(StrEnum):
    AUTO = "auto"  # found by a detector
    REVIEWER = "reviewer"  # added by hand on the review screen
