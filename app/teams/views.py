"""Administration: teams, agents and user accounts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.choices import Permission
from app.auth.models import User
from app.auth.permissions import require
from app.auth.services import AccountError, create_user
from app.calls.context import agent_choices
from app.calls.forms import ActionForm
from app.extensions import db
from app.teams.forms import AgentForm, TeamForm, UserForm
from app.teams.models import Agent, Team
from app.teams.services import TeamError, create_agent, create_team

bp = Blueprint("teams", __name__, url_prefix="/admin")


@bp.route("/teams", methods=["GET", "POST"])
@require(Permission.MANAGE_TEAMS)
def teams():
    """Teams and their agents; forms to add both."""
    team_form, agent_form = TeamForm(prefix="team"), AgentForm(prefix="agent")
    all_teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    agent_form.team_id.choices = [(t.id, t.name) for t in all_teams]
    try:
        if team_form.submit.data and team_form.validate_on_submit():
            create_team(
                db.session,
                name=team_form.name.data,
                language=team_form.language.data,
                domain=team_form.domain.data,
                channel_layout=team_form.channel_layout.data,
            )
            db.session.commit()
            flash(_("Team created."), "success")
            return redirect(url_for("teams.teams"))
        if agent_form.submit.data and agent_form.validate_on_submit():
            team = db.get_or_404(Team, agent_form.team_id.data)
            create_agent(
                db.session, team=team, name=agent_form.name.data, external_ref=agent_form.external_ref.data or None
            )
            db.session.commit()
            flash(_("Agent added."), "success")
            return redirect(url_for("teams.teams"))
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return render_template("teams/teams.html", teams=all_teams, team_form=team_form, agent_form=agent_form)


@bp.route("/users", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def users():
    """User accounts; create one, deactivate one."""
    form = UserForm()
    form.agent_id.choices = [(0, "–")] + agent_choices()
    if form.validate_on_submit():
        agent = db.session.get(Agent, form.agent_id.data) if form.agent_id.data else None
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
            return redirect(url_for("teams.users"))
        except AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    accounts = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template("teams/users.html", users=accounts, form=form, action_form=ActionForm())


@bp.route("/users/<int:user_id>/toggle", methods=["POST"])
@require(Permission.MANAGE_USERS)
def toggle_user(user_id: int):
    """Deactivate or reactivate an account (accounts are never deleted: the audit trail points at them)."""
    user = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        user.active = not user.active
        record(db.session, "user.activated" if user.active else "user.deactivated", target=user)
        db.session.commit()
    return redirect(url_for("teams.users"))
