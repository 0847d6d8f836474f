"""Reviews of automatic evaluations: drafts, finalising, and revisions of final evaluations.

A final evaluation never changes: a correction is a new revision pointing at its parent
(see app.review.guards, which refuses any write to a final evaluation at flush time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.models import User
from app.calls.models import Call
from app.db import utcnow
from app.events import publish
from app.jobs.services import create_job
from app.review.assignments import complete_assignments
from app.review.choices import Verdict
from app.review.models import ActionItem, EvidenceVerdict
from app.scoring import engine
from app.scoring.choices import EvaluationKind, EvaluationStatus, EvidenceSource
from app.scoring.models import CriterionScore, Evaluation, Evidence
from app.scoring.services import spec_of

SHEET_JOB = "render_sheet"
MOMENTS_JOB = "index_moments"  # the final evidence joins the moment library (app/roleplay/jobs.py)


class ReviewError(ValueError):
    """A review step that cannot be done as asked; `errors` maps criterion keys to what is missing."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


class ImmutableEvaluation(ReviewError):
    """A final evaluation was about to change: corrections are new revisions."""


class AlreadyFinalised(ImmutableEvaluation):
    """Another reviewer finalised this review while this one was working on it."""

    def __init__(self, by: str | None) -> None:
        super().__init__(f"already finalised by {by or 'another reviewer'}")
        self.by = by


@dataclass(frozen=True)
class CriterionChange:
    """A reviewer's verdict on one criterion: a score 0-100, or not applicable."""

    score: float | None = None
    na: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class NewEvidence:
    """Words a reviewer selected in the transcript: segment index and character span."""

    criterion_key: str
    segment_index: int
    char_start: int
    char_end: int
    sign: int
    note: str


@dataclass(frozen=True)
class Judgement:
    """A reviewer's answer on one automatic evidence item, named by `evidence_key`; "" takes it back."""

    key: str
    verdict: str
    reason: str | None = None


@dataclass(frozen=True)
class ActionDraft:
    text: str
    due_date: date | None = None


def latest_auto_evaluation(session: Session, call: Call) -> Evaluation | None:
    return session.scalars(
        select(Evaluation)
        .where(Evaluation.call_id == call.id, Evaluation.status == EvaluationStatus.AUTO)
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
    ).first()


def latest_review(session: Session, call: Call) -> Evaluation | None:
    """The newest review of a call (draft or final), the head of its revision chain."""
    return session.scalars(
        select(Evaluation)
        .where(Evaluation.call_id == call.id, Evaluation.kind == EvaluationKind.REVIEW)
        .order_by(Evaluation.revision.desc(), Evaluation.id.desc())
    ).first()


def evidence_key(criterion_key: str, evidence: Evidence) -> str:
    """Names an evidence item alike in the automatic evaluation and in every review copied from it."""
    e = evidence
    return f"{criterion_key}:{e.segment_index}:{e.char_start}:{e.char_end}:{e.sign}:{e.rule}"


def verdicts_of(session: Session, evaluation: Evaluation) -> dict[int, EvidenceVerdict]:
    """The reviewer's verdicts on this evaluation's evidence, by evidence id."""
    if evaluation.id is None:
        return {}
    rows = session.scalars(select(EvidenceVerdict).where(EvidenceVerdict.evaluation_id == evaluation.id))
    return {v.evidence_id: v for v in rows}


def _copy_criteria(source: Evaluation) -> list[CriterionScore]:
    rows = []
    for c in source.criteria:
        row = CriterionScore(
            position=c.position,
            criterion_key=c.criterion_key,
            score=c.score,
            auto_score=c.auto_score,
            weight=c.weight,
            confidence=c.confidence,
            na=c.na,
            auto_fail=c.auto_fail,
            reason=c.reason,
            na_explanations=c.na_explanations,
        )
        row.evidence = [
            Evidence(
                segment_index=e.segment_index,
                char_start=e.char_start,
                char_end=e.char_end,
                start=e.start,
                end=e.end,
                rule=e.rule,
                sign=e.sign,
                explanation=e.explanation,
                explanations=e.explanations,
                tip=e.tip,
                source=e.source,
                created_by_id=e.created_by_id,
            )
            for e in c.evidence
        ]
        rows.append(row)
    return rows


