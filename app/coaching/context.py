"""The coaching part of the call page: the call's review and the sheet that came out of it."""

from __future__ import annotations

from app.auth.choices import Permission
from app.auth.models import User
from app.calls.models import Call
from app.calls.sections import call_section
from app.coaching.services import sheet_for
from app.extensions import db
from app.review.services import latest_review
from app.scoring.choices import EvaluationStatus


@call_section(order=1)
def review_links(call: Call, user: User):
    """Links from the call page to its review (draft or final) and to its coaching sheet, for those who may open
    them: reviewers always, the call's agent once a sheet is issued."""
    head = latest_review(db.session, call)
    final = head if head is not None and head.status == EvaluationStatus.FINAL else None
    sheet = sheet_for(db.session, final.id) if final is not None else None
    reviewer = user.can(Permission.REVIEW_CALLS)
    if not reviewer and sheet is None:
        return None
    return "coaching/_call_links.html", {
        "call_id": call.id,
        "reviewer": reviewer,
        "status": head.status if head else None,
        "revision": final.revision if final else None,
        "sheet_id": sheet.id if sheet else None,
    }
