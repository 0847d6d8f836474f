"""In-app notifications: a new coaching sheet, a dispute answered, a role-play assigned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class NotificationKind:
    NEW_SHEET = "new_sheet"
    DISPUTE_ANSWERED = "dispute_answered"
    ROLEPLAY_ASSIGNED = "roleplay_assigned"


class Notification(db.Model):
    """One message for one user; the text is built from `kind` and `params` in the reader's language."""

    __tablename__ = "notifications"
    # The bell counts unread notifications of the signed-in user on every page.
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