def start_review(session: Session, call: Call, reviewer: User) -> Evaluation:
    """The reviewer's draft for this call: a copy of the newest automatic evaluation (or the open draft)."""
    current = latest_review(session, call)
    if current is not None and current.status == EvaluationStatus.DRAFT:
        return current
    if current is not None:  # final: corrections are revisions
        raise AlreadyFinalised(finalised_by(session, current.id))
    auto = latest_auto_evaluation(session, call)
    if auto is None:
        raise ReviewError("the call has no automatic evaluation to review yet")
    draft = Evaluation(
        call=call,
        rubric_version=auto.rubric_version,
        kind=EvaluationKind.REVIEW,
        status=EvaluationStatus.DRAFT,
        revision=1,
        total=auto.total,
        auto_failed=auto.auto_failed,
        reviewer_id=reviewer.id,
    )
    draft.criteria = _copy_criteria(auto)
    session.add(draft)
    session.flush()
    record(session, "review.started", target=draft, actor_id=reviewer.id, call=call.id, auto_evaluation=auto.id)
    return draft


def _criterion_spec(evaluation: Evaluation, key: str):
    return next((c for c in spec_of(evaluation.rubric_version).criteria if c.id == key), None)


def _needs_reason(evaluation: Evaluation, row: CriterionScore, change: CriterionChange, *, final: bool) -> bool:
    """A changed automatic verdict needs a reason; so does, before finalising, a score under the threshold."""
    under = not change.na and change.score is not None and change.score < spec_of(evaluation.rubric_version).threshold
    return _moves(row, change) or (final and under)


def reason_needed(evaluation: Evaluation, row: CriterionScore) -> bool:
    """A reason is required when the reviewer changed the automatic verdict or the score is under threshold."""
    return _needs_reason(evaluation, row, CriterionChange(row.score, row.na), final=True)


def missing_reasons(evaluation: Evaluation) -> dict[str, str]:
    return {
        c.criterion_key: "a reason is required"
        for c in evaluation.criteria
        if reason_needed(evaluation, c) and not (c.reason or "").strip()
    }


def _recompute(evaluation: Evaluation) -> None:
    """Total and auto-fail as the scorer computes them, from the reviewed criteria."""
    for row in evaluation.criteria:
        crit = _criterion_spec(evaluation, row.criterion_key)
        row.auto_fail = bool(crit and not row.na and engine.fails(crit, row.score))
    evaluation.auto_failed = any(c.auto_fail for c in evaluation.criteria)
    evaluation.total = engine.weighted_total(
        [(c.weight, None if c.na else c.score) for c in evaluation.criteria], auto_failed=evaluation.auto_failed
    )


def _check(evaluation: Evaluation, changes: Mapping[str, CriterionChange], *, final: bool = False) -> None:
    """Every change names a known criterion, has a score in range, and a reason when it moves the score.

    With `final`, also every reason that finalising will ask for, so that the reviewer hears of all of them at once.
    """
    rows = {c.criterion_key: c for c in evaluation.criteria}
    errors: dict[str, str] = {}
    for key, change in changes.items():
        row = rows.get(key)
        if row is None:
            errors[key] = "unknown criterion"
        elif not change.na and (change.score is None or not 0 <= change.score <= 100):
            errors[key] = "a score from 0 to 100"
        elif _needs_reason(evaluation, row, change, final=final) and not (change.reason or "").strip():
            errors[key] = "a reason is required"
    if final:  # criteria the reviewer left alone keep their score and reason
        errors |= {k: v for k, v in missing_reasons(evaluation).items() if k not in changes}
    if errors:
        raise ReviewError("some criteria cannot be saved as they are", errors)


def _moves(row: CriterionScore, change: CriterionChange) -> bool:
    """The change differs from the automatic verdict."""
    return row.auto_score is not None if change.na else change.score != row.auto_score


