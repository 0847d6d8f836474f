"""Rubric versions and evaluations (automatic and reviewed), with per-criterion scores and evidence."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.scoring.choices import EvaluationKind, EvaluationStatus, EvidenceSource

if TYPE_CHECKING:
    from app.auth.models import User
    from app.calls.models import Call


class Rubric(db.Model):
    __tablename__ = "rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    call_type: Mapped[str | None] = mapped_column(String(40))

    versions: Mapped[list[RubricVersion]] = relationship(back_populates="rubric", order_by="RubricVersion.version")


class RubricVersion(db.Model):
    """The exact YAML a score was computed with; never edited, a change is a new version."""

    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"), index=True)
    version: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rubric: Mapped[Rubric] = relationship(back_populates="versions")


class Evaluation(db.Model):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"), index=True)
    # auto: written by the scorer; review: a reviewer's (draft, then final) revision.
    kind: Mapped[str] = mapped_column(String(10), default=EvaluationKind.AUTO)
    status: Mapped[str] = mapped_column(String(10), default=EvaluationStatus.AUTO, index=True)
    revision: Mapped[int] = mapped_column(default=1)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"), index=True)
    total: Mapped[float | None]
    auto_failed: Mapped[bool] = mapped_column(default=False)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revision_reason: Mapped[str | None] = mapped_column(Text)
    strengths: Mapped[str | None] = mapped_column(Text)
    improvements: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship()
    rubric_version: Mapped[RubricVersion] = relationship()
    reviewer: Mapped[User | None] = relationship()
    criteria: Mapped[list[CriterionScore]] = relationship(
        back_populates="evaluation", order_by="CriterionScore.position", cascade="all, delete-orphan"
    )


class CriterionScore(db.Model):
    __tablename__ = "criterion_scores"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "criterion_key"),
        # Covers the team report's aggregates: no table lookup per score row.
        Index("ix_criterion_scores_report", "evaluation_id", "criterion_key", "na", "score", "auto_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    criterion_key: Mapped[str] = mapped_column(String(80))
    score: Mapped[float | None]
    # The scorer's figure, kept beside a reviewer's correction to measure the scorer.
    auto_score: Mapped[float | None]
    weight: Mapped[float]
    confidence: Mapped[float] = mapped_column(default=1.0)
    na: Mapped[bool] = mapped_column(default=False)
    auto_fail: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    # Why the scorer found the criterion N/A, in each interface language ({"fr": ..., "en": ...}); None when it
    # scored it, and for scores stored before migration 0008.
    na_explanations: Mapped[dict | None] = mapped_column(JSON)

    evaluation: Mapped[Evaluation] = relationship(back_populates="criteria")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="criterion_score", order_by="Evidence.start", cascade="all, delete-orphan"
    )

    def na_reason_in(self, language: str) -> str:
        """Why the criterion is N/A, in `language` (empty when it is scored or the scorer gave no reason)."""
        if not self.na:
            return ""
        reasons = self.na_explanations or {}
        return reasons.get(language) or next(iter(reasons.values()), "")


class ExplainedInLanguages:
    """A row with `explanation` (the call's language, or a reviewer's own words) and `explanations` (the scorer's, in
    each interface language, when it wrote them): evidence, and the moments indexed from it."""

    def explanation_in(self, language: str) -> str:
        """The explanation in `language` when the scorer wrote one in it, else as stored."""
        return (self.explanations or {}).get(language) or self.explanation


class Evidence(ExplainedInLanguages, db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_score_id: Mapped[int] = mapped_column(ForeignKey("criterion_scores.id", ondelete="CASCADE"), index=True)
    segment_index: Mapped[int]
    char_start: Mapped[int]
    char_end: Mapped[int]
    start: Mapped[float]
    end: Mapped[float]
    rule: Mapped[str] = mapped_column(String(80))
    sign: Mapped[int]
    explanation: Mapped[str] = mapped_column(Text)
    # The explanation in each interface language ({"fr": ..., "en": ...}); None for a reviewer's own note and for
    # evidence stored before migration 0007, which keep `explanation` (the call's language) only.
    explanations: Mapped[dict | None] = mapped_column(JSON)
    tip: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default=EvidenceSource.AUTO)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    criterion_score: Mapped[CriterionScore] = relationship(back_populates="evidence")
