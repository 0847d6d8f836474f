"""Role-play services: the moment library, excerpts and clips, collections, scenarios, packs, assignments
and practices. They flush, never commit; views, the CLI and tests commit once."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.models import User
from app.calls.models import Call
from app.notifications.services import notify_roleplay_assigned
from app.roleplay import excerpts, search
from app.roleplay.models import (
    Collection,
    CollectionItem,
    Moment,
    MomentSource,
    Practice,
    RoleplayAssignment,
    Scenario,
    ScenarioVersion,
)
from app.roleplay.scenario import ScenarioDraft, finalise, from_content, to_content
from app.scoring.choices import EvaluationStatus
from app.scoring.models import CriterionScore, Evaluation, Evidence
from app.scoring.rubrics import RubricSpec, bundled_rubrics
from app.scoring.services import nlp_for
from app.teams.models import Agent
from app.transcription.confidence import as_words, configured_threshold

log = logging.getLogger(__name__)

PER_PAGE = 25
CLIP_PADDING = 1.5  # seconds of audio before and after the moment's words
BANDS = (("high", 80.0), ("mid", 50.0), ("low", 0.0))


class RoleplayError(ValueError):
    """Something asked of the role-play material that cannot be done (shown to the user as is)."""


def score_band(total: float | None) -> str:
    """high (80+), mid (50-79), low, or none for a call without a total."""
    if total is None:
        return "none"
    return next(name for name, floor in BANDS if total >= floor)


def source_segments(call: Call) -> list[excerpts.SourceSegment]:
    """The call's lines for the excerpt builder (the only place original words are read)."""
    if call.transcript is None:
        return []
    return [
        excerpts.SourceSegment(i, s.speaker, s.start, s.end, s.text, as_words(s.words))
        for i, s in enumerate(call.transcript.segments)
    ]


def _call_language(call: Call) -> str:
    return (call.transcript.language if call.transcript else None) or call.language or call.team.language


# --- moment library -------------------------------------------------------------------------------------------


def _pending(session: Session, call_id: int | None) -> list[tuple[int, int]]:
    """(call id, evaluation id) of the automatic and final evaluations not read into the library yet."""
    query = (
        select(Evaluation.call_id, Evaluation.id)
        .outerjoin(MomentSource, MomentSource.evaluation_id == Evaluation.id)
        .where(
            MomentSource.evaluation_id.is_(None), Evaluation.status.in_((EvaluationStatus.AUTO, EvaluationStatus.FINAL))
        )
    )
    if call_id is not None:
        query = query.where(Evaluation.call_id == call_id)
    return list(session.execute(query.order_by(Evaluation.call_id, Evaluation.id)).all())


def _new_evidence(session: Session, evaluation_ids: list[int]):
    """The evidence of these evaluations whose words are not a moment yet (revisions copy evidence)."""
    same = and_(
        Moment.call_id == Evaluation.call_id,
        Moment.segment_index == Evidence.segment_index,
        Moment.char_start == Evidence.char_start,
        Moment.char_end == Evidence.char_end,
        Moment.criterion_key == CriterionScore.criterion_key,
        Moment.sign == Evidence.sign,
    )
    return session.execute(
        select(Evidence, CriterionScore.criterion_key, Evaluation.total)
        .join(CriterionScore, CriterionScore.id == Evidence.criterion_score_id)
        .join(Evaluation, Evaluation.id == CriterionScore.evaluation_id)
        .outerjoin(Moment, same)
        .where(Moment.id.is_(None), Evaluation.id.in_(evaluation_ids))
        .order_by(Evaluation.id, Evidence.id)
    ).all()


def sync_moments(session: Session, *, call_id: int | None = None) -> int:
    """Index the evidence of evaluations not yet read, of one call or of all (idempotent: the same words on a
    criterion are one moment). The index_moments job runs it after scoring and finalisation; `qa moments sync`
    catches up existing data.

    Drafts wait: a reviewer's evidence joins the library when the review is final.
    """
    by_call: dict[int, list[int]] = {}
    for pending_call, evaluation_id in _pending(session, call_id):
        by_call.setdefault(pending_call, []).append(evaluation_id)
    return sum(_index_call(session, session.get(Call, cid), ids) for cid, ids in by_call.items())


