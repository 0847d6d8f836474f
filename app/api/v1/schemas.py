"""The shapes of /api/v1: marshmallow schemas from which the OpenAPI document is generated."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from app.api.choices import DeliveryStatus
from app.calls.choices import Direction
from app.events import EVENTS
from app.teams.models import CHANNEL_LAYOUTS


class Problem(ma.Schema):
    """RFC 9457 problem details: every error under /api/v1."""

    type = fields.String()
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict()


class PageArgs(ma.Schema):
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class Ref(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class Links(ma.Schema):
    self = fields.String(required=True)
    progress = fields.String(required=True)
    transcript = fields.String(required=True)


class CallOut(ma.Schema):
    id = fields.Integer(required=True)
    agent = fields.Nested(Ref, required=True)
    team = fields.Nested(Ref, required=True)
    call_date = fields.DateTime(required=True)
    direction = fields.String(required=True)
    external_id = fields.String(allow_none=True, required=True)
    filename = fields.String(required=True)
    duration = fields.Float(required=True)
    channels = fields.Integer(required=True)
    status = fields.String(required=True)
    language = fields.String(allow_none=True, required=True)
    links = fields.Nested(Links, required=True)


class CallPage(ma.Schema):
    items = fields.List(fields.Nested(CallOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class CallListArgs(PageArgs):
    team = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    agent = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    external_id = fields.String(validate=validate.Length(max=120))


class IngestForm(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # a signed-in browser's form carries its csrf_token too

    agent = fields.String(
        required=True,
        validate=validate.Length(1, 254),
        metadata={"description": "the agent's telephony id, name, or account e-mail"},
    )
    # Without an offset the time is UTC, as on the upload form.
    call_date = fields.AwareDateTime(
        required=True, default_timezone=UTC, metadata={"description": "ISO 8601; without an offset, UTC"}
    )
    direction = fields.String(
        load_default=Direction.INBOUND.value, validate=validate.OneOf([d.value for d in Direction])
    )
    external_id = fields.String(
        validate=validate.Length(1, 120),
        metadata={"description": "the telephony system's id: sending it again returns the call already stored"},
    )
    channel_layout = fields.String(validate=validate.OneOf(CHANNEL_LAYOUTS))
    recording = Upload(required=True, metadata={"description": "WAV, MP3, M4A, OGG, FLAC or WebM"})


class Progress(ma.Schema):
    call_id = fields.Integer(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    stage = fields.String(allow_none=True, required=True)
    stage_label = fields.String(allow_none=True, required=True)
    job_status = fields.String(allow_none=True, required=True)
    progress = fields.Integer(required=True)
    message = fields.String(allow_none=True, required=True)
    error = fields.String(allow_none=True, required=True)
    active = fields.Boolean(required=True)


class SegmentOut(ma.Schema):
    speaker = fields.String(required=True)
    start = fields.Float(required=True)
    end = fields.Float(required=True)
    text = fields.String(required=True)


class TranscriptOut(ma.Schema):
    call_id = fields.Integer(required=True)
    language = fields.String(allow_none=True, required=True)
    duration = fields.Float(allow_none=True, required=True)
    redacted = fields.Boolean(required=True, metadata={"description": "personal data replaced by labels"})
    segments = fields.List(fields.Nested(SegmentOut), required=True)


class EvidenceOut(ma.Schema):
    start = fields.Float(required=True)
    end = fields.Float(required=True)
    rule = fields.String(required=True)
    sign = fields.Integer(required=True)
    explanation = fields.String(required=True)
    source = fields.String(required=True)


class CriterionOut(ma.Schema):
    key = fields.String(required=True)
    automatic_score = fields.Float(allow_none=True, required=True)
    final_score = fields.Float(allow_none=True, required=True)
    na = fields.Boolean(required=True)
    # Why the scorer found it N/A, by language ({"fr": ..., "en": ...}); null when scored or for older scores.
    na_reason = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True, required=True)
    weight = fields.Float(required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)


class RubricRef(ma.Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)


class EvaluationOut(ma.Schema):
    id = fields.Integer(required=True)
    call_id = fields.Integer(required=True)
    external_id = fields.String(allow_none=True, required=True)
    agent = fields.Nested(Ref, required=True)
    team = fields.Nested(Ref, required=True)
    call_date = fields.DateTime(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("automatic", "final")))
    status = fields.String(required=True)
    revision = fields.Integer(required=True)
    rubric = fields.Nested(RubricRef, required=True)
    total = fields.Float(allow_none=True, required=True)
    auto_failed = fields.Boolean(required=True)
    finalized_at = fields.DateTime(allow_none=True, required=True)
    criteria = fields.List(fields.Nested(CriterionOut), required=True)


class EvaluationPage(ma.Schema):
    items = fields.List(fields.Nested(EvaluationOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class EvaluationArgs(PageArgs):
    team = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    agent = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    start = fields.Date(metadata={"description": "first call date (inclusive)"})
    end = fields.Date(metadata={"description": "last call date (inclusive)"})
    kind = fields.String(validate=validate.OneOf(("automatic", "final")))


class PeriodArgs(ma.Schema):
    team = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    start = fields.Date()
    end = fields.Date()


class AgentOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    telephony_id = fields.String(allow_none=True, required=True)
    team = fields.Nested(Ref, required=True)
    active = fields.Boolean(required=True)


class TeamOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    language = fields.String(required=True)
    rubric = fields.String(allow_none=True, required=True)


class RubricVersionOut(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    language = fields.String(required=True)
    version = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    source = fields.String(required=True, metadata={"description": "the rubric's YAML, exactly as scored with"})


class AgentPage(ma.Schema):
    items = fields.List(fields.Nested(AgentOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class TeamPage(ma.Schema):
    items = fields.List(fields.Nested(TeamOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class WebhookIn(ma.Schema):
    url = fields.String(
        required=True, validate=validate.Length(1, 2000), metadata={"description": "an http:// or https:// address"}
    )
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), required=True, validate=validate.Length(min=1))


class WebhookOut(ma.Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    created_at = fields.DateTime(required=True)


class WebhookCreated(WebhookOut):
    secret = fields.String(required=True, metadata={"description": "the signing secret, shown this once"})


class WebhookList(ma.Schema):
    items = fields.List(fields.Nested(WebhookOut), required=True)


class DeliveryOut(ma.Schema):
    id = fields.Integer(required=True)
    event = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in DeliveryStatus]))
    attempts = fields.Integer(required=True)
    response_status = fields.Integer(allow_none=True, required=True)
    delivered_at = fields.DateTime(allow_none=True, required=True)
    error = fields.String(allow_none=True, required=True)


class DeliveryPage(ma.Schema):
    items = fields.List(fields.Nested(DeliveryOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
