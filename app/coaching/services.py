"""Coaching sheets against the database: gather a final evaluation, render it, store the PDF once."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.calls import storage
from app.calls.models import Call
from app.coaching.choices import DisputeStatus
from app.coaching.models import CoachingSheet, Dispute
from app.coaching.sheet import (
    LABELS,
    ActionLine,
    CriterionLine,
    Moment,
    RevisionNote,
    ScoreChange,
    SheetInput,
    TrendPoint,
    sheet_context,
)
from app.db import utcnow
from app.events import publish
from app.review.choices import Verdict
from app.review.models import ActionItem, EvidenceVerdict
from app.scoring.choices import EvaluationStatus, EvidenceSource
from app.scoring.models import CriterionScore, Evaluation, Evidence
from app.scoring.services import spec_of
from app.transcription import confidence
from app.ui.pdf import render_pdf

log = logging.getLogger(__name__)
TREND_POINTS = 8


class SheetError(ValueError):
    """An evaluation that cannot become a sheet (not final yet, say)."""


def sheets_dir() -> Path:
    """Where issued PDFs live: SHEETS_DIR, else `sheets/` in the instance folder."""
    return Path(current_app.config.get("SHEETS_DIR") or Path(current_app.instance_path) / "sheets")


def sheet_path(sheet: CoachingSheet) -> Path:
    return storage.path_of(sheets_dir(), f"{sheet.sha256[:2]}/{sheet.sha256}.pdf")


def sheet_for(session: Session, evaluation_id: int) -> CoachingSheet | None:
    return session.scalars(select(CoachingSheet).where(CoachingSheet.evaluation_id == evaluation_id)).first()


def replacing_sheet(session: Session, sheet: CoachingSheet) -> CoachingSheet | None:
    """The sheet of the newest later revision of the same call (after an accepted dispute, say); None while this
    sheet is the current one."""
    this = session.get(Evaluation, sheet.evaluation_id)
    return session.scalars(
        select(CoachingSheet)
        .join(Evaluation, Evaluation.id == CoachingSheet.evaluation_id)
        .where(Evaluation.call_id == this.call_id, Evaluation.revision > this.revision)
        .order_by(Evaluation.revision.desc())
    ).first()


def sheet_language(evaluation: Evaluation) -> str:
    """The agent's language (their team's), whatever language the reader's interface is in."""
    return "fr" if (evaluation.call.agent.team.language or "en").startswith("fr") else "en"


def issue_sheet(session: Session, evaluation: Evaluation) -> CoachingSheet:
    """Render and store the sheet of a final evaluation once; an issued sheet is returned as it is."""
    existing = sheet_for(session, evaluation.id)
    if existing is not None:
        return existing
    if evaluation.status != EvaluationStatus.FINAL:
        raise SheetError(f"evaluation {evaluation.id} is not final")
    issued = utcnow()
    pdf = render_pdf(sheet_html(session, evaluation, issued_on=issued.date()))
    sha = _store(pdf)
    sheet = CoachingSheet(
        evaluation_id=evaluation.id,
        agent_id=evaluation.call.agent_id,
        language=sheet_language(evaluation),
        sha256=sha,
        created_at=issued,
    )
    session.add(sheet)
    session.flush()
    record(session, "coaching.sheet_issued", target=sheet, evaluation=evaluation.id, sha256=sha)
    log.info("sheet %s issued for evaluation %s (%d bytes)", sheet.id, evaluation.id, len(pdf))
    publish(session, "sheet.issued", evaluation.call, evaluation_id=evaluation.id, sheet_id=sheet.id)
    return sheet


def sheet_html(
    session: Session, evaluation: Evaluation, *, issued_on: date | None = None, screen: dict | None = None
) -> str:
    """The sheet as a standalone HTML page (what the PDF is printed from).

    `screen` is for the page read in a browser only (navigation, the player, labels in the reader's language);
    the PDF is rendered without it."""
    if issued_on is None:
        sheet = sheet_for(session, evaluation.id)
        issued_on = (sheet.created_at if sheet else utcnow()).date()
    context = sheet_context(sheet_input(session, evaluation, issued_on=issued_on))
    # The app's context processors (current user, UI locale) have no business in a sheet: render bare.
    return current_app.jinja_env.get_template("coaching/pdf/sheet.html").render(**context, screen=screen)


