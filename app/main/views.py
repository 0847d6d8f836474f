"""Home: each role lands where its work is."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.auth.choices import Permission
from app.calls.access import visible_calls
from app.calls.models import Call
from app.calls.pages import call_rows
from app.calls.services import with_list_columns
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    """Dashboard: counts by status and the latest calls the user may see."""
    if not (current_user.can(Permission.VIEW_ALL_CALLS) or current_user.can(Permission.VIEW_OWN_CALLS)):
        return redirect(url_for("auth.users"))
    base = visible_calls(current_user).subquery()
    counts = dict(db.session.execute(select(base.c.status, func.count()).group_by(base.c.status)).all())
    latest = (
        db.session.scalars(with_list_columns(visible_calls(current_user)).order_by(Call.created_at.desc()).limit(8))
        .unique()
        .all()
    )
    return render_template("main/index.html", counts=counts, total=sum(counts.values()), rows=call_rows(latest))


@bp.route("/healthz")
def healthz():
    """Liveness for load balancers: the database answers."""
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links: the same icon as the pages use."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
