"""Plain-dict context for the role-play pages; templates only format."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.roleplay import services
from app.roleplay.excerpts import Excerpt
from app.roleplay.models import Collection, Moment, Practice, Scenario, ScenarioVersion
from app.roleplay.scenario import split_lines
from app.scoring.pages import criterion_title, ui_language
from app.scoring.rubrics import bundled_rubrics
from app.teams.models import Agent, Team

SPEAKER_LABELS = {"agent": _l("Agent"), "customer": _l("Customer")}
BAND_LABELS = {"high": _l("high score"), "mid": _l("middle score"), "low": _l("low score"), "none": _l("no score")}


def criterion_choices() -> list[tuple[str, str]]:
    keys = dict.fromkeys(c.id for r in bundled_rubrics().values() for c in r.criteria)
    return [(k, str(criterion_title(k))) for k in keys]


def team_choices(session: Session) -> list[tuple[int, str]]:
    return [(tid, name) for tid, name in session.execute(select(Team.id, Team.name).order_by(Team.name))]


def agent_choices(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Agent.id, Agent.name, Team.name)
        .join(Team, Team.id == Agent.team_id)
        .where(Agent.active.is_(True))
        .order_by(Agent.name)
    ).all()
    return [(aid, f"{name} ({team})") for aid, name, team in rows]


def moment_row(moment: Moment, teams: dict[int, str]) -> dict[str, Any]:
    return {
        "id": moment.id,
        "criterion": criterion_title(moment.criterion_key),
        "positive": moment.sign > 0,
        "quote": moment.quote,
        "text": moment.text,
        "explanation": moment.explanation_in(ui_language()),
        "speaker": SPEAKER_LABELS.get(moment.speaker, moment.speaker),
        "language": moment.language,
        "team": teams.get(moment.team_id, ""),
        "band": BAND_LABELS.get(moment.score_band, moment.score_band),
        "call_type": moment.call_type,
        "start": moment.start,
        "source": moment.source,
    }


def team_names(session: Session) -> dict[int, str]:
    return dict(team_choices(session))


def excerpt_turns(excerpt: Excerpt) -> list[dict[str, Any]]:
    return [
        {
            "speaker": SPEAKER_LABELS[t.speaker],
            "speaker_key": t.speaker,
            "text": t.text,
            "start": t.start,
            "focus": t.focus,
        }
        for t in excerpt.turns
    ]


def collections(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(Collection).order_by(Collection.name)).all()
    return [{"id": c.id, "name": c.name, "count": len(c.items), "created_at": c.created_at} for c in rows]


def _author_names(session: Session, ids: set[int]) -> dict[int, str]:
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def scenario_rows(session: Session) -> list[dict[str, Any]]:
    scenarios = session.scalars(select(Scenario).order_by(Scenario.id.desc())).all()
    names = _author_names(session, {s.current.created_by_id for s in scenarios})
    return [
        {
            "id": s.id,
            "title": s.current.title,
            "language": s.current.language,
            "version": s.current.version,
            "updated_at": s.current.created_at,
            "by": names.get(s.current.created_by_id, ""),
        }
        for s in scenarios
    ]


def version_view(version: ScenarioVersion, *, trainee: bool = False) -> dict[str, Any]:
    """A version as the pages show it; the trainee sees no observed or model response and no checklist."""
    draft = services.draft_of(version)
    regular, escalation = split_lines(draft.customer_lines)
    titles = services.criterion_titles(version.rubric_key, version.language)
    view = {
        "title": draft.title,
        "language": draft.language,
        "version": version.version,
        "created_at": version.created_at,
        "objective": draft.objective,
        "criteria": [titles.get(k, k) for k in draft.criteria],
        "situation": draft.situation,
        "mood": draft.mood,
        "knows": draft.knows,
        "brief": draft.brief,
        "lines": regular.splitlines(),
        "debrief": list(draft.debrief),
    }
    if not trainee:
        view |= {
            "escalation": escalation.splitlines(),
            "observed": draft.observed_response,
            "models": list(draft.model_responses),
            "checklist": [{"key": i.key, "title": i.title, "counts": i.counts} for i in draft.checklist],
            "excerpts": [
                [{"speaker": SPEAKER_LABELS[t.speaker], "text": t.text} for t in e.turns] for e in draft.excerpts
            ],
        }
    return view


def form_data(version: ScenarioVersion) -> dict[str, Any]:
    """The builder form prefilled from a version (editing it makes the next version)."""
    draft = services.draft_of(version)
    regular, escalation = split_lines(draft.customer_lines)
    return {
        "title": draft.title,
        "language": draft.language,
        "objective": draft.objective,
        "criteria": list(draft.criteria),
        "situation": draft.situation,
        "mood": draft.mood,
        "knows": draft.knows,
        "brief": draft.brief,
        "customer_lines": regular,
        "escalation_lines": escalation,
        "observed_response": draft.observed_response,
        "model_responses": "\n".join(draft.model_responses),
        "debrief": "\n".join(draft.debrief),
    }


def practice_rows(session: Session, practices: list[Practice]) -> list[dict[str, Any]]:
    names = _author_names(session, {p.observer_id for p in practices})
    agents = (
        dict(session.execute(select(Agent.id, Agent.name).where(Agent.id.in_({p.agent_id for p in practices}))).all())
        if practices
        else {}
    )
    return [
        {
            "id": p.id,
            "title": p.scenario_version.title,
            "version": p.scenario_version.version,
            "scenario_id": p.scenario_version.scenario_id,
            "agent": agents.get(p.agent_id, ""),
            "observer": names.get(p.observer_id, ""),
            "overall": p.overall,
            "notes": p.notes,
            "ticked": len(p.ticked),
            "item_count": len(p.scenario_version.content.get("checklist", [])),
            "created_at": p.created_at,
        }
        for p in practices
    ]