def _apply(
    session: Session, evaluation: Evaluation, changes: Mapping[str, CriterionChange], who: User, *, final: bool = False
) -> None:
    _check(evaluation, changes, final=final)
    rows = {c.criterion_key: c for c in evaluation.criteria}
    for key, change in changes.items():
        row = rows[key]
        score = None if change.na else change.score
        reason = (change.reason or "").strip() or None
        if (row.score, row.na, row.reason) == (score, change.na, reason):
            continue
        record(
            session,
            "evaluation.criterion_changed",
            target=evaluation,
            actor_id=who.id,
            criterion=key,
            old={"score": row.score, "na": row.na},
            new={"score": score, "na": change.na},
            auto_score=row.auto_score,
            reason=reason,
        )
        row.score, row.na, row.reason = score, change.na, reason
    _recompute(evaluation)


def _segment_times(evaluation: Evaluation, index: int, char_start: int, char_end: int) -> tuple[float, float]:
    transcript = evaluation.call.transcript
    segments = transcript.segments if transcript is not None else []
    if not 0 <= index < len(segments):
        raise ReviewError("the selected words are not in the transcript")
    segment = segments[index]
    if not 0 <= char_start < char_end <= len(segment.text):
        raise ReviewError("the selection is outside the transcript line")
    return segment.start, segment.end


def _add_evidence(session: Session, evaluation: Evaluation, items: Sequence[NewEvidence], who: User) -> None:
    rows = {c.criterion_key: c for c in evaluation.criteria}
    for item in items:
        row = rows.get(item.criterion_key)
        if row is None or item.sign not in (-1, 1) or not item.note.strip():
            raise ReviewError("evidence needs a known criterion, a direction and a note")
        start, end = _segment_times(evaluation, item.segment_index, item.char_start, item.char_end)
        row.evidence.append(
            Evidence(
                segment_index=item.segment_index,
                char_start=item.char_start,
                char_end=item.char_end,
                start=start,
                end=end,
                rule="reviewer",
                sign=item.sign,
                explanation=item.note.strip(),
                source=EvidenceSource.REVIEWER,
                created_by_id=who.id,
            )
        )
        record(
            session,
            "evaluation.evidence_added",
            target=evaluation,
            actor_id=who.id,
            criterion=item.criterion_key,
            segment=item.segment_index,
            span=[item.char_start, item.char_end],
        )


def _judge(session: Session, evaluation: Evaluation, judgements: Sequence[Judgement], who: User) -> None:
    """Record each confirmation or rejection of automatic evidence (a labelled example once final)."""
    items = {evidence_key(c.criterion_key, e): (c, e) for c in evaluation.criteria for e in c.evidence}
    existing = verdicts_of(session, evaluation)
    for j in judgements:
        if j.key not in items or j.verdict not in ("", *Verdict):
            raise ReviewError("the evidence to confirm or reject is not in this review")
        row, ev = items[j.key]
        if ev.source != EvidenceSource.AUTO:
            raise ReviewError("only automatic evidence is confirmed or rejected")
        reason, current = (j.reason or "").strip()[:2000] or None, existing.get(ev.id)
        if current is not None and (current.verdict, current.reason) == (j.verdict, reason):
            continue
        if not j.verdict:
            if current is not None:
                session.delete(current)
            continue
        if current is None:
            current = EvidenceVerdict(
                evidence_id=ev.id,
                evaluation_id=evaluation.id,
                call_id=evaluation.call_id,
                criterion_key=row.criterion_key,
                segment_index=ev.segment_index,
                char_start=ev.char_start,
                char_end=ev.char_end,
                rule=ev.rule,
                sign=ev.sign,
                verdict=j.verdict,
                reviewer_id=who.id,
            )
            session.add(current)
        current.verdict, current.reason, current.reviewer_id = j.verdict, reason, who.id
        current.decided_at, current.carried = utcnow(), False
        record(
            session,
            "evaluation.evidence_judged",
            target=evaluation,
            actor_id=who.id,
            criterion=row.criterion_key,
            rule=ev.rule,
            sign=ev.sign,
            segment=ev.segment_index,
            verdict=j.verdict,
            reason=reason,
        )


