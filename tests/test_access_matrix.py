"""Every route x every role (and anonymous): who gets in, who is refused.

A new route fails `test_every_route_is_in_the_matrix` until its expected access is written here.
"""

from __future__ import annotations

from string import Formatter

import pytest

from tests.api.factories import api_objects
from tests.coaching.factories import matrix_objects
from tests.conftest import Factory, Snapshot, csrf_token, login
from tests.roleplay.factories import roleplay_objects

ROLES = ("anonymous", "agent", "trainer", "qa_manager", "admin")
ALL = set(ROLES) - {"anonymous"}
CALL_VIEWERS = {"agent", "trainer", "qa_manager", "admin"}  # an agent only for their own call
SHEET_READERS = {"agent", "qa_manager", "admin"}  # an agent only for their own sheet
BUILDERS = {"trainer", "admin"}  # role-play material: redacted, anonymised moments and scenarios
OBSERVERS = {"trainer", "qa_manager", "admin"}  # who records a practice

# Let in, then told the request is incomplete: the matrix sends no recording to the ingest endpoint.
LET_IN = {
    "v1_calls.ingest_call": (422,),
    "v1_webhooks.create": (422,),
    "v1_webhooks.test": (202,),
    "v1_webhooks.delete": (204,),
}

# endpoint -> (method, url template, roles allowed)
MATRIX: dict[str, tuple[str, str, set[str]]] = {
    "main.index": ("GET", "/", ALL),
    "main.healthz": ("GET", "/healthz", set(ROLES)),
    "main.favicon": ("GET", "/favicon.ico", set(ROLES)),
    "auth.login": ("GET", "/login", set(ROLES)),
    "auth.logout": ("POST", "/logout", ALL),
    "auth.language": ("POST", "/language", set(ROLES)),
    "auth.password": ("GET", "/account/password", ALL),
    "calls.index": ("GET", "/calls/", CALL_VIEWERS),
    "calls.upload": ("GET", "/calls/upload", {"qa_manager", "admin"}),
    "calls.show": ("GET", "/calls/{call}", CALL_VIEWERS),
    "calls.audio": ("GET", "/calls/{call}/audio", CALL_VIEWERS),
    "calls.retry": ("POST", "/calls/{call}/jobs/{job}/retry", {"qa_manager", "admin"}),
    "transcription.export": ("GET", "/calls/{call}/transcript.json", CALL_VIEWERS),
    "transcription.swap_channels": ("POST", "/calls/{call}/swap-channels", {"qa_manager", "admin"}),
    "scoring.rescore": ("POST", "/calls/{call}/rescore", {"qa_manager", "admin"}),
    "scoring.rubrics": ("GET", "/rubrics/", {"trainer", "qa_manager", "admin"}),
    "scoring.rubric": ("GET", "/rubrics/hotline_fr", {"trainer", "qa_manager", "admin"}),
    "scoring.my_rubric": ("GET", "/me/rubric", {"agent", "admin"}),
    "teams.teams": ("GET", "/admin/teams", {"admin"}),
    "auth.users": ("GET", "/admin/users", {"admin"}),
    "auth.toggle_user": ("POST", "/admin/users/{user}/toggle", {"admin"}),
    "api.calls": ("GET", "/api/calls", CALL_VIEWERS),
    "api.call": ("GET", "/api/calls/{call}", CALL_VIEWERS),
    "api.progress": ("GET", "/api/calls/{call}/progress", CALL_VIEWERS),
    # /api/v1 with the web session; tests/api/test_token_access.py covers the same routes with tokens.
    "v1_calls.ingest_call": ("POST", "/api/v1/calls", {"qa_manager", "admin"}),
    "v1_calls.calls": ("GET", "/api/v1/calls", CALL_VIEWERS),
    "v1_calls.call": ("GET", "/api/v1/calls/{call}", CALL_VIEWERS),
    "v1_calls.progress": ("GET", "/api/v1/calls/{call}/progress", CALL_VIEWERS),
    "v1_calls.transcript": ("GET", "/api/v1/calls/{call}/transcript", CALL_VIEWERS),
    "v1_evaluations.evaluations": ("GET", "/api/v1/evaluations", CALL_VIEWERS),
    "v1_evaluations.sheet_pdf": ("GET", "/api/v1/evaluations/{evaluation}/sheet.pdf", SHEET_READERS),
    "v1_evaluations.export": ("GET", "/api/v1/evaluations.ndjson", {"qa_manager", "admin"}),
    "v1_directory.agents": ("GET", "/api/v1/agents", CALL_VIEWERS),
    "v1_directory.teams": ("GET", "/api/v1/teams", CALL_VIEWERS),
    "v1_directory.rubric_version": (
        "GET",
        "/api/v1/rubrics/{rubric}/versions/{version}",
        {"trainer", "qa_manager", "admin"},
    ),
    "v1_webhooks.webhooks": ("GET", "/api/v1/webhooks", {"qa_manager", "admin"}),
    "v1_webhooks.create": ("POST", "/api/v1/webhooks", {"qa_manager", "admin"}),
    # The subscription is the qa_manager's, as on the pages below.
    "v1_webhooks.deliveries": ("GET", "/api/v1/webhooks/{subscription}/deliveries", {"qa_manager"}),
    "v1_webhooks.test": ("POST", "/api/v1/webhooks/{subscription}/test", {"qa_manager"}),
    "v1_webhooks.delete": ("DELETE", "/api/v1/webhooks/{subscription}", {"qa_manager"}),
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", set(ROLES)),
    "integrations.docs": ("GET", "/api/v1/docs", set(ROLES)),
    "integrations.tokens": ("GET", "/account/tokens", ALL),
    "integrations.revoke": ("POST", "/account/tokens/{token}/revoke", {"admin"}),  # the token is another user's
    "integrations.webhooks": ("GET", "/account/webhooks", {"qa_manager", "admin"}),
    # The subscription is the qa_manager's: nobody else, not even an admin, reads or uses it.
    "integrations.deliveries": ("GET", "/account/webhooks/{subscription}", {"qa_manager"}),
    "integrations.test": ("POST", "/account/webhooks/{subscription}/test", {"qa_manager"}),
    "integrations.delete": ("POST", "/account/webhooks/{subscription}/delete", {"qa_manager"}),
    "static": ("GET", "/static/css/app.css", set(ROLES)),
    "review.queue_page": ("GET", "/review/", {"qa_manager", "admin"}),
    "review.create_plan": ("POST", "/review/plans", {"qa_manager", "admin"}),
    "review.draw": ("POST", "/review/draw", {"qa_manager", "admin"}),
    "review.assignment": ("POST", "/review/assignments/{assignment}", {"qa_manager", "admin"}),
    "review.screen": ("GET", "/review/calls/{call}", {"qa_manager", "admin"}),
    "review.revise": ("GET", "/review/calls/{call}/revise", {"qa_manager", "admin"}),
    "review.calibrations": ("GET", "/review/calibration/", {"qa_manager", "admin"}),
    "review.calibration_page": ("GET", "/review/calls/{call}/calibration", {"qa_manager", "admin"}),
    "review.reveal": ("POST", "/review/calls/{call}/calibration/reveal", {"qa_manager", "admin"}),
    "coaching.show": ("GET", "/sheets/{sheet}", SHEET_READERS),
    "coaching.pdf": ("GET", "/sheets/{sheet}.pdf", SHEET_READERS),
    "coaching.my_coaching": ("GET", "/me/coaching", {"agent", "admin"}),
    "coaching.sheet": ("GET", "/me/coaching/{sheet}", SHEET_READERS),
    "coaching.acknowledge_sheet": ("POST", "/me/coaching/{sheet}/acknowledge", {"agent"}),
    "coaching.comment": ("POST", "/me/coaching/{sheet}/comment", SHEET_READERS),
    "coaching.dispute": ("POST", "/me/coaching/{sheet}/dispute", {"agent"}),
    "coaching.disputes": ("GET", "/disputes/", {"qa_manager", "admin"}),
    "coaching.resolve": ("POST", "/disputes/{dispute}/resolve", {"qa_manager", "admin"}),
    "notifications.index": ("GET", "/notifications/", ALL),
    "notifications.read": ("POST", "/notifications/{notification}/read", {"agent"}),
    "notifications.read_all": ("POST", "/notifications/read-all", ALL),
    "reports.team": ("GET", "/reports/team", {"qa_manager", "admin"}),
    "reports.evaluations_csv": ("GET", "/reports/evaluations.csv", {"qa_manager", "admin"}),
    "reports.scorer": ("GET", "/reports/scorer", {"qa_manager", "admin"}),
    "reports.scorer_fit": ("POST", "/reports/scorer/fit", {"admin"}),  # fitting and publishing rubric versions
    "roleplay.moments": ("GET", "/roleplay/moments", BUILDERS),
    "roleplay.moment": ("GET", "/roleplay/moments/{moment}", BUILDERS),
    "roleplay.moment_audio": ("GET", "/roleplay/moments/{moment}/audio", BUILDERS),
    "roleplay.collections": ("GET", "/roleplay/collections", BUILDERS),
    "roleplay.collection": ("GET", "/roleplay/collections/{collection}", BUILDERS),
    "roleplay.pin": ("POST", "/roleplay/collections/pin", BUILDERS),
    "roleplay.unpin": ("POST", "/roleplay/collections/{collection}/unpin", BUILDERS),
    "roleplay.scenarios": ("GET", "/roleplay/scenarios", OBSERVERS),
    "roleplay.new_scenario": ("GET", "/roleplay/scenarios/new", BUILDERS),
    "roleplay.scenario": ("GET", "/roleplay/scenarios/{scenario}", OBSERVERS),
    "roleplay.edit_scenario": ("GET", "/roleplay/scenarios/{scenario}/edit", BUILDERS),
    "roleplay.add_excerpt": ("POST", "/roleplay/scenarios/excerpts", BUILDERS),
    "roleplay.pack": ("GET", "/roleplay/scenarios/{scenario}/pack.pdf", BUILDERS),
    "roleplay.assign": ("POST", "/roleplay/scenarios/{scenario}/assign", BUILDERS),
    "roleplay.practice": ("GET", "/roleplay/scenarios/{scenario}/practice", OBSERVERS),
    "roleplay.my_roleplays": ("GET", "/me/roleplays", {"agent", "admin"}),
    "roleplay.my_roleplay": ("GET", "/me/roleplays/{scenario}", {"agent"}),  # only when assigned to them
    "roleplay.my_pack": ("GET", "/me/roleplays/{scenario}/pack.pdf", {"agent"}),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "add the new routes to MATRIX with who may use them"


def build_world(make) -> dict:
    """An agent who owns the call, and the objects the URLs point at."""
    agent = make.agent()
    call = make.call(agent)
    users = {role: make.user(role, agent=agent if role == "agent" else None) for role in ROLES[1:]}
    return {"call": call, "job": call.jobs[0], "users": users, "target_user": make.user("trainer")}


@pytest.fixture
def world(make):
    return build_world(make)


def issued_sheet(call):
    """Finalise the call's automatic evaluation and issue its sheet (only for routes that need one)."""
    from sqlalchemy import select

    from app.coaching.services import issue_sheet
    from app.db import utcnow
    from app.extensions import db
    from app.scoring.choices import EvaluationKind, EvaluationStatus
    from app.scoring.models import Evaluation

    evaluation = db.session.scalars(select(Evaluation).where(Evaluation.call_id == call.id)).one()
    evaluation.status, evaluation.kind = EvaluationStatus.FINAL, EvaluationKind.REVIEW
    evaluation.finalized_at = utcnow()
    sheet = issue_sheet(db.session, evaluation)
    db.session.commit()
    return sheet


def queued(call) -> int:
    """Put the call in the review queue (only for routes that need a queue item)."""
    from app.extensions import db
    from app.review.choices import AssignmentStatus
    from app.review.models import ReviewAssignment

    item = ReviewAssignment(call_id=call.id, status=AssignmentStatus.OPEN)
    db.session.add(item)
    db.session.commit()
    return item.id


def objects_for(world: dict, template: str) -> dict[str, int]:
    """The ids the URL template needs besides the call's, its job's and a user's, each built only when named."""
    extra = {"sheet": issued_sheet(world["call"]).id if "{sheet}" in template else 0}
    extra |= matrix_objects(world, template) | roleplay_objects(world, template) | api_objects(world, template)
    if "{assignment}" in template:
        extra["assignment"] = queued(world["call"])
    return extra


class Worlds:
    """The world built once for the module, and the objects each kind of URL needs built once on top of it.
    Every case starts from a snapshot of its world: what the case before it wrote (a POST) is gone."""

    def __init__(self, app, tmp_path_factory) -> None:
        self.app, self.tmp = app, tmp_path_factory
        world = build_world(Factory(app))
        self.ids = {
            "call": world["call"].id,
            "job": world["job"].id,
            "users": {role: user.id for role, user in world["users"].items()},
            "target_user": world["target_user"].id,
        }
        self.base = Snapshot(app, tmp_path_factory.mktemp("world"))
        self.prepared: dict[frozenset[str], tuple[Snapshot, dict[str, int]]] = {}

    def load(self) -> dict:
        """The world's objects, read from the database."""
        from app.auth.models import User
        from app.calls.models import Call
        from app.extensions import db
        from app.jobs.models import Job

        users = {role: db.session.get(User, user_id) for role, user_id in self.ids["users"].items()}
        call, job, target = (
            db.session.get(model, self.ids[key]) for model, key in ((Call, "call"), (Job, "job"), (User, "target_user"))
        )
        return {"call": call, "job": job, "users": users, "target_user": target}

    def restored_for(self, template: str) -> tuple[dict, dict[str, int]]:
        """The world as a fresh test of `template` would find it, and the ids of the objects the template names.
        The objects only depend on which placeholders the template has: templates that share them share a world."""
        key = frozenset(name for _text, name, _spec, _conv in Formatter().parse(template) if name)
        if key not in self.prepared:
            self.base.restore()
            extra = objects_for(self.load(), template)
            self.prepared[key] = (Snapshot(self.app, self.tmp.mktemp("world")), extra)
        snapshot, extra = self.prepared[key]
        snapshot.restore()
        return self.load(), extra


@pytest.fixture(scope="module")
def worlds(module_app, tmp_path_factory) -> Worlds:
    return Worlds(module_app, tmp_path_factory)


def _request(client, method: str, url: str, signed_in: bool):
    if method == "GET":
        return client.get(url)
    # A valid CSRF token, so what is tested is the role check, not the token check.
    token = csrf_token(client, "/" if signed_in else "/login")
    if method == "DELETE":
        return client.delete(url, headers={"X-CSRFToken": token})
    return client.post(url, data={"csrf_token": token})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_access(module_client, worlds, endpoint, role):
    method, template, allowed = MATRIX[endpoint]
    world, extra = worlds.restored_for(template)
    url = template.format(call=world["call"].id, job=world["job"].id, user=world["target_user"].id, **extra)
    if role != "anonymous":
        assert login(module_client, world["users"][role]).status_code == 302
    response = _request(module_client, method, url, signed_in=role != "anonymous")
    if role in allowed:
        assert response.status_code in LET_IN.get(endpoint, (200, 302)), (
            f"{role} refused on {endpoint}: {response.status_code}"
        )
        if response.status_code == 302 and endpoint != "auth.logout":
            assert "/login?" not in response.headers["Location"]
    elif role == "anonymous":
        assert response.status_code in (302, 401)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    else:
        assert response.status_code in (403, 404), f"{role} let into {endpoint}: {response.status_code}"


@pytest.mark.parametrize(
    "url",
    [
        "/calls/{call}",
        "/calls/{call}/audio",
        "/calls/{call}/transcript.txt",
        "/api/calls/{call}",
        "/api/calls/{call}/progress",
    ],
)
def test_agent_cannot_open_another_agents_call(client, make, login_as, url):
    others_call = make.call(make.agent())
    login_as("agent")
    response = client.get(url.format(call=others_call.id))
    assert response.status_code == 404


def test_agent_lists_only_their_own_calls(client, make, login_as):
    mine = make.agent()
    own = make.call(mine)
    theirs = make.call(make.agent())
    login_as("agent", agent=mine)
    listed = {item["id"] for item in client.get("/api/calls").get_json()["items"]}
    assert listed == {own.id}
    page = client.get("/calls/").get_data(as_text=True)
    assert f'/calls/{own.id}"' in page and f'/calls/{theirs.id}"' not in page


def test_api_without_sign_in_answers_401_json(client, make):
    call = make.call()
    response = client.get(f"/api/calls/{call.id}")
    assert response.status_code == 401 and response.get_json() == {"error": "authentication required"}