def _anonymised_notes(
    evidence: Sequence[Evidence], language: str, nlp, names: list[str]
) -> list[tuple[str, dict[str, str] | None]]:
    """Each evidence's explanation as stored and in each interface language, anonymised like the words: a
    reviewer's note can name people, and the scorer's can quote the call."""
    texts = [t for e in evidence for t in (e.explanation, *(e.explanations or {}).values())]
    spans = iter(excerpts.hidden_spans_many(texts, language, nlp, names))
    out = []
    for e in evidence:
        note = excerpts.render(e.explanation, next(spans), language)
        # Placeholders in the reader's language: [NAME] in English, [NOM] in French.
        note_in = {lang: excerpts.render(text, next(spans), lang) for lang, text in (e.explanations or {}).items()}
        out.append((note, note_in or None))
    return out


def _index_call(session: Session, call: Call, evaluation_ids: list[int]) -> int:
    items = _new_evidence(session, evaluation_ids)
    segments = source_segments(call)
    language, nlp, names = _call_language(call), nlp_for(_call_language(call)), [call.agent.name]
    items = [item for item in items if 0 <= item[0].segment_index < len(segments)]
    wanted = sorted({e.segment_index for e, _, _ in items})
    hidden = dict(
        zip(wanted, excerpts.hidden_spans_many([segments[i].text for i in wanted], language, nlp, names), strict=True)
    )
    notes = _anonymised_notes([e for e, _, _ in items], language, nlp, names)
    rows, seen = [], set()
    for (evidence, key, total), (note, note_in) in zip(items, notes, strict=True):
        dedup = (evidence.segment_index, evidence.char_start, evidence.char_end, key, evidence.sign)
        if dedup in seen:
            continue
        seen.add(dedup)
        segment = segments[evidence.segment_index]
        spans = excerpts.with_uncertain(segment, hidden[evidence.segment_index], configured_threshold())
        rows.append(
            Moment(
                call_id=call.id,
                team_id=call.team_id,
                criterion_key=key,
                sign=evidence.sign,
                source=evidence.source,
                rule=evidence.rule,
                language=language,
                call_type=call.direction,
                score_band=score_band(total),
                segment_index=evidence.segment_index,
                char_start=evidence.char_start,
                char_end=evidence.char_end,
                speaker=excerpts.speaker_of(segment.speaker),
                start=evidence.start,
                end=evidence.end,
                text=excerpts.render(segment.text, spans, language),
                quote=excerpts.render(segment.text, spans, language, evidence.char_start, evidence.char_end),
                explanation=note,
                explanations=note_in,
            )
        )
    try:
        with session.begin_nested():
            session.add_all([*rows, *(MomentSource(evaluation_id=i) for i in evaluation_ids)])
    except IntegrityError:  # another process indexed this call meanwhile: its rows are the same
        log.info("moments of call %s were indexed concurrently", call.id)
        return 0
    return len(rows)


@dataclass(frozen=True)
class MomentFilters:
    q: str = ""
    criterion: str = ""
    sign: int | None = None
    language: str = ""
    team_id: int | None = None
    call_type: str = ""
    band: str = ""
    source: str = ""


def _filtered(session: Session, f: MomentFilters):
    query = select(Moment)
    clause = search.match(session.get_bind().dialect.name, f.q, Moment.id)
    if clause is not None:
        query = query.where(clause)
    for column, value in (
        (Moment.criterion_key, f.criterion),
        (Moment.sign, f.sign),
        (Moment.language, f.language),
        (Moment.team_id, f.team_id),
        (Moment.call_type, f.call_type),
        (Moment.score_band, f.band),
        (Moment.source, f.source),
    ):
        if value not in (None, ""):
            query = query.where(column == value)
    return query


