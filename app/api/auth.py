"""Who calls /api/v1: a bearer token acting as its user, or the web session (whose changes need CSRF).

A token changes nothing about access: it signs its user in for one request, so the role checks of
app.auth.permissions and the ownership checks the pages use apply unchanged; scopes only narrow them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import update

from app.api.models import ApiToken
from app.api.tokens import find_token, hash_token, needs_last_use
from app.auth.choices import Permission
from app.auth.permissions import require
from app.db import utcnow
from app.extensions import csrf, db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def authenticate() -> None:
    """before_request of the v1 blueprints: a bearer token signs its user in; else the session, with CSRF."""
    clear = bearer()
    if clear is None:
        # A signed-in browser's cookie rides along with any cross-site form: its changes need the CSRF token.
        # Without a session there is nobody to act as, and the route answers 401.
        if request.method not in SAFE_METHODS and current_user.is_authenticated:
            csrf.protect()
        return
    token = find_token(db.session, clear)
    if token is None:
        abort(401, description="The token is unknown, revoked or expired.")
    g.api_token = token
    g._login_user = token.user  # Flask-Login's current user for this request only; no session is written
    now = utcnow()
    if needs_last_use(token, now):
        # Bookkeeping on its own connection, like a job's heartbeat: the request's own work is untouched.
        with db.engine.begin() as conn:
            conn.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))


def rate_key() -> str:
    """Limits count per token (per address for session calls); computed before the token is looked up."""
    clear = bearer()
    return "token:" + hash_token(clear)[:32] if clear else "addr:" + get_remote_address()


def allowed(scope: str, *permissions: Permission) -> Callable:
    """The role check of the pages (`require`), then, for a token, the scope it was given."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def scoped(*args, **kwargs):
            token = g.get("api_token")
            if token is not None and scope not in token.scopes:
                abort(403, description=f"This token lacks the {scope} scope.")
            return view(*args, **kwargs)

        return require(*permissions)(scoped)

    return decorator