def _carry_verdicts(session: Session, source: Evaluation, target: Evaluation) -> None:
    """A revision keeps the verdicts of the evaluation it corrects (marked carried: one decision, one label)."""
    old = verdicts_of(session, source)
    by_key = {evidence_key(c.criterion_key, e): e for c in target.criteria for e in c.evidence}
    for c in source.criteria:
        for e in c.evidence:
            verdict, copy = old.get(e.id), by_key.get(evidence_key(c.criterion_key, e))
            if verdict is None or copy is None:
                continue
            session.add(
                EvidenceVerdict(
                    evidence_id=copy.id,
                    evaluation_id=target.id,
                    call_id=target.call_id,
                    criterion_key=verdict.criterion_key,
                    segment_index=verdict.segment_index,
                    char_start=verdict.char_start,
                    char_end=verdict.char_end,
                    rule=verdict.rule,
                    sign=verdict.sign,
                    verdict=verdict.verdict,
                    reason=verdict.reason,
                    reviewer_id=verdict.reviewer_id,
                    decided_at=verdict.decided_at,
                    carried=True,
                )
            )


def labelled_examples(session: Session) -> list[EvidenceVerdict]:
    """Every reviewer decision on automatic evidence in a final review, once each, oldest first."""
    return list(
        session.scalars(
            select(EvidenceVerdict)
            .join(Evaluation, Evaluation.id == EvidenceVerdict.evaluation_id)
            .where(Evaluation.status == EvaluationStatus.FINAL, EvidenceVerdict.carried.is_(False))
            .order_by(EvidenceVerdict.decided_at, EvidenceVerdict.id)
        )
    )


def action_items(session: Session, evaluation: Evaluation) -> list[ActionItem]:
    return list(
        session.scalars(select(ActionItem).where(ActionItem.evaluation_id == evaluation.id).order_by(ActionItem.id))
    )


def _replace_actions(session: Session, evaluation: Evaluation, actions: Sequence[ActionDraft]) -> None:
    for item in action_items(session, evaluation):
        session.delete(item)
    session.add_all(
        ActionItem(evaluation_id=evaluation.id, text=a.text.strip(), due_date=a.due_date)
        for a in actions
        if a.text.strip()
    )


def _ensure_draft(evaluation: Evaluation) -> None:
    if evaluation.status != EvaluationStatus.DRAFT:
        raise ImmutableEvaluation("a final evaluation cannot change; create a revision")


def finalised_by(session: Session, evaluation_id: int) -> str | None:
    """Who finalised this evaluation, read from the database rather than from this session's copy."""
    return session.scalar(
        select(User.name).join(Evaluation, Evaluation.reviewer_id == User.id).where(Evaluation.id == evaluation_id)
    )


