"""User accounts."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, redirect, request, url_for
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.choices import ROLE_PERMISSIONS, Permission, Role
from app.db import UTCDateTime, utcnow
from app.extensions import db, login_manager

# scrypt is werkzeug's strongest built-in; the parameters are stored in each hash. The test suite
# sets a cheaper method through PASSWORD_HASH_METHOD so that hundreds of sign-ins stay fast.
DEFAULT_PASSWORD_METHOD = "scrypt"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(5))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember-me cookie: bumping it (sign-out, new password) ends them all.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    # The Agent record (app.teams.models), named rather than imported: auth is the bottom of the access layer.
    agent = relationship("Agent", back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Every session and remember-me cookie issued so far stops working."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_METHOD)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(Role(self.role), frozenset())

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session or remember-me cookie names, if that cookie has not been ended since."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit() and len(user_id) < 10 and len(version) < 10):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


@login_manager.unauthorized_handler
def unauthorized():
    """API clients get a 401 JSON answer; people get the sign-in page."""
    from app.problems import is_v1, problem

    if is_v1():
        return problem(
            401,
            "Unauthorized",
            "Send a token (Authorization: Bearer ...) or sign in.",
            headers={"WWW-Authenticate": 'Bearer realm="ecoute"'},
        )
    if request.path.startswith("/api/"):
        return {"error": "authentication required"}, 401
    return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))
