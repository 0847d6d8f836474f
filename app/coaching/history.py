"""A sheet's history: what agents do with their coaching sheets (acknowledge, comment, dispute), how QA managers
answer (resolve), and the notifications each step sends."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.choices import Permission
from app.auth.models import User
from app.coaching.choices import DisputeStatus
from app.coaching.models import CoachingSheet, Comment, Dispute
from app.coaching.services import replacing_sheet
from app.db import utcnow
from app.events import publish
from app.notifications.models import Notification, NotificationKind
from app.notifications.services import notify
from app.scoring.models import CriterionScore, Evaluation

MAX_TEXT = 4000


class CoachingError(ValueError):
    """A request on a sheet or a dispute that cannot be granted; the message is shown to the user."""


def can_see_sheet(user: User, sheet: CoachingSheet) -> bool:
    """QA managers (and admins) see every sheet; an agent only their own."""
    return user.can(Permission.REVIEW_CALLS) or is_owner(user, sheet)


def is_owner(user: User, sheet: CoachingSheet) -> bool:
    return user.agent_id is not None and sheet.agent_id == user.agent_id


def _current(session: Session, sheet: CoachingSheet) -> None:
    """A sheet replaced by a revision's is history: it is neither acknowledged nor disputed any more."""
    if replacing_sheet(session, sheet) is not None:
        raise CoachingError(_("This sheet was replaced by a revised one: open the revised sheet."))


