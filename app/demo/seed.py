"""Demo data: a French and an English team, agents, one login per role, a sampling plan per team, and three
synthesised calls dated in the days before the seed, so this week's draw and the team view find them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.services import create_user, find_user
from app.calls.models import Call
from app.calls.services import CallMeta, ingest
from app.review.assignments import create_plan
from app.review.choices import Period
from app.review.models import SamplingPlan
from app.teams.models import Agent, Team
from app.teams.services import create_agent, create_team, find_agent

CALLS_DIR = Path(__file__).parent / "calls"
# Demo-only passwords, printed by `flask qa seed-demo`; never used outside a demo database.
DEMO_PASSWORD = "ecoute-demo-2026"
TEAMS = [
    (
        "Hotline Fibre (FR)",
        "fr",
        "telecom",
        [("Julie Martin", "FR-101"), ("Karim Benali", "FR-102"), ("Sophie Leroy", "FR-103")],
    ),
    ("Service Desk (EN)", "en", "it_service_desk", [("Sam Carter", "EN-201"), ("Priya Shah", "EN-202")]),
]
LOGINS = [
    ("admin", "admin@ecoute.demo", "Alex Admin", None),
    ("qa_manager", "qa@ecoute.demo", "Camille QA", None),
    ("trainer", "trainer@ecoute.demo", "Tom Trainer", None),
    ("agent", "julie@ecoute.demo", "Julie Martin", "FR-101"),
    ("agent", "sam@ecoute.demo", "Sam Carter", "EN-201"),
]


def _team(session: Session, name: str, language: str, domain: str) -> Team:
    team = session.scalars(select(Team).where(Team.name == name)).first()
    return team or create_team(session, name=name, language=language, domain=domain)


def seed_people(session: Session) -> list[tuple[str, str, str]]:
    """Teams, agents and accounts; returns (role, e-mail, password) for each demo login."""
    for name, language, domain, agents in TEAMS:
        team = _team(session, name, language, domain)
        for agent_name, ref in agents:
            if session.scalars(select(Agent).where(Agent.external_ref == ref)).first() is None:
                create_agent(session, team=team, name=agent_name, external_ref=ref)
    for role, email, name, agent_ref in LOGINS:
        if find_user(session, email) is None:
            agent = find_agent(session, agent_ref) if agent_ref else None
            create_user(
                session,
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                role=role,
                agent=agent,
                locale="fr" if agent is not None and agent.team.language == "fr" else None,
            )
    seed_plans(session)
    return [(role, email, DEMO_PASSWORD) for role, email, _, _ in LOGINS]


def seed_plans(session: Session) -> None:
    """A weekly sampling plan per team, a quarter of it from the lowest automatic scores."""
    for name, language, _, _ in TEAMS:
        team = session.scalars(select(Team).where(Team.name == name)).one()
        if session.scalars(select(SamplingPlan).where(SamplingPlan.team_id == team.id)).first() is None:
            per_week = "2 par semaine" if language == "fr" else "2 per week"
            create_plan(
                session,
                team=team,
                name=f"{name} · {per_week}",
                calls_per_agent=2,
                period=Period.WEEK,
                strata={"lowest_scores": 0.25},
                min_duration=30.0,
            )


def demo_call_date(item: dict, today: date | None = None) -> datetime:
    """A demo call's date: `days_ago` days before the seed day, at its `time`, but never before the week's
    Monday, so the weekly plan's draw for the current week finds every demo call."""
    today = today or datetime.now(UTC).date()
    day = max(today - timedelta(days=item["days_ago"]), today - timedelta(days=today.weekday()))
    return datetime.combine(day, time.fromisoformat(item["time"]), tzinfo=UTC)


def seed_calls(session: Session) -> int:
    """Import the bundled demo recordings once each; returns how many were new."""
    script = json.loads((CALLS_DIR / "script.json").read_text(encoding="utf-8"))
    imported = 0
    for item in script["calls"]:
        if session.scalars(select(Call).where(Call.external_id == item["name"])).first():
            continue
        agent = find_agent(session, item["agent"])
        meta = CallMeta(
            agent=agent, call_date=demo_call_date(item), external_id=item["name"], channel_layout="agent,customer"
        )
        with (CALLS_DIR / f"{item['name']}.ogg").open("rb") as fh:
            ingest(session, fh, f"{item['name']}.ogg", meta)
        session.commit()
        imported += 1
    return imported
