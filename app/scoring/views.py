"""Rubric pages: read every rubric, upload a new version (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.choices import Permission
from app.auth.permissions import require
from app.calls.access import get_call_or_404
from app.calls.models import Call
from app.extensions import db
from app.jobs.services import active_job, create_job
from app.navigation import nav_item
from app.qa_data.errors import RubricError
from app.scoring.forms import RubricUploadForm
from app.scoring.models import Evaluation, Rubric, RubricVersion
from app.scoring.pages import rubric_view
from app.scoring.rubrics import load_rubric_text, rubric_for_language
from app.scoring.services import register_rubric, spec_of
from app.ui.forms import ActionForm

bp = Blueprint("scoring", __name__)
nav_item("scoring.rubrics", _l("Rubrics"), Permission.VIEW_RUBRICS, admin=True)
nav_item("scoring.my_rubric", _l("My rubric"), Permission.VIEW_OWN_CALLS, mine=True)

MAX_RUBRIC_BYTES = 512 * 1024


@bp.route("/rubrics/", methods=["GET", "POST"])
@require(Permission.VIEW_RUBRICS)
def rubrics():
    """Every rubric with its versions; admins upload a new version here."""
    form = RubricUploadForm()
    if form.validate_on_submit():
        if not current_user.can(Permission.MANAGE_RUBRICS):
            abort(403)
        raw = form.file.data.read(MAX_RUBRIC_BYTES + 1)
        try:
            if len(raw) > MAX_RUBRIC_BYTES:
                raise RubricError(form.file.data.filename or "upload", "", "the file is larger than 512 KB")
            text = raw.decode("utf-8")
            spec = load_rubric_text(text, form.file.data.filename or "upload")
            stored = _version_count()
            version = register_rubric(db.session, spec, text, created_by_id=current_user.id, strict=True)
            db.session.commit()
            if _version_count() == stored:
                flash(
                    _(
                        "This file is already stored as %(title)s version %(version)d: nothing was added.",
                        title=spec.title.get(spec.language),
                        version=version.version,
                    ),
                    "info",
                )
            else:
                flash(
                    _(
                        "Rubric %(title)s version %(version)d saved.",
                        title=spec.title.get(spec.language),
                        version=version.version,
                    ),
                    "success",
                )
            return redirect(url_for("scoring.rubric", key=spec.id))
        except UnicodeDecodeError:
            form.file.errors.append(_("The file is not UTF-8 text."))
        except RubricError as exc:
            db.session.rollback()
            form.file.errors.append(str(exc))
    rows = db.session.scalars(select(Rubric).order_by(Rubric.language, Rubric.key)).all()
    return render_template(
        "scoring/rubrics.html", rubrics=rows, form=form, can_upload=current_user.can(Permission.MANAGE_RUBRICS)
    )


def _version_count() -> int:
    return db.session.scalar(select(func.count(RubricVersion.id))) or 0


@bp.route("/calls/<int:call_id>/rescore", methods=["POST"])
@require(Permission.REVIEW_CALLS)
def rescore(call_id: int):
    """Score a call again with the newest version of its rubric (a new evaluation; reviews stay as they are)."""
    call = get_call_or_404(call_id)
    if not ActionForm().validate_on_submit() or call.transcript is None:
        abort(400)
    if active_job(db.session, "score", call.id) is None:
        create_job(db.session, "score", call_id=call.id)
        record(db.session, "call.rescore_requested", target=call)
        db.session.commit()
        flash(_("The call is being scored again."), "success")
    return redirect(url_for("calls.show", call_id=call.id))


@bp.route("/rubrics/<key>")
@bp.route("/rubrics/<key>/v<int:version>")
@require(Permission.VIEW_RUBRICS)
def rubric(key: str, version: int | None = None):
    """One rubric, readable: criteria, weights, what counts, coaching tips."""
    query = select(RubricVersion).join(Rubric).where(Rubric.key == key)
    query = query.where(RubricVersion.version == version) if version else query.order_by(RubricVersion.version.desc())
    row = db.session.scalars(query).first()
    if row is None:
        abort(404)
    return render_template(
        "scoring/rubric.html",
        rubric=rubric_view(spec_of(row), row.version),
        versions=[v.version for v in row.rubric.versions],
        source=row.source,
    )


def _agents_rubric_version() -> RubricVersion | None:
    """The version the agent's newest evaluation used, else the newest of their team's rubric."""
    newest = db.session.scalars(
        select(Evaluation.rubric_version_id)
        .join(Call)
        .where(Call.agent_id == current_user.agent_id)
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
    ).first()
    if newest is not None:
        return db.session.get(RubricVersion, newest)
    team = current_user.agent.team if current_user.agent is not None else None
    if team is None:
        return None
    key = team.rubric_key or rubric_for_language(team.language).id
    return db.session.scalars(
        select(RubricVersion).join(Rubric).where(Rubric.key == key).order_by(RubricVersion.version.desc())
    ).first()


@bp.route("/me/rubric")
@require(Permission.VIEW_OWN_CALLS)
def my_rubric():
    """The rubric the signed-in agent is scored against, read-only: criteria, weights, bands and tips."""
    row = _agents_rubric_version()
    return render_template(
        "scoring/rubric.html",
        rubric=rubric_view(spec_of(row), row.version) if row else None,
        versions=[],
        source=None,
        read_only=True,
    )
