"""Team view for QA managers and the CSV export of evaluations."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.auth.choices import Permission
from app.auth.permissions import require
from app.extensions import db
from app.navigation import nav_item
from app.reports.forms import ScorerFilterForm, ScorerFitForm, TeamFilterForm
from app.reports.pages import fit_view, scorer_page, team_page
from app.reports.scorer import fit_to_reviews, versions_reviewed
from app.reports.services import EXPORT_COLUMNS, TeamFilter, evaluation_rows
from app.scoring.fit import FitSettings, TooFewReviews
from app.scoring.fit_text import FitTextError
from app.scoring.models import CriterionScore, RubricVersion
from app.scoring.services import FitRefused, current_version, publish_fit
from app.teams.models import Team

bp = Blueprint("reports", __name__, url_prefix="/reports")
nav_item("reports.team", _l("Team"), Permission.REVIEW_CALLS)
nav_item("reports.scorer", _l("Scorer accuracy"), Permission.REVIEW_CALLS, admin=True)

DEFAULT_THRESHOLD = 70.0


def _filter() -> tuple[TeamFilterForm, TeamFilter, float]:
    form = TeamFilterForm(request.args)
    form.team.choices = [(0, _l("All teams"))] + [
        (t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))
    ]
    form.validate()  # a bad field is ignored (its default applies) and shown with its error
    team_id, start, end, threshold = (
        None if f.errors else f.data for f in (form.team, form.date_from, form.date_to, form.threshold)
    )
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
    flt = _filter()[1]
    name = f"evaluations-{flt.start.isoformat()}-{flt.end.isoformat()}.csv"
    return Response(
        stream_with_context(_csv(flt)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


def _scorer_filter() -> tuple[ScorerFilterForm, TeamFilter, int | None, int]:
    form = ScorerFilterForm(request.args)
    form.team.choices = [(0, _l("All teams"))] + [
        (t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))
    ]
    versions = versions_reviewed(db.session)
    form.version.choices = [(vid, _l("%(label)s (%(n)d reviews)", label=label, n=n)) for vid, _k, label, n in versions]
    form.validate()  # a bad field is ignored (its default applies) and shown with its error
    team_id, start, end, version_id, minimum = (
        None if f.errors else f.data for f in (form.team, form.date_from, form.date_to, form.version, form.min_reviews)
    )
    if version_id not in {v[0] for v in versions}:
        version_id = versions[0][0] if versions else None
    form.version.data = version_id
    minimum = minimum or current_app.config["SCORER_MIN_REVIEWS"]
    form.min_reviews.data = minimum
    return form, TeamFilter.default(team_id or None, start, end), version_id, minimum


def _render_scorer(fit=None):
    form, flt, version_id, minimum = _scorer_filter()
    context = scorer_page(db.session, flt, version_id, minimum)
    return render_template(
        "reports/scorer.html",
        form=form,
        flt=flt,
        fit=fit,
        fit_form=ScorerFitForm(),
        can_fit=current_user.can(Permission.MANAGE_RUBRICS) and version_id is not None,
        **context,
    )


@bp.route("/scorer")
@require(Permission.REVIEW_CALLS)
def scorer():
    """How far the automatic scores agree with the final reviews, per criterion, for a rubric version."""
    return _render_scorer()


@bp.route("/scorer/fit", methods=["POST"])
@require(Permission.MANAGE_RUBRICS)
def scorer_fit():
    """Fit the rubric to the reviews in the filter (shows before / after); publish stores it as a new version."""
    form = ScorerFitForm()
    flt, version_id, minimum = _scorer_filter()[1:]
    if not form.validate_on_submit() or version_id is None:
        flash(_("Choose a rubric version with final reviews to fit."), "error")
        return redirect(url_for("reports.scorer", **request.args))
    version = current_version(db.session, db.session.get(RubricVersion, version_id).rubric.key)
    try:
        result = fit_to_reviews(db.session, flt, version, FitSettings(min_reviews=minimum))
        if not form.publish.data:
            return _render_scorer(fit_view(result))
        origin = _(
            "%(team)s, calls from %(start)s to %(end)s",
            team=_team_name(flt.team_id),
            start=flt.start.isoformat(),
            end=flt.end.isoformat(),
        )
        published = publish_fit(db.session, result, origin, created_by_id=current_user.id)
    except TooFewReviews as exc:
        flash(
            _(
                "Too few reviews to fit %(rubric)s: at least %(min)d per criterion are needed (reviewed: %(counts)s).",
                rubric=exc.rubric,
                min=exc.minimum,
                counts=exc.counts,
            ),
            "error",
        )
        return redirect(url_for("reports.scorer", **request.args))
    except (FitRefused, FitTextError) as exc:
        db.session.rollback()
        flash(
            _(
                "Not published: %(why)s",
                why=_("no criterion does better than the current version on held-out calls")
                if isinstance(exc, FitRefused)
                else str(exc),
            ),
            "error",
        )
        return redirect(url_for("reports.scorer", **request.args))
    db.session.commit()
    flash(
        _(
            "Rubric %(key)s version %(version)d published. Calls already scored keep their version; to score "
            "them again with this one: flask --app wsgi qa rescore --rubric %(key)s --version %(version)d "
            "--since %(since)s",
            key=published.rubric.key,
            version=published.version,
            since=flt.start.isoformat(),
        ),
        "success",
    )
    return redirect(url_for("scoring.rubric", key=published.rubric.key, version=published.version))


def _team_name(team_id: int | None) -> str:
    team = db.session.get(Team, team_id) if team_id else None
    return team.name if team else str(_l("all teams"))
