"""Forms every package's pages use."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class ActionForm(FlaskForm):
    """An empty form: a button that POSTs with a CSRF token."""

    submit = SubmitField(_l("Retry"))


class FieldError(ValueError):
    """A service's refusal that one input caused: `field` names it (None when it is about nothing in particular). The
    message may be a lazy translation: `str()` reads it in the request's language, the default one on the command
    line."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def show_field_error(form: FlaskForm, exc: FieldError, fields: Mapping[str, str] | None = None) -> None:
    """The refusal beside the form field it is about (`fields` maps the service's name for it to the form's where they
    differ; the form keeps what was typed), else as a message at the top of the page."""
    name = (fields or {}).get(exc.field or "", exc.field)
    if name and name in form:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        flash(str(exc), "error")
