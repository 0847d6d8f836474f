"""Forms of the agent's sheet history (comment, dispute) and of the disputes page (resolve); each error is shown
beside its field, with what was typed kept."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, ValidationError

MAX_COMMENT = 4000
SCORE_NEEDED = _l("Give the corrected score, from 0 to 100.")


def _short_enough(form, field) -> None:
    if len(field.data or "") > MAX_COMMENT:
        raise ValidationError(
            _(
                "A comment can have at most %(max)s characters; this one has %(n)s.",
                max=format_decimal(MAX_COMMENT),
                n=format_decimal(len(field.data)),
            )
        )


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(_l("Write a comment first.")), _short_enough])
    submit = SubmitField(_l("Add comment"))


class DisputeForm(FlaskForm):
    criterion = SelectField(_l("Criterion"), validators=[DataRequired(_l("Choose a criterion of this evaluation."))])
    reason = TextAreaField(
        _l("Why do you dispute this score?"),
        validators=[DataRequired(_l("Say why you dispute this score.")), Length(max=4000)],
    )
    submit = SubmitField(_l("Dispute"))


class ResolveForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("accept", _l("Accept: revise the score")), ("reject", _l("Reject"))],
        validators=[DataRequired(_l("Choose a decision.")), AnyOf(("accept", "reject"), _l("Choose a decision."))],
        validate_choice=False,  # one message, not WTForms' "Not a valid choice" as well
    )
    new_score = FloatField(_l("Corrected score"), validators=[Optional(), NumberRange(0, 100, SCORE_NEEDED)])
    resolution = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason for your decision.")), Length(max=4000)]
    )
    submit = SubmitField(_l("Resolve"))

    def validate(self, extra_validators=None) -> bool:
        """Accepting needs the corrected score (Optional() stops a field's own validators when it is empty)."""
        valid = super().validate(extra_validators)
        if self.decision.data == "accept" and self.new_score.data is None and not self.new_score.errors:
            self.new_score.errors.append(SCORE_NEEDED)
            return False
        return valid
