"""Sampling plans and the review queue they fill; action items; calibration sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.review.choices import AssignmentStatus, Period
from app.scoring.choices import EvaluationKind
from app.scoring.models import Evaluation

if TYPE_CHECKING:
    from app.scoring.models import RubricVersion


# One review per call and revision number: two reviewers finalising at once cannot both write revision 1.
# Partial, because a call keeps one automatic evaluation per rubric version, all of them revision 1.
Index(
    "uq_evaluations_review_revision",
    Evaluation.call_id,
    Evaluation.kind,
    Evaluation.revision,
    unique=True,
    sqlite_where=Evaluation.kind == EvaluationKind.REVIEW,
    postgresql_where=Evaluation.kind == EvaluationKind.REVIEW,
)


class EvidenceVerdict(db.Model):
    """A reviewer's confirmation or rejection of one automatic evidence item in a review.

    Also a labelled example for the behaviour models: the turn, the rule, its direction and the
    reviewer's answer are copied here so the label outlives re-scoring. Rows carried into a later
    revision say so (`carried`), so each decision counts once.
    """

    __tablename__ = "evidence_verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), unique=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(80))
    segment_index: Mapped[int]
    char_start: Mapped[int]
    char_end: Mapped[int]
    rule: Mapped[str] = mapped_column(String(80))
    sign: Mapped[int]
    # a Verdict
    verdict: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    carried: Mapped[bool] = mapped_column(default=False)


class SamplingPlan(db.Model):
    __tablename__ = "sampling_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    calls_per_agent: Mapped[int] = mapped_column(default=2)
    period: Mapped[str] = mapped_column(String(10), default=Period.WEEK)
    # Optional strata, e.g. {"lowest_scores": 0.25, "flagged": 0.25}; a criterion for targeted draws.
    strata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    min_duration: Mapped[float] = mapped_column(default=60.0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewAssignment(db.Model):
    __tablename__ = "review_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_plans.id"))
    # The seed of the draw that picked this call, so the draw can be reproduced.
    seed: Mapped[int | None]
    stratum: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=AssignmentStatus.OPEN, index=True)
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionItem(db.Model):
    """Something the agent agreed to work on, written by the reviewer on an evaluation."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(default=False)


class CalibrationSession(db.Model):
    """Several reviewers score one call blind; scores are shown side by side once revealed."""

    __tablename__ = "calibration_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"))
    # The automatic scores when the session opened ({criterion: score or None}): re-scoring the call
    # replaces its automatic evaluation, the comparison must not move.
    auto_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rubric_version: Mapped[RubricVersion] = relationship()
    participants: Mapped[list[CalibrationParticipant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CalibrationParticipant.id"
    )
    scores: Mapped[list[CalibrationScore]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CalibrationScore.id"
    )


class CalibrationParticipant(db.Model):
    __tablename__ = "calibration_participants"
    __table_args__ = (UniqueConstraint("session_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_sessions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[CalibrationSession] = relationship(back_populates="participants")


class CalibrationScore(db.Model):
    __tablename__ = "calibration_scores"
    __table_args__ = (UniqueConstraint("session_id", "reviewer_id", "criterion_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_sessions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(80))
    # None with na=True: the reviewer judged the criterion not applicable.
    score: Mapped[float | None]
    na: Mapped[bool] = mapped_column(default=False)

    session: Mapped[CalibrationSession] = relationship(back_populates="scores")
