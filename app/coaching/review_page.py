"""What coaching adds to a final review's page: its sheet, for the links to the PDF and the sheet's history."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.coaching.services import sheet_for
from app.review.pages import final_page_extra
from app.scoring.models import Evaluation


@final_page_extra
def sheet_link(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    """The sheet's id, or None while it is being rendered."""
    sheet = sheet_for(session, evaluation.id)
    return {"sheet_id": sheet.id if sheet else None}
