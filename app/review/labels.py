"""Reviewers' verdicts on evidence as labelled examples for the behaviour models (one JSON object each)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.calls.models import Call
from app.review.choices import Verdict
from app.review.services import labelled_examples


def example_rows(session: Session) -> list[dict[str, Any]]:
    """Each decision with the agent's turn and the customer's turn before it, personal data masked."""
    rows, calls = [], {}
    for v in labelled_examples(session):
        call = calls.setdefault(v.call_id, session.get(Call, v.call_id))
        segments = call.transcript.segments if call.transcript else []
        if not 0 <= v.segment_index < len(segments):
            continue
        before = next((s.redacted_text for s in reversed(segments[: v.segment_index]) if s.speaker == "customer"), "")
        rows.append(
            {
                "call_id": v.call_id,
                "language": call.transcript.language,
                "segment": v.segment_index,
                "speaker": segments[v.segment_index].speaker,
                "turn": segments[v.segment_index].redacted_text,
                "customer_before": before,
                "criterion": v.criterion_key,
                "rule": v.rule,
                "sign": v.sign,
                "label": 1 if v.verdict == Verdict.CONFIRMED else 0,
                "verdict": v.verdict,
                "reason": v.reason,
                "reviewer_id": v.reviewer_id,
                "decided_at": v.decided_at.isoformat(),
            }
        )
    return rows


def behaviour_examples(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The verdicts on behaviour evidence as lines of the behaviour corpus (`qa behaviours train --extra`): a
    confirmation says the turn shows the behaviour, a rejection that it does not; other behaviours stay unknown."""
    from app.scoring.behaviours.taxonomy import BEHAVIOUR_IDS

    examples, seen = [], set()
    for row in rows:
        if row["rule"] not in BEHAVIOUR_IDS or row["speaker"] != "agent" or not row["turn"].strip():
            continue
        key = f"review-{row['call_id']}-{row['segment']}-{row['rule']}"
        if key in seen:
            continue
        seen.add(key)
        examples.append(
            {
                "id": key,
                "language": row["language"],
                "domain": "review",
                "context": [row["customer_before"]] if row["customer_before"] else [],
                "turn": row["turn"],
                "behaviours": [row["rule"]] if row["label"] else [],
                "only": [row["rule"]],
                "author": f"reviewer {row['reviewer_id']}, {row['decided_at']}",
            }
        )
    return examples
