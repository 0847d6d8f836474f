"""Rubric upload form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField


class RubricUploadForm(FlaskForm):
    file = FileField(_l("Rubric file (YAML)"), validators=[FileRequired(), FileAllowed(["yaml", "yml"])])
    submit = SubmitField(_l("Upload new version"))
