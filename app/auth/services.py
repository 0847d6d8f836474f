"""Accounts: creating users, checking credentials."""

from __future__ import annotations

from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.choices import Role
from app.auth.models import User
from app.auth.passwords import password_problem
from app.db import utcnow
from app.ui.forms import FieldError


class AccountError(FieldError):
    """A user that cannot be created as asked; `field` is email, role, password or agent."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


class AgentRecord(Protocol):
    """The agent record an agent account is linked to (app.teams.models.Agent), as account creation reads it."""

    @property
    def name(self) -> str: ...

    @property
    def user(self) -> User | None: ...


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    agent: AgentRecord | None = None,
    locale: str | None = None,
    actor_id: int | None = None,
) -> User:
    """Create an account; an agent account must be linked to its agent record."""
    if role not in {r.value for r in Role}:
        roles = ", ".join(r.value for r in Role)
        raise AccountError(_l("Unknown role %(role)s (choose from %(roles)s).", role=role, roles=roles), "role")
    if "@" not in email:
        raise AccountError(_l("%(email)s is not an e-mail address.", email=email), "email")
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        raise AccountError(problem, "password")
    if find_user(session, email):
        raise AccountError(_l("A user with the e-mail %(email)s already exists.", email=email), "email")
    if role == Role.AGENT and agent is None:
        raise AccountError(_l("An agent account must be linked to an agent record."), "agent")
    if agent is not None and agent.user is not None:
        raise AccountError(_l("Agent %(name)s already has an account.", name=agent.name), "agent")
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


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """A new password, checked against the policy; every other session and remember-me cookie ends."""
    if not user.check_password(current):
        record(session, "user.password_change_refused", target=user, actor_id=user.id)
        raise AccountError(str(_l("The current password is wrong.")))
    problem = password_problem(new, email=user.email, name=user.name)
    if problem is not None:
        raise AccountError(str(problem))
    user.set_password(new)
    user.end_sessions()
    record(session, "user.password_changed", target=user, actor_id=user.id)


def end_sessions(session: Session, user: User) -> None:
    """Sign out everywhere: the cookies issued to this user so far stop working."""
    user.end_sessions()
    record(session, "auth.logout", target=user, actor_id=user.id)


def set_locale(session: Session, user: User, locale: str) -> None:
    if user.locale != locale:
        record(session, "user.locale_changed", target=user, actor_id=user.id, old=user.locale, new=locale)
    user.locale = locale
