"""Bad input gets a 4xx, never a 500: values no database column can hold are refused at the door."""

from __future__ import annotations

import logging

from flask import Flask, abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from app.extensions import db
from app.problems import from_http_exception, is_v1, problem

log = logging.getLogger(__name__)

# Ids, pages and versions are INTEGER columns: 32 bits on PostgreSQL, so no larger number names anything.
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in routes: a number beyond any stored id is simply not found (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values if isinstance(v, str))


def refuse_nul_bytes():
    """PostgreSQL text cannot hold NUL, and no form or filter needs one: refuse the request whole."""
    form_values = request.form.values() if request.method in ("POST", "PUT", "PATCH") else ()
    filenames = [f.filename for f in request.files.values()] if request.method == "POST" else []
    if (
        "\x00" in request.path
        or _has_nul(request.args.keys())
        or _has_nul(request.args.values())
        or _has_nul(form_values)
        or _has_nul(request.form.keys())
        or _has_nul(filenames)
    ):
        abort(400)


def _out_of_range(error):
    """A value the database or the calendar cannot hold (huge number, year 10000): the request is wrong."""
    db.session.rollback()
    log.info("refused out-of-range input on %s: %s", request.path, type(error).__name__)
    if is_v1():
        return problem(400, "Bad Request", "A value in the request is out of range. Nothing was changed.")
    if request.path.startswith("/api/"):
        return {"error": "a value in the request is out of range"}, 400
    return render_template(
        "errors/error.html", code=400, message=_("A value in the request is out of range. Nothing was changed.")
    ), 400


def _bad_request(error):
    if is_v1():
        return from_http_exception(error)
    if request.path.startswith("/api/"):
        return {"error": "bad request"}, 400
    return render_template(
        "errors/error.html", code=400, message=_("The request could not be understood. Nothing was changed.")
    ), 400


def register_converters(app: Flask) -> None:
    """Before any blueprint: routes bind their converters when they are added."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def register(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
    app.register_error_handler(OverflowError, _out_of_range)
    app.register_error_handler(DataError, _out_of_range)
    app.register_error_handler(400, _bad_request)
