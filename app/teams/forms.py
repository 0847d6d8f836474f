"""Admin forms: teams and agents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]
DOMAIN_CHOICES = [
    ("telecom", _l("Telecom / internet")),
    ("it_service_desk", _l("IT service desk")),
    ("banking", _l("Banking")),
    ("energy", _l("Energy")),
    ("ecommerce", _l("E-commerce")),
]


class TeamForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    domain = SelectField(_l("Domain"), choices=DOMAIN_CHOICES)
    channel_layout = SelectField(
        _l("Channels of stereo recordings"),
        choices=[
            ("agent,customer", _l("Agent left, customer right")),
            ("customer,agent", _l("Customer left, agent right")),
        ],
    )
    submit = SubmitField(_l("Create team"))


class AgentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    team_id = SelectField(_l("Team"), coerce=int)
    external_ref = StringField(_l("Telephony id (optional)"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Add agent"))