def sheet_input(session: Session, evaluation: Evaluation, *, issued_on: date) -> SheetInput:
    """The plain facts a sheet shows, read from the evaluation, its call, rubric and history."""
    lang = sheet_language(evaluation)
    call = evaluation.call
    spec = spec_of(evaluation.rubric_version)
    actions = session.scalars(
        select(ActionItem).where(ActionItem.evaluation_id == evaluation.id).order_by(ActionItem.id)
    ).all()
    return SheetInput(
        language=lang,
        agent_name=call.agent.name,
        team_name=call.team.name,
        call_date=call.call_date,
        duration=call.transcript.duration if call.transcript else call.recording.duration,
        reference=call.external_id or f"#{call.id}",
        reviewer_name=evaluation.reviewer.name if evaluation.reviewer else None,
        rubric_title=spec.title.get(lang),
        rubric_version=evaluation.rubric_version.version,
        total=evaluation.total,
        threshold=spec.threshold,
        auto_failed=evaluation.auto_failed,
        issued_on=issued_on,
        criteria=tuple(_criterion_lines(evaluation, spec, lang)),
        moments=tuple(_moments(session, evaluation, spec, lang)),
        strengths_note=evaluation.strengths or "",
        improvements_note=evaluation.improvements or "",
        actions=tuple(ActionLine(a.text, a.due_date) for a in actions),
        trend=tuple(_trend(session, evaluation)),
        revision=_revision_note(session, evaluation, spec, lang),
    )


def _criterion_lines(evaluation: Evaluation, spec, lang: str):
    for row in evaluation.criteria:
        crit = next((c for c in spec.criteria if c.id == row.criterion_key), None)
        band = crit.band(row.score) if crit and row.score is not None and not row.na else None
        yield CriterionLine(
            title=crit.title.get(lang) if crit else row.criterion_key,
            score=row.score,
            weight=row.weight,
            na=row.na,
            band=band.label.get(lang) if band else None,
            auto_fail=row.auto_fail,
            na_reason=row.na_reason_in(lang),
        )


def quotable(row: CriterionScore, ev: Evidence, verdict: str | None, threshold: float) -> bool:
    """What the final review says about one evidence item: never rejected evidence, never an automatic
    area to improve on a criterion the reviewer passed (or judged not applicable)."""
    if ev.source == EvidenceSource.REVIEWER:
        return True
    if verdict == Verdict.REJECTED or row.na:
        return False
    passed = row.score is not None and row.score >= threshold
    return ev.sign > 0 or not passed


def _verdicts(session: Session, evaluation: Evaluation) -> dict[int, str]:
    rows = session.execute(
        select(EvidenceVerdict.evidence_id, EvidenceVerdict.verdict).where(
            EvidenceVerdict.evaluation_id == evaluation.id
        )
    )
    return dict(rows.all())


def _moments(session: Session, evaluation: Evaluation, spec, lang: str):
    """Evidence the final review kept or added on the agent's own lines, with the rubric tip for what
    went wrong; uncertain words are marked, and evidence resting on them is left out unless vouched for."""
    transcript = evaluation.call.transcript
    segments = transcript.segments if transcript else []
    same_language = (transcript.language if transcript else lang).startswith(lang)
    verdicts = _verdicts(session, evaluation)
    threshold = confidence.configured_threshold()
    for row in evaluation.criteria:
        crit = next((c for c in spec.criteria if c.id == row.criterion_key), None)
        for ev in row.evidence:
            if not quotable(row, ev, verdicts.get(ev.id), spec.threshold):
                continue
            if not 0 <= ev.segment_index < len(segments) or segments[ev.segment_index].speaker != "agent":
                continue
            segment = segments[ev.segment_index]
            words = confidence.as_words(segment.words)
            vouched = ev.source == EvidenceSource.REVIEWER or verdicts.get(ev.id) == Verdict.CONFIRMED
            share = confidence.uncertain_share(segment.text, words, ev.char_start, ev.char_end, threshold)
            if share >= confidence.MOSTLY_UNCERTAIN and not vouched:
                continue
            # the scorer's words come in the sheet's language; a reviewer's note or older evidence only as written
            readable = same_language or ev.source == EvidenceSource.REVIEWER or bool(ev.explanations)
            yield Moment(
                criterion=crit.title.get(lang) if crit else row.criterion_key,
                segment_text=segment.text,
                char_start=ev.char_start,
                char_end=ev.char_end,
                start=ev.start,
                positive=ev.sign > 0,
                explanation=ev.explanation_in(lang) if readable else "",
                tip=crit.tip_for(ev.rule, lang) if crit else "",
                uncertain=tuple(
                    (s.start, s.end)
                    for s in confidence.whole_words(
                        segment.text, confidence.uncertain_spans(segment.text, words, threshold)
                    )
                ),
                by_reviewer=ev.source == EvidenceSource.REVIEWER,
                segment=ev.segment_index,
            )


