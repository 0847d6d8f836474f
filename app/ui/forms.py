"""Forms every package's pages use."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class ActionForm(FlaskForm):
    """An empty form: a button that POSTs with a CSRF token."""

    submit = SubmitField(_l("Retry"))
