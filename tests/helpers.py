"""Helpers shared by several test packages (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

WRITES = ("INSERT", "UPDATE", "DELETE")
SCORES = {"active_listening": (80.0, 70.0), "jargon": (60.0, 65.0), "empathy": (40.0, 75.0)}


@contextmanager
def statements_written(engine) -> Iterator[list[str]]:
    """Collects every INSERT, UPDATE or DELETE sent to the database inside the block (ORM or not)."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def final_evaluation(
    call,
    scores: dict[str, tuple[float | None, float | None]] | None = None,
    *,
    scored: bool = False,
    total: float | None = None,
    parent=None,
    na: tuple[str, ...] = (),
    actions: tuple = (),
    reviewer=None,
    strengths: str | None = None,
    finalized_at=None,
):
    """A final review of the call, as the review screen would leave it.

    `scores`: criterion -> (final score, automatic score), written as they are on hotline_fr (default SCORES);
    `scored`: the scorer's own evaluation of the call's transcript instead, finalised as it stands.
    `actions`: (text, done) or (text, done, due date).
    """
    from datetime import UTC, datetime

    from app.extensions import db
    from app.review.models import ActionItem
    from app.scoring.choices import EvaluationKind, EvaluationStatus
    from app.scoring.models import CriterionScore, Evaluation
    from app.scoring.services import current_version, score_call

    if scored:
        evaluation = score_call(db.session, call)
        evaluation.kind = EvaluationKind.REVIEW
    else:
        scores = scores or SCORES
        evaluation = Evaluation(
            call_id=call.id,
            rubric_version_id=current_version(db.session, "hotline_fr").id,
            kind=EvaluationKind.REVIEW,
            status=EvaluationStatus.DRAFT,
            revision=parent.revision + 1 if parent else 1,
            parent_id=parent.id if parent else None,
            total=sum(s for s, _ in scores.values() if s is not None) / len(scores),
        )
        evaluation.criteria = [
            CriterionScore(position=i, criterion_key=k, score=s, auto_score=a, weight=1.0, na=k in na)
            for i, (k, (s, a)) in enumerate(scores.items())
        ]
        db.session.add(evaluation)
    evaluation.finalized_at = finalized_at or datetime.now(UTC)
    evaluation.total = evaluation.total if total is None else total
    evaluation.reviewer, evaluation.strengths = reviewer, strengths
    db.session.flush()
    # Action items are written with the draft: a final evaluation refuses new ones.
    db.session.add_all(
        ActionItem(evaluation_id=evaluation.id, text=text, done=done, due_date=due[0] if due else None)
        for text, done, *due in actions
    )
    db.session.flush()
    evaluation.status = EvaluationStatus.FINAL
    db.session.flush()
    return evaluation


def pdf_text(data: bytes) -> tuple[str, int]:
    """All the text of a PDF, whitespace collapsed, and its page count."""
    import io

    from pypdf import PdfReader

    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)
