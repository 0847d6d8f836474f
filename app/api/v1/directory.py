"""/api/v1/agents, /teams and /rubrics: the names and rubric versions that calls and scores refer to."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api.auth import allowed
from app.api.v1 import schemas
from app.api.v1.pagination import paginate
from app.auth.choices import Permission
from app.extensions import db
from app.scoring.models import Rubric, RubricVersion
from app.teams.models import Agent, Team

blp = Blueprint("v1_directory", __name__, url_prefix="/api/v1", description="Agents, teams and rubrics")
READERS = (Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)


def _own_agent_only(query, column):
    """Who sees every call sees every agent and team; an agent only their own record and team."""
    if current_user.can(Permission.VIEW_ALL_CALLS):
        return query
    agent = db.session.get(Agent, current_user.agent_id) if current_user.agent_id else None
    return query.where(column == (agent.id if column is Agent.id else agent.team_id)) if agent else query.where(False)


@blp.route("/agents")
@allowed("calls:read", *READERS)
@blp.arguments(schemas.PageArgs, location="query")
@blp.response(200, schemas.AgentPage)
def agents(args: dict):
    """Agents with their telephony id and team (the ids calls and evaluations use)."""
    query = _own_agent_only(select(Agent).options(joinedload(Agent.team)), Agent.id)
    items, cursor = paginate(query, Agent.id, args)
    return {
        "items": [
            {
                "id": a.id,
                "name": a.name,
                "telephony_id": a.external_ref,
                "active": a.active,
                "team": {"id": a.team_id, "name": a.team.name},
            }
            for a in items
        ],
        "next_cursor": cursor,
    }


@blp.route("/teams")
@allowed("calls:read", *READERS)
@blp.arguments(schemas.PageArgs, location="query")
@blp.response(200, schemas.TeamPage)
def teams(args: dict):
    """Teams with their language and rubric."""
    items, cursor = paginate(_own_agent_only(select(Team), Team.id), Team.id, args)
    return {
        "items": [{"id": t.id, "name": t.name, "language": t.language, "rubric": t.rubric_key} for t in items],
        "next_cursor": cursor,
    }


@blp.route("/rubrics/<rubric_key>/versions/<int:version>")
@allowed("evaluations:read", Permission.VIEW_RUBRICS)
@blp.response(200, schemas.RubricVersionOut)
def rubric_version(rubric_key: str, version: int):
    """One version of a rubric, exactly as scores recorded it (the key is the rubric's id, e.g. hotline_fr)."""
    row = db.session.scalars(
        select(RubricVersion).join(Rubric).where(Rubric.key == rubric_key, RubricVersion.version == version)
    ).first()
    if row is None:
        abort(404)
    return {
        "key": row.rubric.key,
        "title": row.rubric.title,
        "language": row.rubric.language,
        "version": row.version,
        "sha256": row.sha256,
        "created_at": row.created_at,
        "source": row.source,
    }
