"""Tokens, subscriptions and the objects /api/v1 URLs point at, for the API tests and the access matrix."""

from __future__ import annotations

from sqlalchemy import select

from app.api.tokens import SCOPES, create_token
from app.api.webhooks import subscribe
from app.coaching.models import CoachingSheet
from app.events import EVENTS
from app.extensions import db
from app.scoring.models import Evaluation

# Nothing listens there: a delivery to it fails at once (connection refused).
CLOSED_URL = "http://127.0.0.1:9/hook"


def token_for(user, *scopes: str, **options) -> str:
    """A clear token for `user` with these scopes (all of them when none are named)."""
    _token, clear = create_token(db.session, user, name="test", scopes=scopes or SCOPES, **options)
    db.session.commit()
    return clear


def bearer(clear: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {clear}"}


def subscription(user, url: str = CLOSED_URL, events=EVENTS):
    sub = subscribe(db.session, user, url, list(events))
    db.session.commit()
    return sub


def api_objects(world: dict, template: str) -> dict:
    """For the access matrix: the call's evaluation and rubric, a sheet's evaluation, a token, a subscription."""
    from tests.test_access_matrix import issued_sheet

    found: dict = {}
    if "{rubric}" in template:
        ev = db.session.scalars(select(Evaluation).where(Evaluation.call_id == world["call"].id)).first()
        found |= {"rubric": ev.rubric_version.rubric.key, "version": ev.rubric_version.version}
    if "{evaluation}" in template:
        sheet = db.session.scalars(
            select(CoachingSheet)
            .join(Evaluation, Evaluation.id == CoachingSheet.evaluation_id)
            .where(Evaluation.call_id == world["call"].id)
        ).first()
        found["evaluation"] = (sheet or issued_sheet(world["call"])).evaluation_id
    if "{token}" in template:
        token, _clear = create_token(db.session, world["target_user"], name="matrix", scopes=SCOPES)
        db.session.commit()
        found["token"] = token.id
    if "{subscription}" in template:
        found["subscription"] = subscription(world["users"]["qa_manager"]).id
    return found
