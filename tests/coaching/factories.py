"""Rows for coaching tests, built directly: calls without audio, final evaluations, issued sheets (dummy sha)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from app.calls.models import Call, Recording
from app.coaching.models import CoachingSheet
from app.extensions import db
from app.scoring.models import Evaluation
from tests.helpers import final_evaluation as final_evaluation  # the one builder, where these tests look


def bare_call(agent, when: datetime | None = None) -> Call:
    """A scored call with a placeholder recording: enough for reports and sheets, no audio involved."""
    recording = Recording(
        sha256=uuid.uuid4().hex * 2,
        size=1,
        format="wav",
        codec="pcm_s16le",
        duration=60.0,
        channels=2,
        sample_rate=16000,
        extension="wav",
    )
    call = Call(
        recording=recording,
        agent_id=agent.id,
        team_id=agent.team_id,
        status="scored",
        call_date=when or datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
        original_filename="call.wav",
    )
    db.session.add(call)
    db.session.flush()
    return call


def issue(evaluation: Evaluation, created_at: datetime | None = None) -> CoachingSheet:
    """A coaching sheet row for the evaluation, as the render job would leave it (no PDF written)."""
    sheet = CoachingSheet(
        evaluation_id=evaluation.id,
        agent_id=evaluation.call.agent_id,
        language="fr",
        sha256="0" * 64,
        created_at=created_at or datetime.now(UTC),
    )
    db.session.add(sheet)
    db.session.commit()
    return sheet


def sheet_for(agent, when: datetime | None = None, *, issued_at: datetime | None = None, **kwargs) -> CoachingSheet:
    """A sheet for a new call of the agent on `when`, issued at `issued_at` (now by default)."""
    return issue(final_evaluation(bare_call(agent, when), **kwargs), issued_at)


def matrix_objects(world: dict, template: str) -> dict[str, int]:
    """For the access matrix: a dispute and a notification of the world's agent, when the URL needs them."""
    from sqlalchemy import select

    from app.coaching.models import Dispute
    from app.notifications.models import Notification

    if "{dispute}" not in template and "{notification}" not in template:
        return {}
    agent_user = world["users"]["agent"]
    sheet = sheet_for(agent_user.agent)  # notifies the agent
    dispute = Dispute(sheet_id=sheet.id, criterion_key="empathy", reason="unfair", raised_by_id=agent_user.id)
    db.session.add(dispute)
    db.session.commit()
    notification = db.session.scalars(select(Notification).where(Notification.user_id == agent_user.id)).first()
    return {"dispute": dispute.id, "notification": notification.id}
