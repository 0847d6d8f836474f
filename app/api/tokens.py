"""API tokens: issued once, stored as a sha256, acting with their user's role and ownership."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.models import ApiToken
from app.audit.services import record
from app.auth.models import User
from app.db import utcnow

SCOPES = ("calls:read", "calls:ingest", "evaluations:read", "webhooks")
SCOPE_LABELS = {
    "calls:read": _l("Read calls and transcripts"),
    "calls:ingest": _l("Send calls in"),
    "evaluations:read": _l("Read evaluations and coaching sheets"),
    "webhooks": _l("Manage webhooks"),
}
TOKEN_PREFIX = "ecq_"
MAX_EXPIRY_DAYS = 3650
# A used token's last-use time is written at most this often: a busy integration is not one write per request.
LAST_USE_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be issued or revoked as asked."""


def hash_token(token: str) -> str:
    """32 random bytes need no slow hash: sha256 is enough, and fast on every request."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    user: User,
    *,
    name: str,
    scopes: Iterable[str],
    expires_days: int | None = None,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`; the clear token is returned here once and never stored."""
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise TokenError(str(_l("Choose scopes among: %(scopes)s.", scopes=", ".join(SCOPES))))
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise TokenError(str(_l("A token expires after 1 to %(days)d days.", days=MAX_EXPIRY_DAYS)))
    if not user.active:
        raise TokenError(str(_l("This account is deactivated.")))
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "").strip()[:120] or "token",
        prefix=clear[:12],
        token_hash=hash_token(clear),
        scopes=scopes,
        created_by_id=(created_by or user).id,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    record(session, "api_token.created", target=token, actor_id=(created_by or user).id, user=user.id, scopes=scopes)
    return token, clear


def revoke_token(session: Session, token: ApiToken, by: User) -> None:
    """The token stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, "api_token.revoked", target=token, actor_id=by.id, user=token.user_id)


def find_token(session: Session, clear: str) -> ApiToken | None:
    """The usable token with this value, or None (unknown, revoked, expired, or its user deactivated)."""
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 200:
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(clear))).first()
    return token if token is not None and token.usable(utcnow()) else None


def needs_last_use(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The tokens this user manages: their own; every account's for an administrator (service accounts)."""
    from app.auth.choices import Permission

    query = select(ApiToken).order_by(ApiToken.id.desc())
    if not user.can(Permission.MANAGE_USERS):
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def manageable_token(session: Session, token_id: int, by: User) -> ApiToken | None:
    """A token `by` may revoke: their own, or any token for an administrator."""
    from app.auth.choices import Permission

    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != by.id and not by.can(Permission.MANAGE_USERS)):
        return None
    return token
