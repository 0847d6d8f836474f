"""Every model, imported once so the metadata (and Alembic) sees the whole schema."""

from app.api.models import ApiToken, WebhookDelivery, WebhookSubscription
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call, Recording
from app.coaching.models import CoachingSheet, Comment, Dispute
from app.jobs.models import Job
from app.notifications.models import Notification
from app.review.models import (
    ActionItem,
    CalibrationParticipant,
    CalibrationScore,
    CalibrationSession,
    ReviewAssignment,
    SamplingPlan,
)
from app.roleplay.models import (
    Collection,
    CollectionItem,
    Moment,
    MomentSource,
    Practice,
    RoleplayAssignment,
    Scenario,
    ScenarioVersion,
)
from app.scoring.models import CriterionScore, Evaluation, Evidence, Rubric, RubricVersion
from app.teams.models import Agent, Team
from app.transcription.models import Transcript, TranscriptSegment

__all__ = [
    "ActionItem",
    "Agent",
    "ApiToken",
    "AuditEvent",
    "CalibrationParticipant",
    "CalibrationScore",
    "CalibrationSession",
    "Call",
    "CoachingSheet",
    "Collection",
    "CollectionItem",
    "Comment",
    "CriterionScore",
    "Dispute",
    "Evaluation",
    "Evidence",
    "Job",
    "Moment",
    "MomentSource",
    "Notification",
    "Practice",
    "Recording",
    "ReviewAssignment",
    "RoleplayAssignment",
    "Rubric",
    "RubricVersion",
    "SamplingPlan",
    "Scenario",
    "ScenarioVersion",
    "Team",
    "Transcript",
    "TranscriptSegment",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
]
