"""Forms of the agent's sheet history (comment, dispute) and of the disputes page (resolve)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

MAX_COMMENT = 4000


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=MAX_COMMENT)])
    submit = SubmitField(_l("Add comment"))


class DisputeForm(FlaskForm):
    criterion = SelectField(_l("Criterion"), validators=[DataRequired()])
    reason = TextAreaField(_l("Why do you dispute this score?"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Dispute"))


class ResolveForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("accept", _l("Accept: revise the score")), ("reject", _l("Reject"))],
        validators=[DataRequired()],
    )
    new_score = FloatField(_l("Corrected score"), validators=[Optional(), NumberRange(0, 100)])
    resolution = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Resolve"))
