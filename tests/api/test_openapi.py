"""The OpenAPI document is generated from the code, is valid 3.1, and what the API answers matches it."""

from __future__ import annotations

import io
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import EnvironBuilder

from app.extensions import db
from tests.api.factories import bearer, token_for
from tests.coaching.factories import bare_call, final_evaluation
from tests.conftest import wav_bytes


def _spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3_1_and_names_every_v1_route(app, client):
    spec = _spec(client)
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    documented = {path for path in spec["paths"]}
    routes = {
        str(rule).replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("v1_")
    }
    assert routes == documented
    assert spec["components"]["responses"]["DEFAULT_ERROR"]["content"].keys() == {"application/problem+json"}


def test_the_reference_page_lists_every_operation_from_the_document(client):
    spec = _spec(client)
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in set(item) - {"parameters"}:
            assert f"{method.upper()} {path}" in page
    assert "https://" not in page.split("<main", 1)[1].split("</main>", 1)[0]  # nothing fetched from elsewhere


def _where_sent(request) -> WerkzeugOpenAPIRequest:
    """The request as openapi-core needs it to find the operation (a POST's body was already read by the app)."""
    if request.method == "GET":
        return WerkzeugOpenAPIRequest(request)
    return WerkzeugOpenAPIRequest(EnvironBuilder(path=request.path, method=request.method).get_request())


@pytest.fixture
def scored(make):
    """A scored call with an issued sheet, a final evaluation, and a manager's token with every scope."""
    from tests.test_access_matrix import issued_sheet

    agent = make.agent()
    call = make.call(agent)
    sheet = issued_sheet(call)
    final_evaluation(bare_call(agent))
    db.session.commit()
    return {"call": call, "agent": agent, "sheet": sheet, "token": token_for(make.user("qa_manager"))}


def test_every_answer_matches_the_document(client, scored):
    # Problem details are JSON under their own media type; openapi-core is told how to read them.
    openapi = OpenAPI.from_dict(
        _spec(client), config=Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    )
    call, token = scored["call"], bearer(scored["token"])
    rubric = call.team.rubric_key or "hotline_fr"
    from app.scoring.services import current_version

    version = current_version(db.session, rubric).version
    responses = [
        client.get(url, headers=token)
        for url in (
            "/api/v1/calls",
            "/api/v1/calls?limit=1",
            f"/api/v1/calls/{call.id}",
            f"/api/v1/calls/{call.id}/progress",
            f"/api/v1/calls/{call.id}/transcript",
            "/api/v1/evaluations",
            "/api/v1/evaluations?kind=final",
            f"/api/v1/evaluations/{scored['sheet'].evaluation_id}/sheet.pdf",
            "/api/v1/agents",
            "/api/v1/teams",
            f"/api/v1/rubrics/{rubric}/versions/{version}",
            "/api/v1/calls/999999",
            "/api/v1/calls?limit=0",
        )
    ]
    form = {
        "agent": scored["agent"].external_ref,
        "call_date": "2026-11-21T08:00:00+01:00",
        "external_id": "X-1",
        "recording": (io.BytesIO(wav_bytes(seed=99)), "x.wav"),
    }
    responses.append(client.post("/api/v1/calls", data=form, content_type="multipart/form-data", headers=token))
    responses.append(client.get("/api/v1/calls"))
    statuses = []
    for response in responses:
        statuses.append(response.status_code)
        openapi.validate_response(_where_sent(response.request), WerkzeugOpenAPIResponse(response))
    assert statuses == [200] * 11 + [404, 422, 202, 401]


# No 500, and nothing outside the document. Not "a schema-valid request is accepted": an agent that does not exist
# or bytes that are not audio are valid by the schema and rightly refused (422).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_generated_requests_find_no_server_error_and_no_answer_outside_the_document(app, scored, monkeypatch):
    """schemathesis generates requests for every operation from the document (a bounded number each) and checks
    each answer: no 500, a documented status, content type, headers and body."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "10000 per minute")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # a 500 is a finding, not a crash of the test
    # Generated subscriptions point anywhere: their test events are tried once, briefly.
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 1)
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 2)

    def one_context_per_request(environ, start_response):  # as in production, and as FreshContextClient does
        with app.app_context():
            return app(environ, start_response)

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", one_context_per_request)
    headers = bearer(scored["token"])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 16
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
        )
        def answers_as_documented(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_documented()
