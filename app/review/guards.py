"""Final evaluations are immutable: any flush that would change one (or its scores, evidence, verdicts on
evidence or action items) raises, whichever code path tried. Corrections are new revisions."""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.scoring.choices import EvaluationStatus
from app.scoring.models import CriterionScore, Evaluation, Evidence


class FinalEvaluationChanged(RuntimeError):
    pass


def _was_final(evaluation: Evaluation | None) -> bool:
    """Final as stored in the database (a draft being finalised in this flush is not)."""
    if evaluation is None or inspect(evaluation).pending:
        return False
    history = inspect(evaluation).attrs.status.history
    before = history.deleted[0] if history.deleted else evaluation.status
    return before == EvaluationStatus.FINAL


def _owner(session: Session, obj) -> Evaluation | None:
    from app.review.models import ActionItem, EvidenceVerdict

    if isinstance(obj, Evaluation):
        return obj
    if isinstance(obj, CriterionScore):
        return obj.evaluation or session.get(Evaluation, obj.evaluation_id)
    if isinstance(obj, Evidence):
        return _owner(session, obj.criterion_score) if obj.criterion_score else None
    if isinstance(obj, ActionItem | EvidenceVerdict):
        return session.get(Evaluation, obj.evaluation_id) if obj.evaluation_id else None
    return None


def _only_done_toggled(obj) -> bool:
    """An agent ticking off an action item is allowed after the evaluation is final."""
    from app.review.models import ActionItem

    if not isinstance(obj, ActionItem) or inspect(obj).pending:
        return False
    changed = {a.key for a in inspect(obj).attrs if a.history.has_changes()}
    return changed <= {"done"}


@event.listens_for(Session, "before_flush")
def refuse_changes_to_final_evaluations(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.new) + list(session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if _only_done_toggled(obj):
            continue
        if _was_final(_owner(session, obj)):
            raise FinalEvaluationChanged(f"evaluation is final and cannot change ({type(obj).__name__})")
