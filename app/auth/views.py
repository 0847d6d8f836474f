"""Sign in, sign out, password change, interface language; user administration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.audit.services import record
from app.auth.agents import agent_choices, find_agent
from app.auth.choices import Permission
from app.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, UserForm
from app.auth.models import User
from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.auth.permissions import require
from app.auth.services import (
    AccountError,
    authenticate,
    change_password,
    create_user,
    end_sessions,
    normalise_email,
    set_locale,
)
from app.extensions import db, limiter
from app.ui.forms import ActionForm, show_field_error

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


def _login_failed(response) -> bool:
    # Count only failed sign-ins against the rate limit: a failed POST re-renders the form (200).
    return request.method == "POST" and response.status_code == 200


def _account_key() -> str:
    """Failed sign-ins are counted per account too, so rotating addresses gives no more guesses."""
    return "account:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
    key_func=_account_key,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_IP_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
    key_func=get_remote_address,
    scope="login-ip",
)
def login():
    """Sign-in form."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF token): this session and every remember-me cookie of the account end."""
    end_sessions(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; other sessions end, this one continues under a new cookie."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(db.session, user, form.current.data, form.new.data)
        except AccountError as exc:
            db.session.commit()  # the refusal stays audited
            form.new.errors = [*form.new.errors, str(exc)]
        else:
            db.session.commit()
            remember = (
                "_remember" in session
                or request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")) is not None
            )
            session.clear()
            login_user(user, remember=remember)
            flash(_("Your password was changed; you were signed out everywhere else."), "success")
            return redirect(url_for("main.index"))
    return render_template(
        "auth/password.html", form=form, min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH
    )


@bp.route("/language", methods=["POST"])
def language():
    """Switch the interface language; saved on the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            set_locale(db.session, current_user, form.locale.data)
            db.session.commit()
    return redirect(_safe_next(form.next.data))


@bp.route("/admin/users", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def users():
    """User accounts; create one, deactivate one."""
    form = UserForm()
    form.agent_id.choices = [(0, "–")] + agent_choices()
    if form.validate_on_submit():
        agent = find_agent(form.agent_id.data) if form.agent_id.data else None
        try:
            create_user(
                db.session,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=form.role.data,
                agent=agent,
            )
            db.session.commit()
            flash(_("User created."), "success")
            return redirect(url_for("auth.users"))
        except AccountError as exc:
            db.session.rollback()
            show_field_error(form, exc, {"agent": "agent_id"})
    accounts = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template("auth/users.html", users=accounts, form=form, action_form=ActionForm())


@bp.route("/admin/users/<int:user_id>/toggle", methods=["POST"])
@require(Permission.MANAGE_USERS)
def toggle_user(user_id: int):
    """Deactivate or reactivate an account (accounts are never deleted: the audit trail points at them)."""
    user = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        user.active = not user.active
        record(db.session, "user.activated" if user.active else "user.deactivated", target=user)
        db.session.commit()
    return redirect(url_for("auth.users"))
