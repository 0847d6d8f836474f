"""Forms of the API tokens and webhooks pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.api.tokens import MAX_EXPIRY_DAYS, SCOPE_LABELS, SCOPES
from app.api.webhooks import EVENT_LABELS
from app.events import EVENTS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    scopes = CheckboxesField(_l("Scopes"), choices=[(s, SCOPE_LABELS[s]) for s in SCOPES], validators=[DataRequired()])
    expires_days = IntegerField(
        _l("Expires after (days, empty: never)"), validators=[Optional(), NumberRange(1, MAX_EXPIRY_DAYS)]
    )
    # Administrators issue tokens for service accounts too; everyone else only for themselves.
    user_id = SelectField(_l("For the account"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Create token"))


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Receiver URL"), validators=[DataRequired(), Length(max=2000)], render_kw={"placeholder": "https://"}
    )
    events = CheckboxesField(_l("Events"), choices=[(e, EVENT_LABELS[e]) for e in EVENTS], validators=[DataRequired()])
    submit = SubmitField(_l("Subscribe"))
