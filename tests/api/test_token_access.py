"""The access matrix for tokens: every /api/v1 route, as each role, with each scope alone.

A token acts as its user: what the role may not do stays refused whatever the scopes, and a scope only narrows
what the role may do."""

from __future__ import annotations

import pytest

from app.api.tokens import SCOPES
from tests.api.factories import bearer, token_for
from tests.test_access_matrix import CALL_VIEWERS, SHEET_READERS, worlds  # noqa: F401  (fixture)

# endpoint -> (method, url, roles allowed, scope needed, status when let in)
TOKEN_MATRIX = {
    # Let in, then told the request is incomplete: no recording is sent.
    "v1_calls.ingest_call": ("POST", "/api/v1/calls", {"qa_manager", "admin"}, "calls:ingest", 422),
    "v1_calls.calls": ("GET", "/api/v1/calls", CALL_VIEWERS, "calls:read", 200),
    "v1_calls.call": ("GET", "/api/v1/calls/{call}", CALL_VIEWERS, "calls:read", 200),
    "v1_calls.progress": ("GET", "/api/v1/calls/{call}/progress", CALL_VIEWERS, "calls:read", 200),
    "v1_calls.transcript": ("GET", "/api/v1/calls/{call}/transcript", CALL_VIEWERS, "calls:read", 200),
    "v1_evaluations.evaluations": ("GET", "/api/v1/evaluations", CALL_VIEWERS, "evaluations:read", 200),
    "v1_evaluations.sheet_pdf": (
        "GET",
        "/api/v1/evaluations/{evaluation}/sheet.pdf",
        SHEET_READERS,
        "evaluations:read",
        200,
    ),
    "v1_evaluations.export": ("GET", "/api/v1/evaluations.ndjson", {"qa_manager", "admin"}, "evaluations:read", 200),
    "v1_directory.agents": ("GET", "/api/v1/agents", CALL_VIEWERS, "calls:read", 200),
    "v1_directory.teams": ("GET", "/api/v1/teams", CALL_VIEWERS, "calls:read", 200),
    "v1_directory.rubric_version": (
        "GET",
        "/api/v1/rubrics/{rubric}/versions/{version}",
        {"trainer", "qa_manager", "admin"},
        "evaluations:read",
        200,
    ),
    "v1_webhooks.webhooks": ("GET", "/api/v1/webhooks", {"qa_manager", "admin"}, "webhooks", 200),
    "v1_webhooks.create": ("POST", "/api/v1/webhooks", {"qa_manager", "admin"}, "webhooks", 422),  # no body
    # The subscription is the qa_manager's: nobody else's token reaches it.
    "v1_webhooks.deliveries": ("GET", "/api/v1/webhooks/{subscription}/deliveries", {"qa_manager"}, "webhooks", 200),
    "v1_webhooks.test": ("POST", "/api/v1/webhooks/{subscription}/test", {"qa_manager"}, "webhooks", 202),
    "v1_webhooks.delete": ("DELETE", "/api/v1/webhooks/{subscription}", {"qa_manager"}, "webhooks", 204),
}


def test_every_v1_route_is_in_the_token_matrix(app):
    v1 = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("v1_")}
    assert v1 == set(TOKEN_MATRIX)


@pytest.mark.parametrize("endpoint", sorted(TOKEN_MATRIX))
def test_token_access(module_client, worlds, endpoint):  # noqa: F811
    method, template, allowed, needed, let_in = TOKEN_MATRIX[endpoint]
    world, extra = worlds.restored_for(template)  # the access matrix's world: built once, restored per test
    url = template.format(call=world["call"].id, **extra)
    for role, user in world["users"].items():
        for scope in SCOPES:
            headers = bearer(token_for(user, scope))
            response = module_client.open(url, method=method, headers=headers)
            status, where = response.status_code, f"{role} with {scope} on {endpoint}"
            if role in allowed and scope == needed:
                assert status == let_in, f"{where} refused: {status}"
            elif role in allowed:
                assert status == 403, f"{where} let in without its scope: {status}"
                assert "lacks the" in response.get_json()["detail"]
            else:
                assert status in (403, 404), f"{where} let in: {status}"
            assert status < 300 or response.mimetype == "application/problem+json"
    anonymous = module_client.open(url, method=method)
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"
