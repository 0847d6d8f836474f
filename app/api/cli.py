"""`flask --app wsgi qa api-token create|revoke|list`: tokens for integrations and service accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import or_, select

from app.api.models import ApiToken
from app.api.tokens import SCOPES, TokenError, create_token, revoke_token
from app.auth.services import find_user
from app.extensions import db

tokens = AppGroup("api-token", help="API tokens: create (shown once), list, revoke.")


def _scopes(values: tuple[str, ...]) -> list[str]:
    return [s.strip() for v in values for s in v.split(",") if s.strip()]


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option(
    "--scopes",
    "scopes",
    multiple=True,
    default=(",".join(SCOPES[:3]),),
    show_default=True,
    help=f"Comma-separated or repeated, among {', '.join(SCOPES)}.",
)
@click.option("--expires-days", type=int, default=None, help="Days until it stops working (default: never).")
def create_command(email: str, name: str, scopes: tuple[str, ...], expires_days: int | None) -> None:
    """Create a token for the account EMAIL and print it (the only time it is shown)."""
    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no account with e-mail {email}")
    try:
        token, clear = create_token(db.session, user, name=name, scopes=_scopes(scopes), expires_days=expires_days)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"token {token.id} ({token.prefix}...) for {user.email}, scopes {' '.join(token.scopes)}", err=True)
    click.echo(clear)


@tokens.command("revoke")
@click.argument("token")
def revoke_command(token: str) -> None:
    """Revoke a token, named by its id or its visible prefix (ecq_...)."""
    condition = ApiToken.prefix == token[:12] if token.startswith("ecq_") else None
    if condition is None and token.isdigit():
        condition = ApiToken.id == int(token)
    rows = db.session.scalars(select(ApiToken).where(or_(condition if condition is not None else False))).all()
    if len(rows) != 1:
        raise click.ClickException(f"no single token matches {token!r}")
    revoke_token(db.session, rows[0], rows[0].user)
    db.session.commit()
    click.echo(f"token {rows[0].id} ({rows[0].prefix}...) revoked")


@tokens.command("list")
@click.argument("email")
def list_command(email: str) -> None:
    """The tokens of an account: prefix, scopes, last use, expiry, state."""
    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no account with e-mail {email}")
    for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)):
        state = "revoked" if t.revoked_at else "active"
        click.echo(
            f"{t.id:>5}  {t.prefix}...  {t.name:<20} {','.join(t.scopes):<40} last used "
            f"{t.last_used_at or '-'}  expires {t.expires_at or '-'}  {state}"
        )


def register(group) -> None:
    group.add_command(tokens)
