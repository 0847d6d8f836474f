"""Administration: teams and their agents."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.choices import Permission
from app.auth.permissions import require
from app.extensions import db
from app.teams.forms import AgentForm, TeamForm
from app.teams.models import Team
from app.teams.services import TeamError, create_agent, create_team
from app.ui.forms import show_field_error

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
    except TeamError as exc:
        db.session.rollback()
        show_field_error(team_form, exc)
    try:
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
        show_field_error(agent_form, exc)
    return render_template("teams/teams.html", teams=all_teams, team_form=team_form, agent_form=agent_form)