def _revision_note(session: Session, evaluation: Evaluation, spec, lang: str) -> RevisionNote | None:
    """For a corrected evaluation: its number, each score the correction moved, why, and the dispute if any."""
    if evaluation.parent_id is None:
        return None
    parent = session.get(Evaluation, evaluation.parent_id)
    before = {c.criterion_key: None if c.na else c.score for c in parent.criteria}
    titles = {c.id: c.title.get(lang) for c in spec.criteria}
    changes = [
        ScoreChange(
            titles.get(c.criterion_key, c.criterion_key), before.get(c.criterion_key), None if c.na else c.score
        )
        for c in evaluation.criteria
        if before.get(c.criterion_key) != (None if c.na else c.score)
    ]
    if changes and parent.total != evaluation.total:
        changes.append(ScoreChange(LABELS[lang]["total"], parent.total, evaluation.total))
    dispute = session.scalars(
        select(Dispute)
        .join(CoachingSheet, CoachingSheet.id == Dispute.sheet_id)
        .join(Evaluation, Evaluation.id == CoachingSheet.evaluation_id)
        .where(
            Evaluation.call_id == evaluation.call_id,
            Dispute.status == DisputeStatus.ACCEPTED,
            Dispute.resolution == evaluation.revision_reason,
        )
        .order_by(Dispute.resolved_at.desc())
    ).first()
    return RevisionNote(
        number=evaluation.revision,
        changes=tuple(changes),
        reason=evaluation.revision_reason or "",
        disputed_on=dispute.created_at.date() if dispute else None,
    )


def _trend(session: Session, evaluation: Evaluation):
    """The agent's final evaluations up to this one, latest revision per call, oldest first."""
    upto = evaluation.finalized_at or evaluation.created_at
    rows = session.scalars(
        select(Evaluation)
        .join(Call)
        .where(
            Call.agent_id == evaluation.call.agent_id,
            Evaluation.status == EvaluationStatus.FINAL,
            Evaluation.total.is_not(None),
            Evaluation.finalized_at <= upto,
            Evaluation.id != evaluation.id,
        )
        .order_by(Evaluation.finalized_at.desc(), Evaluation.id.desc())
        .limit(TREND_POINTS * 3)
    ).all()
    seen = {evaluation.call_id}
    points = []
    for row in rows:
        if row.call_id not in seen and len(points) < TREND_POINTS - 1:
            seen.add(row.call_id)
            points.append(TrendPoint(row.call.call_date.date(), row.total))
    points.reverse()
    if evaluation.total is not None:
        points.append(TrendPoint(evaluation.call.call_date.date(), evaluation.total, current=True))
    return points


def _store(pdf: bytes) -> str:
    """Write the PDF at its content address (never over an existing file); returns its sha256."""
    root = sheets_dir()
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(pdf).hexdigest()
    fd, name = tempfile.mkstemp(dir=root / "tmp", prefix="sheet-")
    with os.fdopen(fd, "wb") as out:
        out.write(pdf)
    storage.store(Path(name), root, f"{sha[:2]}/{sha}.pdf")
    return sha