def _text(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise CoachingError(what)
    return value[:MAX_TEXT]


def acknowledge(session: Session, sheet: CoachingSheet, user: User) -> None:
    """The agent confirms they read the sheet; once only."""
    if not is_owner(user, sheet):
        raise CoachingError(_("Only the agent the sheet is for can acknowledge it."))
    if sheet.acknowledged_at is not None:
        raise CoachingError(_("This sheet was already acknowledged."))
    _current(session, sheet)
    sheet.acknowledged_at = utcnow()
    record(session, "sheet.acknowledged", target=sheet, actor_id=user.id)
    session.flush()


def add_comment(session: Session, sheet: CoachingSheet, user: User, body: str) -> Comment:
    """A comment on the sheet's history, by its agent or a QA manager."""
    comment = Comment(sheet_id=sheet.id, author_id=user.id, body=_text(body, _("Write a comment first.")))
    session.add(comment)
    record(session, "sheet.commented", target=sheet, actor_id=user.id)
    session.flush()
    return comment


def dispute_deadline(sheet: CoachingSheet, window_days: int) -> datetime:
    return sheet.created_at + timedelta(days=window_days)


def raise_dispute(
    session: Session,
    sheet: CoachingSheet,
    user: User,
    criterion_key: str,
    reason: str,
    *,
    window_days: int,
    now: datetime | None = None,
) -> Dispute:
    """The agent disputes one criterion of their sheet, with a reason, within the window."""
    if not is_owner(user, sheet):
        raise CoachingError(_("Only the agent the sheet is for can dispute it."))
    if (now or utcnow()) > dispute_deadline(sheet, window_days):
        raise CoachingError(_("The time to dispute this sheet is over."))
    _current(session, sheet)
    keys = set(
        session.scalars(select(CriterionScore.criterion_key).where(CriterionScore.evaluation_id == sheet.evaluation_id))
    )
    if criterion_key not in keys:
        raise CoachingError(_("Choose a criterion of this evaluation."))
    reason = _text(reason, _("Say why you dispute this score."))
    if session.scalar(
        select(Dispute.id).where(
            Dispute.sheet_id == sheet.id, Dispute.criterion_key == criterion_key, Dispute.status == DisputeStatus.OPEN
        )
    ):
        raise CoachingError(_("This criterion is already disputed."))
    dispute = Dispute(sheet_id=sheet.id, criterion_key=criterion_key, reason=reason, raised_by_id=user.id)
    session.add(dispute)
    session.flush()
    record(session, "dispute.raised", target=dispute, actor_id=user.id, criterion=criterion_key)
    _publish(session, "dispute.opened", dispute, sheet)
    return dispute


def _publish(session: Session, event: str, dispute: Dispute, sheet: CoachingSheet) -> None:
    evaluation = session.get(Evaluation, sheet.evaluation_id)
    publish(
        session,
        event,
        evaluation.call,
        dispute_id=dispute.id,
        sheet_id=sheet.id,
        evaluation_id=evaluation.id,
        criterion=dispute.criterion_key,
        status=dispute.status,
    )


def resolve_dispute(
    session: Session, dispute: Dispute, user: User, *, accept: bool, resolution: str, new_score: float | None = None
) -> Evaluation | None:
    """Accept (a new revision of the evaluation with the new score) or reject (with a reason) an open dispute."""
    if dispute.status != DisputeStatus.OPEN:
        raise CoachingError(_("This dispute is already resolved."))
    resolution = _text(resolution, _("Give the reason for your decision."))
    revision = None
    if accept:
        if new_score is None or not 0 <= new_score <= 100:
            raise CoachingError(_("Give the corrected score, from 0 to 100."))
        revision = _revise(session, dispute, user, new_score, resolution)
    dispute.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
    dispute.resolution, dispute.resolved_by_id, dispute.resolved_at = resolution, user.id, utcnow()
    record(
        session,
        f"dispute.{dispute.status}",
        target=dispute,
        actor_id=user.id,
        revision_id=revision.id if revision is not None else None,
    )
    notify_dispute_answered(session, dispute)
    session.flush()
    _publish(session, "dispute.answered", dispute, session.get(CoachingSheet, dispute.sheet_id))
    return revision


def _revise(session: Session, dispute: Dispute, user: User, new_score: float, why: str) -> Evaluation:
    """A new final revision with the corrected score; the review stage renders its new sheet."""
    try:
        from app.review.services import ReviewError, create_revision, latest_review
    except ImportError as exc:
        raise CoachingError(_("Revisions are not available yet: the dispute stays open.")) from exc
    sheet = session.get(CoachingSheet, dispute.sheet_id)
    evaluation = session.get(Evaluation, sheet.evaluation_id)
    # The sheet may be older than the newest revision; correct the newest so nothing is lost.
    head = latest_review(session, evaluation.call) or evaluation
    try:
        return create_revision(session, head, {dispute.criterion_key: new_score}, user, why)
    except ReviewError as exc:
        raise CoachingError(str(exc)) from exc


def notify_new_sheet(session: Session, sheet: CoachingSheet) -> Notification | None:
    """Tell the agent a new coaching sheet is ready (nothing when the agent has no account)."""
    user = session.scalar(select(User).where(User.agent_id == sheet.agent_id, User.active.is_(True)))
    if user is None:
        return None
    evaluation = session.get(Evaluation, sheet.evaluation_id)
    call_date = evaluation.call.call_date.date().isoformat() if evaluation is not None else None
    params = {"call_date": call_date}
    if evaluation is not None and evaluation.revision > 1:  # a revised sheet, after a dispute or a correction
        params["revision"] = evaluation.revision
    return notify(session, user, NotificationKind.NEW_SHEET, f"/me/coaching/{sheet.id}", **params)


def notify_dispute_answered(session: Session, dispute: Dispute) -> Notification | None:
    user = session.get(User, dispute.raised_by_id)
    if user is None:
        return None
    return notify(
        session,
        user,
        NotificationKind.DISPUTE_ANSWERED,
        f"/me/coaching/{dispute.sheet_id}",
        criterion=dispute.criterion_key,
        status=dispute.status,
        dispute=dispute.id,
    )


# Sheets are issued by the render job; whichever code path adds one, its agent hears about it.
@event.listens_for(Session, "after_flush")
def _collect_new_sheets(session: Session, flush_context) -> None:
    new = [obj for obj in session.new if isinstance(obj, CoachingSheet)]
    if new:
        session.info.setdefault("ecoute_new_sheets", []).extend(new)


@event.listens_for(Session, "after_flush_postexec")
def _notify_new_sheets(session: Session, flush_context) -> None:
    for sheet in session.info.pop("ecoute_new_sheets", []):
        notify_new_sheet(session, sheet)


@event.listens_for(Session, "after_rollback")
def _drop_new_sheets(session: Session) -> None:
    session.info.pop("ecoute_new_sheets", None)