def _claim(session: Session, evaluation: Evaluation) -> None:
    """Take the draft for this transaction, or fail if another reviewer finalised it meanwhile.

    A conditional UPDATE: on PostgreSQL it locks the row and re-reads its status once a concurrent
    finaliser commits; on SQLite it takes the write lock, so the status it reads is the latest.
    """
    _ensure_draft(evaluation)
    if evaluation.id is None:
        return
    claimed = session.execute(
        update(Evaluation)
        .where(Evaluation.id == evaluation.id, Evaluation.status == EvaluationStatus.DRAFT)
        .values(status=EvaluationStatus.DRAFT)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AlreadyFinalised(finalised_by(session, evaluation.id))
    session.refresh(evaluation)


def save_draft(
    session: Session,
    evaluation: Evaluation,
    reviewer: User,
    *,
    changes: Mapping[str, CriterionChange] | None = None,
    strengths: str | None = None,
    improvements: str | None = None,
    actions: Sequence[ActionDraft] | None = None,
    evidence: Sequence[NewEvidence] = (),
    judgements: Sequence[Judgement] = (),
    finalising: bool = False,
) -> Evaluation:
    """Store the reviewer's work so far; a changed score must come with its reason.

    `finalising` (the work is saved to be finalised next) also asks for every reason finalising needs.
    """
    _claim(session, evaluation)
    _apply(session, evaluation, changes or {}, reviewer, final=finalising)
    _judge(session, evaluation, judgements, reviewer)
    _add_evidence(session, evaluation, evidence, reviewer)
    if strengths is not None:
        evaluation.strengths = strengths.strip() or None
    if improvements is not None:
        evaluation.improvements = improvements.strip() or None
    if actions is not None:
        _replace_actions(session, evaluation, actions)
    evaluation.reviewer_id = reviewer.id
    session.flush()
    return evaluation


def _enqueue_sheet(session: Session, evaluation: Evaluation) -> None:
    create_job(session, SHEET_JOB, call_id=evaluation.call_id, target_id=evaluation.id)
    create_job(session, MOMENTS_JOB, target_id=evaluation.id)


def finalise(session: Session, evaluation: Evaluation, reviewer: User) -> Evaluation:
    """Make a draft final (immutable from now on), close its assignments and queue its coaching sheet."""
    _claim(session, evaluation)
    missing = missing_reasons(evaluation)
    if missing:
        raise ReviewError("some criteria need a reason before finalising", missing)
    evaluation.status, evaluation.reviewer_id, evaluation.finalized_at = EvaluationStatus.FINAL, reviewer.id, utcnow()
    session.flush()
    complete_assignments(session, evaluation)
    record(
        session,
        "evaluation.finalised",
        target=evaluation,
        actor_id=reviewer.id,
        total=evaluation.total,
        differences={c.criterion_key: _difference(c) for c in evaluation.criteria},
    )
    publish(session, "evaluation.finalised", evaluation.call, evaluation_id=evaluation.id, total=evaluation.total)
    _enqueue_sheet(session, evaluation)
    return evaluation


def _difference(row: CriterionScore) -> float | None:
    """Final minus automatic score: how far the reviewer moved the scorer."""
    if row.score is None or row.auto_score is None:
        return None
    return round(row.score - row.auto_score, 1)


def _as_change(value: CriterionChange | float | None, why: str) -> CriterionChange:
    if isinstance(value, CriterionChange):
        return value if value.reason else CriterionChange(value.score, value.na, why)
    return (
        CriterionChange(score=None, na=True, reason=why) if value is None else CriterionChange(float(value), reason=why)
    )


def create_revision(
    session: Session,
    evaluation: Evaluation,
    changes: Mapping[str, CriterionChange | float | None],
    who: User,
    why: str,
    *,
    strengths: str | None = None,
    improvements: str | None = None,
) -> Evaluation:
    """Correct a final evaluation: a new final revision (parent, who, when, why) and a new coaching sheet.

    `changes` maps criterion keys to a CriterionChange, a new score, or None for not applicable.
    """
    if evaluation.status != EvaluationStatus.FINAL:
        raise ReviewError("only a final evaluation is corrected by a revision")
    if not (why or "").strip():
        raise ReviewError("a revision needs a reason", {"why": "a reason is required"})
    head = latest_review(session, evaluation.call)
    if head is not None and head.id != evaluation.id:
        raise ReviewError("this evaluation already has a newer revision")
    revision = Evaluation(
        call=evaluation.call,
        rubric_version=evaluation.rubric_version,
        kind=EvaluationKind.REVIEW,
        status=EvaluationStatus.DRAFT,
        revision=evaluation.revision + 1,
        parent_id=evaluation.id,
        reviewer_id=who.id,
        revision_reason=why.strip(),
        finalized_at=utcnow(),
        strengths=evaluation.strengths if strengths is None else strengths,
        improvements=evaluation.improvements if improvements is None else improvements,
    )
    revision.criteria = _copy_criteria(evaluation)
    session.add(revision)
    _apply(session, revision, {k: _as_change(v, why.strip()) for k, v in changes.items()}, who)
    session.flush()
    session.add_all(
        ActionItem(evaluation_id=revision.id, text=a.text, due_date=a.due_date, done=a.done)
        for a in action_items(session, evaluation)
    )
    _carry_verdicts(session, evaluation, revision)
    session.flush()
    revision.status = EvaluationStatus.FINAL  # written whole first, then made immutable
    record(
        session,
        "evaluation.revised",
        target=revision,
        actor_id=who.id,
        parent=evaluation.id,
        revision=revision.revision,
        reason=why.strip(),
        criteria=sorted(changes),
    )
    _enqueue_sheet(session, revision)
    session.flush()
    return revision


def revision_chain(session: Session, evaluation: Evaluation) -> list[Evaluation]:
    """This evaluation and its ancestors, newest first."""
    chain = [evaluation]
    while chain[-1].parent_id is not None:
        chain.append(session.get(Evaluation, chain[-1].parent_id))
    return chain
