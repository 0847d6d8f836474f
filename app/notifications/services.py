"""Notifications: created with the change that causes them, e-mailed once the change is committed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import has_app_context, has_request_context, request
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import utcnow
from app.notifications.mail import mail_enabled, send_mail
from app.notifications.models import Notification, NotificationKind

_PENDING_MAIL = "ecoute_pending_mail"


def notification_text(kind: str, params: dict[str, Any]) -> str:
    """The message in the current language, built when it is shown."""
    if kind == NotificationKind.NEW_SHEET:
        when = format_date(date.fromisoformat(params["call_date"])) if params.get("call_date") else "–"
        if params.get("revision"):
            return _(
                "Your revised coaching sheet (revision %(n)s) for the call of %(date)s is ready.",
                n=params["revision"],
                date=when,
            )
        return _("Your coaching sheet for the call of %(date)s is ready.", date=when)
    if kind == NotificationKind.DISPUTE_ANSWERED:
        from app.scoring.pages import criterion_title

        title = criterion_title(params.get("criterion", ""))
        if params.get("status") == "accepted":  # the stored value of coaching's DisputeStatus.ACCEPTED
            return _("Your dispute on %(criterion)s was accepted: the evaluation was revised.", criterion=title)
        return _("Your dispute on %(criterion)s was rejected.", criterion=title)
    if kind == NotificationKind.ROLEPLAY_ASSIGNED:
        return _("Role-play to rehearse: %(title)s.", title=params.get("title") or "–")
    return _("Something changed on one of your pages.")


def notify(session: Session, user: User, kind: str, url: str, **params: Any) -> Notification:
    """Add a notification for the user (once per kind and page) and queue its e-mail until commit."""
    same_page = session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind, Notification.url == url)
    )
    for existing in same_page:
        if existing.params == params:
            return existing
    notification = Notification(user_id=user.id, kind=kind, url=url, params=params)
    session.add(notification)
    if has_app_context() and mail_enabled():
        with force_locale(user.locale or "en"):
            text = notification_text(kind, params)
            subject = _("Écoute: %(text)s", text=text)
        link = request.host_url.rstrip("/") + url if has_request_context() else url
        session.info.setdefault(_PENDING_MAIL, []).append((user.email, subject, f"{text}\n\n{link}\n"))
    return notification


def notify_roleplay_assigned(
    session: Session, *, url: str, title: str, agent_id: int | None = None, team_id: int | None = None
) -> list[Notification]:
    """Tell each agent given a role-play (alone, or through their team) that it waits for them at `url`."""
    given = User.agent_id == agent_id if agent_id else User.agent.has(team_id=team_id)
    users = session.scalars(select(User).where(given, User.active.is_(True), User.agent_id.is_not(None)))
    return [notify(session, user, NotificationKind.ROLEPLAY_ASSIGNED, url, title=title) for user in users]


def unread_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def user_notifications(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of the user as read; returns how many changed."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return session.execute(query.values(read_at=utcnow())).rowcount


def read_on_opening(session: Session, user_id: int, path: str) -> int:
    """Mark read the user's unread notifications that point at `path`, the page they just opened: an agent who opens
    the sheet from their coaching list has seen what the notification announced. Returns how many changed."""
    unread = (Notification.user_id == user_id, Notification.read_at.is_(None), Notification.url == path)
    if session.scalar(select(Notification.id).where(*unread).limit(1)) is None:  # the usual case: a read, no write
        return 0
    return session.execute(update(Notification).where(*unread).values(read_at=utcnow())).rowcount


@event.listens_for(Session, "after_commit")
def _send_pending_mail(session: Session) -> None:
    for to, subject, body in session.info.pop(_PENDING_MAIL, []):
        send_mail(to, subject, body)


@event.listens_for(Session, "after_rollback")
def _drop_pending_mail(session: Session) -> None:
    session.info.pop(_PENDING_MAIL, None)
