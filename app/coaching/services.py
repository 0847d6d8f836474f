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
from app.coaching.models import CoachingSheet
from app.coaching.pdf import render_pdf
from app.coaching.sheet import ActionLine, CriterionLine, Moment, SheetInput, TrendPoint, sheet_context
from app.db import utcnow
from app.review.models import ActionItem
from app.scoring.models import Evaluation, EvaluationStatus
from app.scoring.services import spec_of

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
    return sheet


def sheet_html(session: Session, evaluation: Evaluation, *, issued_on: date | None = None) -> str:
    """The sheet as a standalone HTML page (what the PDF is printed from)."""
    if issued_on is None:
        sheet = sheet_for(session, evaluation.id)
        issued_on = (sheet.created_at if sheet else utcnow()).date()
    context = sheet_context(sheet_input(session, evaluation, issued_on=issued_on))
    # The app's context processors (current user, UI locale) have no business in a sheet: render bare.
    return current_app.jinja_env.get_template("coaching/sheet.html").render(**context)


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
        moments=tuple(_moments(evaluation, spec, lang)),
        strengths_note=evaluation.strengths or "",
        improvements_note=evaluation.improvements or "",
        actions=tuple(ActionLine(a.text, a.due_date) for a in actions),
        trend=tuple(_trend(session, evaluation)),
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
        )


def _moments(evaluation: Evaluation, spec, lang: str):
    """Evidence on the agent's own lines, with the rubric tip for what went wrong."""
    transcript = evaluation.call.transcript
    segments = transcript.segments if transcript else []
    same_language = (transcript.language if transcript else lang).startswith(lang)
    for row in evaluation.criteria:
        crit = next((c for c in spec.criteria if c.id == row.criterion_key), None)
        for ev in row.evidence:
            if not 0 <= ev.segment_index < len(segments) or segments[ev.segment_index].speaker != "agent":
                continue
            yield Moment(
                criterion=crit.title.get(lang) if crit else row.criterion_key,
                segment_text=segments[ev.segment_index].text,
                char_start=ev.char_start,
                char_end=ev.char_end,
                start=ev.start,
                positive=ev.sign > 0,
                explanation=ev.explanation if same_language else "",
                tip=crit.tip_for(ev.rule, lang) if crit else "",
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
