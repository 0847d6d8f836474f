"""/api/v1 as an integration uses it: ingest, read calls and scores, errors as problem details, limits."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from sqlalchemy import func, select

from app.api.models import ApiToken
from app.calls.models import Call
from app.db import utcnow
from app.extensions import db
from app.transcription.models import TranscriptSegment
from tests.api.factories import bearer, token_for
from tests.coaching.factories import bare_call, final_evaluation
from tests.conftest import csrf_token, login, wav_bytes


def _send(client, token, agent_ref, *, external_id=None, data=None, seconds=2.0, seed=7, **headers):
    form = {
        "agent": agent_ref,
        "call_date": "2026-11-20T09:30:00Z",
        "direction": "inbound",
        "recording": (io.BytesIO(data if data is not None else wav_bytes(seconds=seconds, seed=seed)), "rec.wav"),
    }
    if external_id:
        form["external_id"] = external_id
    return client.post(
        "/api/v1/calls", data=form, content_type="multipart/form-data", headers=bearer(token) if token else headers
    )


def _calls() -> int:
    return db.session.scalar(select(func.count(Call.id)))


def test_a_phone_system_sends_a_call_in_and_follows_its_progress(client, make):
    agent = make.agent()
    token = token_for(make.user("qa_manager"), "calls:ingest", "calls:read")
    response = _send(client, token, agent.external_ref, external_id="PBX-1")
    assert response.status_code == 202
    body = response.get_json()
    assert body["agent"]["id"] == agent.id and body["external_id"] == "PBX-1"
    assert response.headers["Location"].endswith(f"/api/v1/calls/{body['id']}")
    progress = client.get(body["links"]["progress"], headers=bearer(token)).get_json()
    assert progress["call_id"] == body["id"] and progress["status"] == "scored"  # jobs run inline in tests


def test_sending_the_same_external_id_again_returns_the_stored_call(client, make):
    agent = make.agent()
    token = token_for(make.user("admin"), "calls:ingest")
    first = _send(client, token, agent.external_ref, external_id="PBX-42", seed=1)
    again = _send(client, token, agent.external_ref, external_id="PBX-42", seed=2)
    assert first.status_code == 202 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"] and _calls() == 1


def test_the_agent_can_be_named_by_the_email_of_their_account(client, make):
    agent = make.agent()
    make.user("agent", agent=agent, email="julie@example.org")
    token = token_for(make.user("qa_manager"), "calls:ingest")
    assert _send(client, token, "julie@example.org").get_json()["agent"]["id"] == agent.id


def test_a_call_date_with_an_offset_is_stored_in_utc_and_one_without_is_taken_as_utc(client, make):
    agent = make.agent()
    token = token_for(make.user("qa_manager"), "calls:ingest")
    for seed, sent, stored in (
        (11, "2026-11-20T09:30:00+01:00", "2026-11-20T08:30:00+00:00"),
        (12, "2026-11-20T09:30:00", "2026-11-20T09:30:00+00:00"),
    ):
        form = {
            "agent": agent.external_ref,
            "call_date": sent,
            "recording": (io.BytesIO(wav_bytes(seed=seed)), "rec.wav"),
        }
        response = client.post("/api/v1/calls", data=form, content_type="multipart/form-data", headers=bearer(token))
        assert response.get_json()["call_date"] == stored


def test_ingest_refuses_what_the_upload_form_refuses_and_stores_nothing(client, make):
    agent = make.agent()
    token = token_for(make.user("qa_manager"), "calls:ingest")
    short = _send(client, token, agent.external_ref, seconds=0.5)
    assert short.status_code == 422 and short.mimetype == "application/problem+json"
    assert "too short" in short.get_json()["detail"]
    garbage = _send(client, token, agent.external_ref, data=b"not audio at all")
    assert garbage.status_code == 422 and garbage.get_json()["status"] == 422
    unknown = _send(client, token, "nobody")
    assert unknown.status_code == 422 and "Unknown agent" in unknown.get_json()["detail"]
    assert _calls() == 0


def test_a_missing_field_is_a_422_problem_naming_the_field(client, make):
    token = token_for(make.user("qa_manager"), "calls:ingest")
    response = client.post("/api/v1/calls", data={"agent": "A1"}, headers=bearer(token))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "call_date" in json.dumps(response.get_json()["errors"])


def test_token_requests_need_no_csrf_token_but_signed_in_browsers_do(client, make):
    agent = make.agent()
    user = make.user("qa_manager")
    assert _send(client, token_for(user, "calls:ingest"), agent.external_ref, seed=3).status_code == 202
    login(client, user)
    refused = _send(client, None, agent.external_ref, seed=4)
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    form = {
        "agent": agent.external_ref,
        "call_date": "2026-11-20T09:30:00Z",
        "csrf_token": csrf_token(client, "/"),
        "recording": (io.BytesIO(wav_bytes(seed=5)), "rec.wav"),
    }
    assert client.post("/api/v1/calls", data=form, content_type="multipart/form-data").status_code == 202


def test_revoked_expired_and_deactivated_tokens_answer_401(client, make):
    user = make.user("qa_manager")
    revoked, expired, live = token_for(user), token_for(user, expires_days=1), token_for(user)
    rows = {t.token_hash: t for t in db.session.scalars(select(ApiToken))}
    from app.api.tokens import hash_token

    rows[hash_token(revoked)].revoked_at = utcnow()
    rows[hash_token(expired)].expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for token in (revoked, expired, "ecq_made-up", "not-even-ours"):
        response = client.get("/api/v1/calls", headers=bearer(token))
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/calls", headers=bearer(live)).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/calls", headers=bearer(live)).status_code == 401


def test_a_token_records_when_it_was_last_used_and_opens_no_session(client, make):
    token = token_for(make.user("trainer"), "calls:read")
    assert db.session.scalars(select(ApiToken)).one().last_used_at is None
    response = client.get("/api/v1/teams", headers=bearer(token))
    assert db.session.scalars(select(ApiToken)).one().last_used_at is not None
    assert "Set-Cookie" not in response.headers
    assert client.get("/calls/").status_code == 302  # the browser-like client is still signed out


def test_an_agents_token_lists_only_their_own_calls_and_never_opens_another(client, make):
    mine, theirs = make.agent(), make.agent()
    own, other = make.call(mine), make.call(theirs)
    token = token_for(make.user("agent", agent=mine), "calls:read", "evaluations:read")
    listed = client.get("/api/v1/calls", headers=bearer(token)).get_json()["items"]
    assert [c["id"] for c in listed] == [own.id]
    for url in (
        f"/api/v1/calls/{other.id}",
        f"/api/v1/calls/{other.id}/transcript",
        f"/api/v1/calls/{other.id}/progress",
    ):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    evaluations = client.get("/api/v1/evaluations", headers=bearer(token)).get_json()["items"]
    assert {e["call_id"] for e in evaluations} == {own.id}
    assert [a["id"] for a in client.get("/api/v1/agents", headers=bearer(token)).get_json()["items"]] == [mine.id]


def test_cursor_pages_walk_every_call_once(client, make):
    agent = make.agent()
    ids = {make.call(agent).id for _ in range(5)}
    token = token_for(make.user("qa_manager"), "calls:read")
    seen, url = [], "/api/v1/calls?limit=2"
    while url:
        page = client.get(url, headers=bearer(token)).get_json()
        seen += [c["id"] for c in page["items"]]
        url = f"/api/v1/calls?limit=2&cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert sorted(seen, reverse=True) == seen and set(seen) == ids and len(seen) == 5
    bad = client.get("/api/v1/calls?cursor=bm9wZQ", headers=bearer(token))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def _spoken(call):
    call.transcript.segments.append(
        TranscriptSegment(
            position=0,
            speaker="customer",
            start=0.0,
            end=1.5,
            text="Mon numéro est le 06 12 34 56 78.",
            redacted_text="Mon numéro est le [téléphone].",
            words=[],
        )
    )
    db.session.commit()


def test_transcripts_are_masked_per_role_as_on_the_call_page(client, make):
    call = make.call()
    _spoken(call)
    url = f"/api/v1/calls/{call.id}/transcript"
    trainer = client.get(url, headers=bearer(token_for(make.user("trainer"), "calls:read"))).get_json()
    manager = client.get(url, headers=bearer(token_for(make.user("qa_manager"), "calls:read"))).get_json()
    assert trainer["redacted"] and trainer["segments"][-1]["text"] == "Mon numéro est le [téléphone]."
    assert not manager["redacted"] and "06 12 34 56 78" in manager["segments"][-1]["text"]


def test_evaluations_give_automatic_and_final_scores_filtered_by_kind_team_agent_and_period(client, make):
    agent, elsewhere = make.agent(), make.agent()
    reviewed = bare_call(agent)
    final_evaluation(reviewed, na=("empathy",))
    db.session.commit()
    make.call(elsewhere)
    token = bearer(token_for(make.user("qa_manager"), "evaluations:read"))
    finals = client.get(f"/api/v1/evaluations?kind=final&agent={agent.id}", headers=token).get_json()["items"]
    assert [e["call_id"] for e in finals] == [reviewed.id]
    scores = {c["key"]: c for c in finals[0]["criteria"]}
    assert scores["active_listening"]["final_score"] == 80.0 and scores["active_listening"]["automatic_score"] == 70.0
    assert scores["empathy"]["na"] is True
    assert scores["empathy"]["na_reason"] is None  # the reviewer's N/A: the scorer gave no reason for it
    automatic = client.get("/api/v1/evaluations?kind=automatic", headers=token).get_json()["items"]
    reasons = {c["key"]: c["na_reason"] for e in automatic for c in e["criteria"] if c["na"]}
    assert reasons["hold_etiquette"] == {"fr": "Pas de mise en attente dans cet appel", "en": "No hold in this call"}
    assert automatic and {e["kind"] for e in automatic} == {"automatic"}
    assert {e["agent"]["id"] for e in automatic} == {elsewhere.id}
    assert (
        client.get(f"/api/v1/evaluations?team={elsewhere.team_id}&kind=final", headers=token).get_json()["items"] == []
    )
    outside = client.get("/api/v1/evaluations?start=2025-01-01&end=2025-01-31", headers=token).get_json()
    assert outside["items"] == []


def test_the_ndjson_export_streams_a_periods_final_evaluations_with_the_csv_columns(client, make):
    from app.reports.services import EXPORT_COLUMNS

    agent = make.agent()
    final_evaluation(bare_call(agent))
    db.session.commit()
    response = client.get(
        "/api/v1/evaluations.ndjson?start=2026-11-01&end=2026-11-30",
        headers=bearer(token_for(make.user("qa_manager"), "evaluations:read")),
    )
    assert response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(lines) == 1 and set(EXPORT_COLUMNS) <= set(lines[0])
    assert lines[0]["agent_id"] == agent.id
    assert lines[0]["criteria"]["jargon"] == {"final_score": 60.0, "automatic_score": 65.0, "na": False}
    backwards = client.get(
        "/api/v1/evaluations.ndjson?start=2026-11-30&end=2026-11-01",
        headers=bearer(token_for(make.user("qa_manager"), "evaluations:read")),
    )
    assert backwards.status_code == 422


def test_too_many_requests_from_one_token_get_a_429_problem_and_others_go_on(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    busy, calm = token_for(make.user("trainer"), "calls:read"), token_for(make.user("trainer"), "calls:read")
    statuses = [client.get("/api/v1/teams", headers=bearer(busy)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/teams", headers=bearer(busy))
    assert refused.mimetype == "application/problem+json" and "Retry-After" in refused.headers
    assert client.get("/api/v1/teams", headers=bearer(calm)).status_code == 200


def test_an_unexpected_failure_is_a_500_problem_not_a_page(app, client, make, monkeypatch):
    import app.api.v1.calls as calls_api

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(calls_api, "progress_of", lambda call: 1 / 0)
    call = make.call()
    response = client.get(
        f"/api/v1/calls/{call.id}/progress", headers=bearer(token_for(make.user("qa_manager"), "calls:read"))
    )
    assert response.status_code == 500 and response.get_json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": response.get_json()["detail"],
    }


def test_unknown_paths_and_methods_under_v1_are_problems_too(client, make):
    token = bearer(token_for(make.user("qa_manager")))
    missing = client.get("/api/v1/nothing-here", headers=token)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/calls", headers=token)
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json" and "Allow" in wrong.headers


def test_the_old_session_api_keeps_answering_as_before(client, make, login_as):
    call = make.call()
    assert client.get(f"/api/calls/{call.id}").get_json() == {"error": "authentication required"}
    login_as("qa_manager")
    assert client.get(f"/api/calls/{call.id}").get_json()["id"] == call.id
