"""Plain-dict context for the scoring parts of the pages: the evaluation on a call, the rubric pages."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app import privacy
from app.auth.models import User
from app.auth.permissions import sees_unredacted
from app.calls.models import Call
from app.calls.sections import call_section
from app.extensions import db
from app.scoring import rubrics
from app.scoring.choices import EvaluationStatus
from app.scoring.models import Evaluation
from app.scoring.rubrics import RubricSpec, bundled_rubrics
from app.scoring.services import latest_evaluation, spec_of

STATUS_LABELS = {
    EvaluationStatus.AUTO: _l("Automatic"),
    EvaluationStatus.DRAFT: _l("Draft review"),
    EvaluationStatus.FINAL: _l("Final review"),
}


def ui_language() -> str:
    return str(get_locale() or "en")[:2]


def criterion_title(key: str) -> str:
    """The criterion's title from the bundled rubrics, in the interface language; the key otherwise."""
    return rubrics.criterion_title(key, ui_language())


def _evidence(ev, segments, redacted: bool, user: User, language: str) -> dict[str, Any]:
    segment = segments[ev.segment_index] if 0 <= ev.segment_index < len(segments) else None
    quote = ""
    if segment is not None and not redacted:
        quote = privacy.quote(user, segment, language, ev.char_start, ev.char_end)
    elif segment is not None:
        quote = segment.redacted_text
    return {
        "segment": ev.segment_index,
        "start": ev.start,
        "end": ev.end,
        "sign": ev.sign,
        "rule": ev.rule,
        "explanation": ev.explanation_in(ui_language()),
        "tip": ev.tip,
        "quote": quote,
        "char_start": ev.char_start,
        "char_end": ev.char_end,
        "source": ev.source,
    }


def evaluation_view(evaluation: Evaluation, user: User) -> dict[str, Any]:
    """Scores per criterion with their evidence, titles in the interface language."""
    spec = spec_of(evaluation.rubric_version)
    lang = ui_language()
    segments = evaluation.call.transcript.segments if evaluation.call.transcript else []
    redacted = not sees_unredacted(user)
    criteria = []
    for row in evaluation.criteria:
        crit = next((c for c in spec.criteria if c.id == row.criterion_key), None)
        evidence = [_evidence(e, segments, redacted, user, evaluation.call.transcript.language) for e in row.evidence]
        criteria.append(
            {
                "id": row.criterion_key,
                "title": crit.title.get(lang) if crit else row.criterion_key,
                "score": row.score,
                "auto_score": row.auto_score,
                "weight": row.weight,
                "na": row.na,
                "na_reason": row.na_reason_in(lang),
                "confidence": row.confidence,
                "auto_fail": row.auto_fail,
                "band": (
                    crit.band(row.score).label.get(lang)
                    if crit and row.score is not None and crit.band(row.score)
                    else None
                ),
                "positive": [e for e in evidence if e["sign"] > 0],
                "negative": [e for e in evidence if e["sign"] < 0],
            }
        )
    return {
        "evaluation_id": evaluation.id,
        "status": STATUS_LABELS.get(evaluation.status, evaluation.status),
        "total": evaluation.total,
        "auto_failed": evaluation.auto_failed,
        "threshold": spec.threshold,
        "rubric": {"key": spec.id, "title": spec.title.get(lang), "version": evaluation.rubric_version.version},
        "criteria": criteria,
    }


@call_section(order=5)
def evaluation_section(call: Call, user: User):
    """The scores of the call, shown above the transcript."""
    evaluation = latest_evaluation(db.session, call)
    if evaluation is None:
        return None
    return "scoring/_evaluation.html", evaluation_view(evaluation, user)


def criterion_choices() -> list[tuple[str, str]]:
    """Every criterion of the bundled rubrics, by id, titled in the interface language, sorted by title."""
    lang = ui_language()
    titles = {c.id: c.title.get(lang) for spec in bundled_rubrics().values() for c in spec.criteria}
    return sorted(titles.items(), key=lambda item: item[1])


def rubric_view(spec: RubricSpec, version: int) -> dict[str, Any]:
    """A rubric as a reader wants it: sections, criteria, weights, what counts for and against, tips."""
    lang = ui_language()
    sections = []
    for section in spec.sections:
        criteria = [c for c in spec.criteria if c.section == section.id]
        sections.append(
            {
                "title": section.title.get(lang),
                "criteria": [
                    {
                        "id": c.id,
                        "title": c.title.get(lang),
                        "weight": c.weight,
                        "auto_fail": c.auto_fail,
                        "fail_below": c.fail_below,
                        "detectors": [{"name": d.name, "weight": d.weight} for d in c.detectors],
                        "tips": [t.text.get(lang) for t in c.tips],
                        "bands": [{"min": b.min, "label": b.label.get(lang)} for b in c.scale],
                    }
                    for c in criteria
                ],
            }
        )
    return {
        "key": spec.id,
        "title": spec.title.get(lang),
        "version": version,
        "language": spec.language,
        "call_type": spec.call_type,
        "threshold": spec.threshold,
        "sections": sections,
    }
