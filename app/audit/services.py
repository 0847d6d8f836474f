"""Recording audit events."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent


def record(
    session: Session, action: str, *, target: Any = None, actor_id: int | None = None, **details: Any
) -> AuditEvent:
    """Add an audit event; the actor defaults to the signed-in user."""
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    session.add(event)
    return event
