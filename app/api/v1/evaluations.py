"""/api/v1/evaluations: automatic and final scores per criterion with evidence, sheets, and the bulk export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from flask import Response, abort, send_file, stream_with_context
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.api.auth import allowed
from app.api.v1 import schemas
from app.api.v1.pagination import paginate
from app.auth.choices import Permission
from app.calls.access import visible_calls
from app.calls.models import Call
from app.coaching.services import sheet_for, sheet_path
from app.coaching.views import get_sheet_or_404
from app.extensions import db
from app.reports.services import TeamFilter, evaluation_rows
from app.scoring.choices import EvaluationKind
from app.scoring.models import CriterionScore, Evaluation, RubricVersion
from app.scoring.queries import current_final

blp = Blueprint("v1_evaluations", __name__, url_prefix="/api/v1", description="Evaluations, sheets, export")
READERS = (Permission.VIEW_ALL_CALLS, Permission.VIEW_OWN_CALLS)


def _day(value, days: int = 0) -> datetime:
    return datetime.combine(value, time.min, tzinfo=UTC) + timedelta(days=days)


def evaluation_json(ev: Evaluation) -> dict:
    call = ev.call
    automatic = ev.kind == EvaluationKind.AUTO
    return {
        "id": ev.id,
        "call_id": call.id,
        "external_id": call.external_id,
        "agent": {"id": call.agent_id, "name": call.agent.name},
        "team": {"id": call.team_id, "name": call.team.name},
        "call_date": call.call_date,
        "kind": "automatic" if automatic else "final",
        "status": ev.status,
        "revision": ev.revision,
        "rubric": {"key": ev.rubric_version.rubric.key, "version": ev.rubric_version.version},
        "total": ev.total,
        "auto_failed": ev.auto_failed,
        "finalized_at": ev.finalized_at,
        "criteria": [
            {
                "key": c.criterion_key,
                "na": c.na,
                "na_reason": c.na_explanations if c.na else None,
                "weight": c.weight,
                "automatic_score": c.score if automatic else c.auto_score,
                "final_score": None if automatic else c.score,
                "evidence": [
                    {
                        "start": e.start,
                        "end": e.end,
                        "rule": e.rule,
                        "sign": e.sign,
                        "explanation": e.explanation,
                        "source": e.source,
                    }
                    for e in c.evidence
                ],
            }
            for c in ev.criteria
        ],
    }


def visible_evaluations(args: dict):
    """Automatic evaluations and current final reviews of the calls this user may see (no drafts)."""
    calls = visible_calls(current_user).with_only_columns(Call.id)
    query = (
        select(Evaluation)
        .join(Call, Call.id == Evaluation.call_id)
        .where(Evaluation.call_id.in_(calls))
        .options(
            joinedload(Evaluation.call).joinedload(Call.agent),
            joinedload(Evaluation.call).joinedload(Call.team),
            joinedload(Evaluation.rubric_version).joinedload(RubricVersion.rubric),
            selectinload(Evaluation.criteria).selectinload(CriterionScore.evidence),
        )
    )
    kind = args.get("kind")
    automatic = Evaluation.kind == EvaluationKind.AUTO
    query = query.where(
        automatic if kind == "automatic" else current_final() if kind == "final" else automatic | current_final()
    )
    if args.get("team"):
        query = query.where(Call.team_id == args["team"])
    if args.get("agent"):
        query = query.where(Call.agent_id == args["agent"])
    if args.get("start"):
        query = query.where(Call.call_date >= _day(args["start"]))
    if args.get("end"):
        query = query.where(Call.call_date < _day(args["end"], 1))
    return query


@blp.route("/evaluations")
@allowed("evaluations:read", *READERS)
@blp.arguments(schemas.EvaluationArgs, location="query")
@blp.response(200, schemas.EvaluationPage)
def evaluations(args: dict):
    """Evaluations of the calls this user may see, filtered by team, agent, call period and kind."""
    items, cursor = paginate(visible_evaluations(args), Evaluation.id, args)
    return {"items": [evaluation_json(e) for e in items], "next_cursor": cursor}


@blp.route("/evaluations/<int:evaluation_id>/sheet.pdf")
@allowed("evaluations:read", Permission.VIEW_OWN_CALLS, Permission.REVIEW_CALLS)
@blp.response(200, content_type="application/pdf", description="The issued coaching sheet, as stored")
def sheet_pdf(evaluation_id: int):
    """The coaching sheet issued for a final evaluation, for its agent and for reviewers (as /sheets/<id>.pdf)."""
    sheet = sheet_for(db.session, evaluation_id)
    if sheet is None:
        abort(404, description="No coaching sheet was issued for this evaluation.")
    path = sheet_path(get_sheet_or_404(sheet.id))
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=f"coaching-sheet-{sheet.id}.pdf", max_age=0
    )


def export_line(row: dict) -> dict:
    """One current final evaluation of the bulk export (the CSV export carries the same fields)."""
    criteria = {
        key: {"final_score": None if na else score, "automatic_score": auto, "na": bool(na)}
        for key, (score, auto, na) in row["criteria"].items()
    }
    plain = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items() if k != "criteria"}
    return {**plain, "criteria": criteria}


def _ndjson(flt: TeamFilter) -> Iterator[str]:
    for row in evaluation_rows(db.session, flt):
        yield json.dumps(export_line(row), ensure_ascii=False) + "\n"


@blp.route("/evaluations.ndjson")
@allowed("evaluations:read", Permission.REVIEW_CALLS)
@blp.arguments(schemas.PeriodArgs, location="query")
@blp.response(
    200,
    content_type="application/x-ndjson",
    description="One JSON object per line: the current final evaluations of the period",
)
def export(args: dict):
    """Stream a period's final evaluations for BI (reviewers only, as the CSV export of the team report)."""
    flt = TeamFilter.default(args.get("team"), args.get("start"), args.get("end"))
    if flt.start > flt.end:
        abort(422, description="The period starts after it ends.")
    return Response(stream_with_context(_ndjson(flt)), mimetype="application/x-ndjson")