def search_moments(
    session: Session, f: MomentFilters, *, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[Moment], int]:
    """Moments matching the words (full text, every word) and filters, newest first, with the total count."""
    query = _filtered(session, f)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Moment.id.desc())  # newest first: ids follow indexing order
        .offset((max(1, page) - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def moment_excerpt(session: Session, moment: Moment, *, before: int = 2, after: int = 2) -> excerpts.Excerpt:
    """The anonymised turns around a moment."""
    call = session.get(Call, moment.call_id)
    language = _call_language(call)
    return excerpts.build_excerpt(
        source_segments(call),
        moment.segment_index,
        language,
        nlp_for(language),
        before=before,
        after=after,
        names=[call.agent.name],
        threshold=configured_threshold(),
    )


def _read_clip(path, start: float, end: float) -> tuple[np.ndarray, int]:
    """Mono samples between start and end: read straight from WAV/FLAC/OGG files, decoded whole otherwise."""
    import soundfile

    from app.audio import AudioError, load_audio, to_mono

    try:
        rate = soundfile.info(str(path)).samplerate
        data, rate = soundfile.read(
            str(path), start=int(start * rate), stop=int(end * rate), dtype="float32", always_2d=True
        )
        return data.mean(axis=1).astype(np.float32), rate
    except (soundfile.LibsndfileError, RuntimeError, TypeError):
        pass
    try:
        audio = to_mono(load_audio(path, sample_rate=16000))
    except AudioError as exc:
        raise RoleplayError(str(exc)) from None
    return audio[int(start * 16000) : int(end * 16000)], 16000


def clip_available(session: Session, moment: Moment) -> bool:
    """Whether the moment's recording is in the store (imported transcripts have none)."""
    from app.calls.services import recording_path

    return recording_path(session.get(Call, moment.call_id)).exists()


def moment_clip(session: Session, moment: Moment) -> bytes:
    """A WAV clip of the moment with a tone over personal data and named entities."""
    import soundfile

    from app.calls.services import recording_path
    from app.transcription.redaction import redact_audio

    call = session.get(Call, moment.call_id)
    path = recording_path(call)
    if not path.exists():
        raise RoleplayError("the recording of this moment is not available")
    start, end = max(0.0, moment.start - CLIP_PADDING), moment.end + CLIP_PADDING
    clip, rate = _read_clip(path, start, end)
    around = [s for s in source_segments(call) if s.end > start and s.start < end]
    language = _call_language(call)
    hidden = excerpts.hidden_spans_many([s.text for s in around], language, nlp_for(language), [call.agent.name])
    times = [
        (a - start, b - start)
        for s, spans in zip(around, hidden, strict=True)
        for a, b in excerpts.hidden_times(s, spans)
    ]
    buffer = io.BytesIO()
    soundfile.write(buffer, redact_audio(clip, rate, times), rate, format="WAV")
    return buffer.getvalue()


# --- collections ----------------------------------------------------------------------------------------------


def create_collection(session: Session, name: str, who: User) -> Collection:
    """A new named collection of moments ("great reformulations"); names are unique."""
    name = (name or "").strip()
    if not name:
        raise RoleplayError(_("A collection needs a name."))
    if session.scalar(select(Collection.id).where(Collection.name == name)):
        raise RoleplayError(_("A collection with this name already exists."))
    collection = Collection(name=name, created_by_id=who.id)
    session.add(collection)
    session.flush()
    record(session, "roleplay.collection_created", target=collection, actor_id=who.id, name=name)
    return collection


def pin(session: Session, collection: Collection, moment: Moment, who: User) -> CollectionItem:
    """Pin a moment into a collection (pinning it again changes nothing)."""
    item = session.scalars(
        select(CollectionItem).where(
            CollectionItem.collection_id == collection.id, CollectionItem.moment_id == moment.id
        )
    ).first()
    if item is None:
        item = CollectionItem(collection=collection, moment_id=moment.id, added_by_id=who.id)
        session.add(item)
        session.flush()
    return item


def unpin(session: Session, collection: Collection, moment_id: int) -> None:
    """Take a moment out of a collection (the moment stays in the library)."""
    for item in list(collection.items):
        if item.moment_id == moment_id:
            session.delete(item)
    session.flush()


# --- scenarios ------------------------------------------------------------------------------------------------


def rubric_spec(key: str) -> RubricSpec:
    """The bundled rubric a scenario's checklist comes from."""
    if key not in bundled_rubrics():
        raise RoleplayError(f"unknown rubric {key!r}")
    return bundled_rubrics()[key]


def rubric_for(language: str) -> str:
    """The bundled hotline rubric of the scenario's language."""
    return next(k for k, r in bundled_rubrics().items() if r.language == language)


def draft_of(version: ScenarioVersion) -> ScenarioDraft:
    """A stored version back as plain data."""
    return from_content(version.title, version.language, version.rubric_key, version.content)


def _version(scenario: Scenario, draft: ScenarioDraft, number: int, who: User) -> ScenarioVersion:
    draft = finalise(draft, rubric_spec(draft.rubric_key))
    return ScenarioVersion(
        scenario=scenario,
        version=number,
        language=draft.language,
        title=draft.title.strip(),
        rubric_key=draft.rubric_key,
        content=to_content(draft),
        created_by_id=who.id,
    )


def create_scenario(session: Session, draft: ScenarioDraft, who: User) -> Scenario:
    """A new scenario with its first version; the checklist comes from the rubric criteria."""
    scenario = Scenario(created_by_id=who.id)
    version = _version(scenario, draft, 1, who)
    session.add_all([scenario, version])
    session.flush()
    record(session, "roleplay.scenario_created", target=scenario, actor_id=who.id, version=1, title=version.title)
    return scenario


def save_version(session: Session, scenario: Scenario, draft: ScenarioDraft, who: User) -> ScenarioVersion:
    """Editing makes a new version; the old ones stay as they were (an unchanged draft adds nothing)."""
    current = scenario.current
    candidate = finalise(draft, rubric_spec(draft.rubric_key))
    if candidate == draft_of(current):
        return current
    version = _version(scenario, candidate, current.version + 1, who)
    session.add(version)
    session.flush()
    session.expire(scenario, ["versions"])
    record(
        session,
        "roleplay.scenario_versioned",
        target=scenario,
        actor_id=who.id,
        version=version.version,
        title=version.title,
    )
    return version


def scenario_version(scenario: Scenario, number: int | None) -> ScenarioVersion:
    """A given version of a scenario, the newest by default."""
    if number is None:
        return scenario.current
    found = next((v for v in scenario.versions if v.version == number), None)
    if found is None:
        raise RoleplayError(f"scenario {scenario.id} has no version {number}")
    return found


def suggestions(session: Session, criteria: Sequence[str], language: str, *, limit: int = 5) -> list[Moment]:
    """Positive moments on the scenario's criteria, in its language: ideas for the model responses."""
    if not criteria:
        return []
    return list(
        session.scalars(
            select(Moment)
            .where(
                Moment.criterion_key.in_(criteria),
                Moment.sign > 0,
                Moment.language == language,
                Moment.speaker == "agent",
            )
            .order_by((Moment.score_band == "high").desc(), Moment.id.desc())
            .limit(limit)
        )
    )


def criterion_titles(rubric_key: str, language: str) -> dict[str, str]:
    """Criterion titles of a rubric in the scenario's language (not the viewer's)."""
    return {c.id: c.title.get(language) for c in rubric_spec(rubric_key).criteria}


def pack_html(version: ScenarioVersion, *, trainee: bool) -> str:
    """The pack as a standalone HTML page (what the PDF is printed from)."""
    from app.roleplay.pack import pack_context

    draft = draft_of(version)
    context = pack_context(
        draft, version.version, trainee=trainee, criterion_titles=criterion_titles(version.rubric_key, version.language)
    )
    return current_app.jinja_env.get_template("roleplay/pack.html").render(**context)


def pack_pdf(version: ScenarioVersion, *, trainee: bool) -> bytes:
    """The scenario pack as PDF: trainer version, or trainee version without model responses."""
    from app.ui.pdf import render_pdf

    return render_pdf(pack_html(version, trainee=trainee))


# --- assignments and practice ---------------------------------------------------------------------------------


def find_assignment(
    session: Session, scenario: Scenario, *, agent: Agent | None = None, team_id: int | None = None
) -> RoleplayAssignment | None:
    """The assignment giving this scenario to exactly this agent or this team, if it was given already."""
    agent_id = agent.id if agent else None
    return session.scalars(
        select(RoleplayAssignment).where(
            RoleplayAssignment.scenario_id == scenario.id,
            RoleplayAssignment.agent_id.is_(None) if agent_id is None else RoleplayAssignment.agent_id == agent_id,
            RoleplayAssignment.team_id.is_(None) if team_id is None else RoleplayAssignment.team_id == team_id,
        )
    ).first()


def assign(
    session: Session, scenario: Scenario, who: User, *, agent: Agent | None = None, team_id: int | None = None
) -> RoleplayAssignment:
    """Give a scenario to one agent or to a whole team (giving it again changes nothing)."""
    if (agent is None) == (team_id is None):
        raise RoleplayError(_("Choose one agent or one team."))
    existing = find_assignment(session, scenario, agent=agent, team_id=team_id)
    if existing is not None:
        return existing
    agent_id = agent.id if agent else None
    assignment = RoleplayAssignment(scenario_id=scenario.id, agent_id=agent_id, team_id=team_id, assigned_by_id=who.id)
    session.add(assignment)
    session.flush()
    record(session, "roleplay.assigned", target=scenario, actor_id=who.id, agent=agent_id, team=team_id)
    notify_roleplay_assigned(
        session, url=f"/me/roleplays/{scenario.id}", title=scenario.current.title, agent_id=agent_id, team_id=team_id
    )
    return assignment


def _assigned_to(agent: Agent):
    return or_(RoleplayAssignment.agent_id == agent.id, RoleplayAssignment.team_id == agent.team_id)


def assigned_scenarios(session: Session, agent: Agent | None) -> list[Scenario]:
    """The scenarios given to this agent, directly or through their team, newest assignment first."""
    if agent is None:
        return []
    latest = func.max(RoleplayAssignment.created_at)
    rows = session.execute(
        select(RoleplayAssignment.scenario_id, latest)
        .where(_assigned_to(agent))
        .group_by(RoleplayAssignment.scenario_id)
        .order_by(latest.desc())
    ).all()
    return [session.get(Scenario, scenario_id) for scenario_id, _ in rows]


def is_assigned(session: Session, scenario: Scenario, agent: Agent | None) -> bool:
    """Whether the scenario was given to this agent, directly or through their team."""
    if agent is None:
        return False
    count = select(func.count(RoleplayAssignment.id)).where(
        RoleplayAssignment.scenario_id == scenario.id, _assigned_to(agent)
    )
    return (session.scalar(count) or 0) > 0


def assigned_agents(session: Session, scenario: Scenario) -> list[Agent]:
    """Every active agent the scenario is given to, directly or through a team."""
    given = or_(RoleplayAssignment.agent_id == Agent.id, RoleplayAssignment.team_id == Agent.team_id)
    rows = session.scalars(
        select(Agent)
        .join(RoleplayAssignment, given)
        .where(RoleplayAssignment.scenario_id == scenario.id, Agent.active.is_(True))
        .order_by(Agent.name)
    ).all()
    return list(dict.fromkeys(rows))


def record_practice(
    session: Session,
    version: ScenarioVersion,
    agent: Agent,
    observer: User,
    *,
    ticked: Sequence[str],
    notes: str,
    overall: int,
) -> Practice:
    """An observed rehearsal: checklist items done, notes, an overall mark 0-100."""
    if not is_assigned(session, version.scenario, agent):
        raise RoleplayError(_("This scenario is not assigned to this agent."))
    if not 0 <= overall <= 100:
        raise RoleplayError(_("The overall mark is from 0 to 100."))
    known = [item["key"] for item in version.content.get("checklist", [])]
    practice = Practice(
        scenario_version_id=version.id,
        agent_id=agent.id,
        observer_id=observer.id,
        ticked=[k for k in known if k in set(ticked)],
        notes=(notes or "").strip() or None,
        overall=overall,
    )
    session.add(practice)
    session.flush()
    record(
        session,
        "roleplay.practice_recorded",
        target=practice,
        actor_id=observer.id,
        agent=agent.id,
        scenario=version.scenario_id,
        version=version.version,
        overall=overall,
    )
    return practice


def agent_practices(session: Session, agent_id: int) -> list[Practice]:
    """The agent's practice results, newest first (kept apart from call scores)."""
    return list(
        session.scalars(
            select(Practice)
            .where(Practice.agent_id == agent_id)
            .order_by(Practice.created_at.desc(), Practice.id.desc())
        )
    )
