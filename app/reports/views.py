"""Team view for QA managers and the CSV export of evaluations."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.choices import Permission
from app.auth.permissions import require
from app.extensions import db
from app.main.templating import nav_item
from app.reports.context import team_page
from app.reports.forms import TeamFilterForm
from app.reports.services import EXPORT_COLUMNS, TeamFilter, evaluation_rows
from app.scoring.models import CriterionScore
from app.teams.models import Team

bp = Blueprint("reports", __name__, url_prefix="/reports")
nav_item("reports.team", _l("Team"), Permission.REVIEW_CALLS)

DEFAULT_THRESHOLD = 70.0


def _filter() -> tuple[TeamFilterForm, TeamFilter, float]:
    form = TeamFilterForm(request.args)
    form.team.choices = [(0, _l("All teams"))] + [(t.id, t.name) for t in db.session.scalars(
        select(Team).order_by(Team.name))]
    form.validate()  # a bad field is ignored (its default applies) and shown with its error
    team_id, start, end, threshold = (None if f.errors else f.data
                                      for f in (form.team, form.date_from, form.date_to, form.threshold))
    flt = TeamFilter.default(team_id or None, start, end)
    return form, flt, DEFAULT_THRESHOLD if threshold is None else threshold


@bp.route("/team")
@require(Permission.REVIEW_CALLS)
def team():
    """Averages and trends per criterion, team and agent; distribution, coverage, disputes, agreement."""
    form, flt, threshold = _filter()
    return render_template("reports/team.html", form=form, flt=flt, **team_page(db.session, flt, threshold))


def _safe(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; a quote keeps them text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(flt: TeamFilter) -> Iterator[str]:
    keys = sorted(set(db.session.scalars(select(CriterionScore.criterion_key).distinct())))
    head = list(EXPORT_COLUMNS)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(head + [f"{k}{suffix}" for k in keys for suffix in ("", "_auto", "_na")])
    for n, row in enumerate(evaluation_rows(db.session, flt)):
        cells = [row[h].isoformat() if hasattr(row[h], "isoformat") else row[h] for h in head]
        for k in keys:
            score, auto, na = row["criteria"].get(k, (None, None, False))
            cells += ["na" if na else score, auto, "yes" if na else "no" if k in row["criteria"] else None]
        writer.writerow([_safe(c) for c in cells])
        if n % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


@bp.route("/evaluations.csv")
@require(Permission.REVIEW_CALLS)
def evaluations_csv():
    """Final evaluations (current revisions) as CSV, filtered by team and call date."""
    _, flt, _ = _filter()
    name = f"evaluations-{flt.start.isoformat()}-{flt.end.isoformat()}.csv"
    return Response(stream_with_context(_csv(flt)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
