"""Accounts: creating users, checking credentials."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.choices import Role
from app.auth.models import MIN_PASSWORD_LENGTH, User
from app.db import utcnow
from app.teams.models import Agent


class AccountError(ValueError):
    """A user that cannot be created as asked."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def create_user(session: Session, *, email: str, name: str, password: str, role: str,
                agent: Agent | None = None, locale: str | None = None, actor_id: int | None = None) -> User:
    """Create an account; an agent account must be linked to its agent record."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r} (choose from {', '.join(r.value for r in Role)})")
    if "@" not in email:
        raise AccountError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if find_user(session, email):
        raise AccountError(f"a user with e-mail {email} already exists")
    if role == Role.AGENT and agent is None:
        raise AccountError("an agent account must be linked to an agent record")
    if agent is not None and agent.user is not None:
        raise AccountError(f"agent {agent.name} already has an account")
    user = User(email=normalise_email(email), name=name, role=role, agent=agent, locale=locale)
    user.set_password(password)
    session.add(user)
    session.flush()
    record(session, "user.created", target=user, actor_id=actor_id, role=role, email=user.email)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; sign-ins and failures are audited."""
    user = find_user(session, email)
    if user is None or not user.active or not user.check_password(password):
        record(session, "auth.login_failed", target=user, email=normalise_email(email))
        return None
    user.last_login_at = utcnow()
    record(session, "auth.login", target=user, actor_id=user.id)
    return user


def set_locale(session: Session, user: User, locale: str) -> None:
    if user.locale != locale:
        record(session, "user.locale_changed", target=user, actor_id=user.id, old=user.locale, new=locale)
    user.locale = locale
