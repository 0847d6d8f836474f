"""Forms of the review pages: plans, draws, the review screen, revisions, calibration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.review.choices import Period

PERIOD_CHOICES = [(Period.WEEK, _l("Week")), (Period.MONTH, _l("Month"))]


# Numbers take InputRequired, not DataRequired: a 0 typed in is out of range, not missing.
class PlanForm(FlaskForm):
    team_id = SelectField(_l("Team"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    calls_per_agent = IntegerField(_l("Calls per agent"), default=2, validators=[InputRequired(), NumberRange(1, 50)])
    period = SelectField(_l("Per"), choices=PERIOD_CHOICES)
    lowest_scores = IntegerField(
        _l("Lowest automatic scores (%)"), default=0, validators=[Optional(), NumberRange(0, 100)]
    )
    flagged = IntegerField(_l("Flagged calls (%)"), default=0, validators=[Optional(), NumberRange(0, 100)])
    long_silence = IntegerField(_l("Long silences (%)"), default=0, validators=[Optional(), NumberRange(0, 100)])
    negative_reaction = IntegerField(
        _l("Negative customer reactions (%)"), default=0, validators=[Optional(), NumberRange(0, 100)]
    )
    criterion = SelectField(_l("Target one criterion (lowest scores)"), validators=[Optional()])
    min_duration = FloatField(
        _l("Shortest call to judge (s)"), default=60, validators=[Optional(), NumberRange(0, 7200)]
    )
    submit = SubmitField(_l("Create plan"))


class DrawForm(FlaskForm):
    plan_id = SelectField(_l("Plan"), coerce=int, validators=[DataRequired()])
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, validators=[DataRequired()])
    day = DateField(_l("Period containing"), validators=[DataRequired()])
    seed = IntegerField(_l("Seed (to repeat a draw)"), validators=[Optional(), NumberRange(0, 2**31 - 1)])
    due_days = IntegerField(_l("Due in (days)"), default=7, validators=[InputRequired(), NumberRange(1, 90)])
    submit = SubmitField(_l("Draw"))


class AssignmentForm(FlaskForm):
    """What to do with one open item of the review queue."""

    action = SelectField(
        _l("Action"),
        choices=[
            ("reassign", _l("Give to")),
            ("skip", _l("Skip (not drawn again)")),
            ("remove", _l("Remove (may be drawn again)")),
        ],
    )
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Apply"))


class CriterionReviewForm(FlaskForm):
    class Meta:
        csrf = False  # part of the review form, which carries the token

    key = HiddenField()
    score = DecimalField(_l("Score"), places=None, validators=[Optional(), NumberRange(0, 100)])
    na = BooleanField(_l("N/A"))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class ActionItemForm(FlaskForm):
    class Meta:
        csrf = False

    text = StringField(_l("Action item"), validators=[Optional(), Length(max=500)])
    due_date = DateField(_l("Due"), validators=[Optional()])


class ReviewForm(FlaskForm):
    criteria = FieldList(FormField(CriterionReviewForm))
    strengths = TextAreaField(_l("Strengths"), validators=[Optional(), Length(max=5000)])
    improvements = TextAreaField(_l("Areas to improve"), validators=[Optional(), Length(max=5000)])
    actions = FieldList(FormField(ActionItemForm), min_entries=3)
    # Filled by the transcript selection script: a JSON list of {criterion, segment, start, end, sign, note}.
    new_evidence = HiddenField()
    save = SubmitField(_l("Save draft"))
    finalise = SubmitField(_l("Finalise"))


class RevisionForm(FlaskForm):
    criteria = FieldList(FormField(CriterionReviewForm))
    why = TextAreaField(_l("Why this correction"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Create revision"))


class OpenCalibrationForm(FlaskForm):
    call_id = IntegerField(_l("Call number"), validators=[InputRequired()])
    reviewer_ids = SelectMultipleField(_l("Reviewers"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Open calibration"))


class CalibrationScoreForm(FlaskForm):
    criteria = FieldList(FormField(CriterionReviewForm))
    submit = SubmitField(_l("Submit my scores"))


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
