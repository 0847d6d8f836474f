"""API tokens: shown once, stored as a hash, created and revoked in the account page and on the command line."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.api.models import ApiToken
from app.api.tokens import hash_token
from app.audit.models import AuditEvent
from app.extensions import db
from tests.api.factories import bearer, token_for
from tests.conftest import csrf_token


def _create(client, **fields):
    data = {
        "name": "PBX",
        "scopes": ["calls:ingest", "calls:read"],
        "csrf_token": csrf_token(client, "/account/tokens"),
        **fields,
    }
    return client.post("/account/tokens", data=data).get_data(as_text=True)


def test_a_user_creates_a_token_that_is_shown_once_and_stored_only_as_a_hash(client, login_as):
    user = login_as("qa_manager")
    page = _create(client)
    clear = re.search(r'data-role="new-token">(ecq_[\w-]+)<', page).group(1)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.user_id == user.id and token.scopes == ["calls:ingest", "calls:read"]
    assert token.token_hash == hash_token(clear) and clear not in (token.prefix, token.token_hash)
    again = client.get("/account/tokens").get_data(as_text=True)
    assert clear not in again and token.prefix in again
    assert client.get("/api/v1/calls", headers=bearer(clear)).status_code == 200


def test_a_user_revokes_their_token_and_it_stops_working_at_once(client, login_as):
    user = login_as("trainer")
    clear = token_for(user, "calls:read")
    token = db.session.scalars(select(ApiToken)).one()
    client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")})
    assert client.get("/api/v1/teams", headers=bearer(clear)).status_code == 401
    assert "Revoked" in client.get("/account/tokens").get_data(as_text=True)


def test_nobody_but_an_admin_revokes_someone_elses_token(client, make, login_as):
    other = make.user("qa_manager")
    token_for(other)
    token = db.session.scalars(select(ApiToken)).one()
    login_as("qa_manager")
    response = client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert response.status_code == 404 and db.session.get(ApiToken, token.id).revoked_at is None


def test_an_admin_issues_a_token_for_a_service_account(client, make, login_as):
    service = make.user("qa_manager", email="pbx-bot@example.org")
    login_as("admin")
    _create(client, user_id=service.id)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.user_id == service.id
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api_token.created")).all()
    assert events[0].details["user"] == service.id and events[0].actor_id != service.id
    assert "pbx-bot@example.org" in client.get("/account/tokens").get_data(as_text=True)
    client.post(f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")})
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_a_user_sees_only_their_own_tokens(client, make, login_as):
    token_for(make.user("qa_manager", email="someone-else@example.org"))
    login_as("qa_manager")
    assert "someone-else@example.org" not in client.get("/account/tokens").get_data(as_text=True)


def test_a_non_admin_cannot_issue_a_token_for_someone_else(client, make, login_as):
    other = make.user("qa_manager")
    login_as("qa_manager")
    _create(client, user_id=other.id)
    assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == other.id)).all() == []


def test_a_token_without_scopes_is_refused_with_the_reason(client, login_as):
    login_as("agent")
    page = _create(client, scopes=[])
    assert "This field is required." in page or "Choose scopes" in page
    assert db.session.scalars(select(ApiToken)).all() == []


def test_the_command_line_creates_and_revokes_tokens(client, runner, make):
    make.user("admin", email="ops@example.org")
    result = runner.invoke(
        args=[
            "qa",
            "api-token",
            "create",
            "ops@example.org",
            "--name",
            "BI",
            "--scopes",
            "evaluations:read",
            "--expires-days",
            "30",
        ]
    )
    assert result.exit_code == 0, result.output
    clear = result.stdout.strip().splitlines()[-1]
    token = db.session.scalars(select(ApiToken)).one()
    assert token.scopes == ["evaluations:read"] and token.expires_at is not None
    assert client.get("/api/v1/evaluations", headers=bearer(clear)).status_code == 200
    revoked = runner.invoke(args=["qa", "api-token", "revoke", token.prefix])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/evaluations", headers=bearer(clear)).status_code == 401


def test_the_command_line_refuses_unknown_scopes_and_accounts(runner, make):
    make.user("admin", email="ops@example.org")
    assert runner.invoke(args=["qa", "api-token", "create", "ops@example.org", "--scopes", "root"]).exit_code != 0
    assert runner.invoke(args=["qa", "api-token", "create", "ghost@example.org"]).exit_code != 0
    assert db.session.scalars(select(ApiToken)).all() == []
