"""Moments (one per distinct piece of evidence), collections, versioned scenarios, assignments, practices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.roleplay import search
from app.scoring.models import ExplainedInLanguages


class Moment(ExplainedInLanguages, db.Model):
    """A piece of evidence as the trainer sees it: anonymised words only, never the call's own text."""

    __tablename__ = "moments"
    # Evidence is copied across evaluation revisions: the same words on the same criterion are one moment.
    __table_args__ = (UniqueConstraint("call_id", "segment_index", "char_start", "char_end", "criterion_key", "sign"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(80), index=True)
    sign: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    rule: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(5))
    call_type: Mapped[str] = mapped_column(String(20))
    score_band: Mapped[str] = mapped_column(String(10))
    segment_index: Mapped[int]
    char_start: Mapped[int]
    char_end: Mapped[int]
    speaker: Mapped[str] = mapped_column(String(10))
    start: Mapped[float]
    end: Mapped[float]
    # Anonymised: personal data and named entities are placeholders before anything is stored.
    text: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    # The evidence's explanation in each interface language ({"fr": ..., "en": ...}), anonymised like `explanation`;
    # None for a reviewer's own note and for moments indexed before migration 0009, which keep `explanation` (the
    # call's language) only. The full-text index reads `explanation`.
    explanations: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


search.install(Moment.__table__)


class MomentSource(db.Model):
    """An evaluation whose evidence is in the library. Only automatic and final evaluations are indexed:
    they never change (a re-score or a correction is a new evaluation), so each is read once."""

    __tablename__ = "moment_sources"

    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Collection(db.Model):
    __tablename__ = "moment_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[CollectionItem]] = relationship(
        back_populates="collection", order_by="CollectionItem.id", cascade="all, delete-orphan"
    )


class CollectionItem(db.Model):
    __tablename__ = "collection_items"
    __table_args__ = (UniqueConstraint("collection_id", "moment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("moment_collections.id", ondelete="CASCADE"), index=True)
    moment_id: Mapped[int] = mapped_column(ForeignKey("moments.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    collection: Mapped[Collection] = relationship(back_populates="items")
    moment: Mapped[Moment] = relationship()


class Scenario(db.Model):
    """A role-play; its content lives in versions, newest first, and old versions are never changed."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ScenarioVersion]] = relationship(
        back_populates="scenario", order_by="ScenarioVersion.version.desc()", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> ScenarioVersion:
        return self.versions[0]


class ScenarioVersion(db.Model):
    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    rubric_key: Mapped[str] = mapped_column(String(80))
    # The whole content (objective, persona, lines, responses, debrief, excerpts): see roleplay.scenario.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scenario: Mapped[Scenario] = relationship(back_populates="versions")


class RoleplayAssignment(db.Model):
    """A scenario given to one agent or to a whole team."""

    __tablename__ = "roleplay_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Practice(db.Model):
    """An observed rehearsal of one scenario version by one agent, scored on its checklist."""

    __tablename__ = "roleplay_practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticked: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    overall: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    scenario_version: Mapped[ScenarioVersion] = relationship()
