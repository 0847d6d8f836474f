"""Teams and the agents in them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User

CHANNEL_LAYOUTS = ("agent,customer", "customer,agent", "mono")


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    # Jargon lexicon domain (telecom, it_service_desk, banking, energy, ecommerce).
    domain: Mapped[str | None] = mapped_column(String(40))
    rubric_key: Mapped[str | None] = mapped_column(String(80))
    channel_layout: Mapped[str] = mapped_column(String(20), default="agent,customer")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agents: Mapped[list[Agent]] = relationship(back_populates="team", order_by="Agent.name")

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class Agent(db.Model):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # The agent's id in the telephony system, used by CSV manifests.
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="agents")
    user: Mapped[User | None] = relationship(back_populates="agent")

    def __repr__(self) -> str:
        return f"<Agent {self.name}>"
