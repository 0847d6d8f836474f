"""Teams and agents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.agents import provide_agents
from app.extensions import db
from app.teams.models import Agent, Team
from app.ui.forms import FieldError


class TeamError(FieldError):
    """A team or agent that cannot be created as asked; `field` is name or external_ref."""


def create_team(
    session: Session, *, name: str, language: str, domain: str | None = None, channel_layout: str = "agent,customer"
) -> Team:
    """Create a team; names are unique."""
    if session.scalars(select(Team).where(Team.name == name)).first():
        raise TeamError(_l("A team named %(name)s already exists.", name=name), "name")
    team = Team(name=name, language=language, domain=domain, channel_layout=channel_layout)
    session.add(team)
    session.flush()
    record(session, "team.created", target=team, name=name)
    return team


def create_agent(session: Session, *, team: Team, name: str, external_ref: str | None = None) -> Agent:
    """Add an agent to a team; a telephony id is unique across teams."""
    if external_ref and session.scalars(select(Agent).where(Agent.external_ref == external_ref)).first():
        raise TeamError(_l("An agent with the telephony id %(ref)s already exists.", ref=external_ref), "external_ref")
    agent = Agent(team=team, name=name, external_ref=external_ref or None)
    session.add(agent)
    session.flush()
    record(session, "agent.created", target=agent, name=name, team=team.name)
    return agent


def find_agent(session: Session, ref: str) -> Agent | None:
    """An agent by telephony id, else by exact name."""
    ref = ref.strip()
    return (
        session.scalars(select(Agent).where(Agent.external_ref == ref)).first()
        or session.scalars(select(Agent).where(Agent.name == ref)).first()
    )


def agent_choices() -> list[tuple[int, str]]:
    """Active agents as "Name (Team)", by team then name: the choices of every agent field."""
    rows = db.session.execute(
        select(Agent.id, Agent.name, Team.name).join(Team).where(Agent.active).order_by(Team.name, Agent.name)
    ).all()
    return [(agent_id, f"{name} ({team})") for agent_id, name, team in rows]


provide_agents(agent_choices, lambda agent_id: db.session.get(Agent, agent_id))
