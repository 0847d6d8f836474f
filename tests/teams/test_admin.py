"""Team administration: refusals are shown beside the field they are about, in the interface language."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.teams.models import Agent, Team
from app.teams.services import TeamError, create_team
from tests.conftest import csrf_token, login


def _post(client, **data) -> str:
    token = csrf_token(client, "/admin/teams")
    return client.post("/admin/teams", data={"csrf_token": token, **data}).get_data(as_text=True)


def _field_errors(html: str, field_id: str) -> list[str]:
    match = re.search(rf'<div class="field has-error">\s*<label for="{field_id}".*?</div>', html, re.S)
    return (
        [unescape(e) for e in re.findall(r'<small class="error" role="alert">(.*?)</small>', match.group(0))]
        if match
        else []
    )


def _admin(client, make, locale: str | None = None):
    admin = make.user("admin")
    admin.locale = locale
    db.session.commit()
    login(client, admin)


def test_a_team_name_already_used_is_refused_beside_the_name_with_the_form_kept(client, make):
    make.team(name="Support Lyon")
    _admin(client, make)
    html = _post(
        client,
        **{
            "team-name": "Support Lyon",
            "team-language": "en",
            "team-domain": "banking",
            "team-channel_layout": "agent,customer",
            "team-submit": "1",
        },
    )
    assert _field_errors(html, "team-name") == ["A team named Support Lyon already exists."]
    assert 'value="Support Lyon"' in html and 'selected value="banking"' in html
    assert db.session.scalar(select(func.count(Team.id))) == 1


def test_the_french_interface_refuses_a_telephony_id_already_used_in_french(client, make):
    team = make.team()
    make.agent(team=team)  # telephony id A2
    _admin(client, make, "fr")
    html = _post(
        client,
        **{
            "agent-name": "Julie Martin",
            "agent-team_id": str(team.id),
            "agent-external_ref": "A2",
            "agent-submit": "1",
        },
    )
    assert _field_errors(html, "agent-external_ref") == ["Un conseiller avec l’identifiant téléphonie A2 existe déjà."]
    assert 'value="Julie Martin"' in html
    assert db.session.scalar(select(func.count(Agent.id))) == 1


def test_services_refuse_in_the_default_language_outside_a_request(app):
    create_team(db.session, name="Support Lyon", language="fr")
    with pytest.raises(TeamError, match="A team named Support Lyon already exists.") as refused:
        create_team(db.session, name="Support Lyon", language="fr")
    assert refused.value.field == "name"
