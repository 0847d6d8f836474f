"""Calls and the recordings behind them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calls.choices import CallStatus, Direction
from app.db import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User
    from app.jobs.models import Job
    from app.teams.models import Agent, Team


class Recording(db.Model):
    """An immutable, content-addressed audio file; its path derives from its sha256 alone."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    format: Mapped[str] = mapped_column(String(40))
    codec: Mapped[str] = mapped_column(String(40))
    duration: Mapped[float]
    channels: Mapped[int]
    sample_rate: Mapped[int]
    extension: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def relative_path(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}.{self.extension}"


class Call(db.Model):
    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("team_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    call_date: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    direction: Mapped[str] = mapped_column(String(10), default=Direction.INBOUND)
    external_id: Mapped[str | None] = mapped_column(String(120))
    # Shown to people only; never used to build a path.
    original_filename: Mapped[str] = mapped_column(String(255))
    # None: the team's default layout applies.
    channel_layout: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), default=CallStatus.UPLOADED, index=True)
    swap_suspected: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    recording: Mapped[Recording] = relationship()
    agent: Mapped[Agent] = relationship()
    team: Mapped[Team] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
    # The Transcript (app.transcription.models), named rather than imported: a later stage's model.
    transcript = relationship("Transcript", back_populates="call", uselist=False)
    jobs: Mapped[list[Job]] = relationship(back_populates="call", order_by="Job.id")

    @property
    def effective_channel_layout(self) -> str:
        if self.channel_layout:
            return self.channel_layout
        return self.team.channel_layout if self.recording.channels >= 2 else "mono"
