"""Error pages that say what happened, in the user's language."""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.problems import from_http_exception, is_v1


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def any_other(error):
        """Statuses without a page of their own (401, 405, 422...): a problem under /api/v1, else werkzeug's."""
        return from_http_exception(error) if is_v1() else error

    @app.errorhandler(403)
    def forbidden(error):
        if is_v1():
            return from_http_exception(error)
        return render_template("errors/error.html", code=403, message=_("You do not have access to this page.")), 403

    @app.errorhandler(404)
    def not_found(error):
        if is_v1():
            return from_http_exception(error)
        if request.path.startswith("/api/"):
            return {"error": "not found"}, 404
        return render_template("errors/error.html", code=404, message=_("This page does not exist.")), 404

    @app.errorhandler(413)
    def too_large(error):
        if is_v1():
            return from_http_exception(error)
        message = _(
            "The upload is too large (max %(mb)d MB in total). Nothing was stored.", mb=app.config["MAX_UPLOAD_MB"]
        )
        if request.endpoint == "calls.upload":
            flash(message, "error")
            return redirect(url_for("calls.upload")), 303
        return render_template("errors/error.html", code=413, message=message), 413

    @app.errorhandler(429)
    def too_many(error):
        if is_v1():
            return from_http_exception(error)
        return render_template(
            "errors/error.html", code=429, message=_("Too many failed attempts. Please wait a minute and try again.")
        ), 429

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if is_v1():
            return from_http_exception(error)
        return render_template(
            "errors/error.html", code=400, message=_("The form expired or was sent from elsewhere. Please try again.")
        ), 400

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        if is_v1():
            return from_http_exception(error)
        return render_template("errors/error.html", code=500, message=_("Something went wrong on our side.")), 500
