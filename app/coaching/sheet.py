"""A coaching sheet's content from plain inputs (pure: no Flask, no database).

The sheet speaks the agent's language (their team's), not the viewer's interface language, so its
labels live here in both languages instead of in the gettext catalogues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_time
from babel.numbers import format_decimal, get_decimal_symbol

from app.pii import Span, find_pii, label, merge_spans
from app.ui.charts import PRINT, day_label, line_chart

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Fiche de coaching",
        "agent": "Conseiller",
        "team": "Équipe",
        "call": "Appel",
        "date": "Date",
        "duration": "Durée",
        "reference": "Référence",
        "reviewer": "Évaluateur",
        "automatic": "évaluation automatique",
        "rubric": "Grille",
        "version": "version",
        "total": "Note globale",
        "target": "Objectif",
        "auto_failed": "Critère éliminatoire non atteint",
        "scores": "Scores par critère",
        "na": "Sans objet",  # as the web pages say it
        "strengths": "Points forts",
        "areas": "Axes de progrès",
        "better": "Mieux dire\u00a0:",
        "q_open": "«\u00a0",
        "q_close": "\u00a0»",
        "no_moment": "Aucun passage relevé sur cet appel.",
        "actions": "Plan d'action",
        "due": "échéance",
        "no_action": "Aucune action définie.",
        "trend": "Vos dernières évaluations",
        "trend_empty": "Première évaluation : la tendance apparaîtra avec les suivantes.",
        "ack": "Accusé de réception",
        "ack_text": "J'ai pris connaissance de cette fiche et en ai discuté avec mon évaluateur.",
        "signature": "Signature",
        "signed_on": "Date",
        "comments": "Commentaires",
        "issued": "Fiche émise le",
        "redacted": "Les données personnelles sont masquées dans les citations.",
        "revision": "Révision",
        "replaces": "remplace la fiche précédente de cet appel",
        "changed": "Ce qui a changé",
        "why": "Pourquoi\u00a0:",
        "after_dispute": "Suite à votre contestation du",
        "uncertain": "[inaudible]",
        "uncertain_note": "[inaudible]\u00a0: mots que la transcription n'a pas pu établir avec certitude.",
        "colon": "\u00a0:",
    },
    "en": {
        "title": "Coaching sheet",
        "agent": "Agent",
        "team": "Team",
        "call": "Call",
        "date": "Date",
        "duration": "Duration",
        "reference": "Reference",
        "reviewer": "Reviewer",
        "automatic": "automatic evaluation",
        "rubric": "Rubric",
        "version": "version",
        "total": "Overall score",
        "target": "Target",
        "auto_failed": "Auto-fail criterion missed",
        "scores": "Scores by criterion",
        "na": "N/A",
        "strengths": "Strengths",
        "areas": "Areas to improve",
        "better": "A better way to say it:",
        "q_open": "“",
        "q_close": "”",
        "no_moment": "No moment noted on this call.",
        "actions": "Action items",
        "due": "due",
        "no_action": "No action item set.",
        "trend": "Your last evaluations",
        "trend_empty": "First evaluation: the trend appears with the next ones.",
        "ack": "Acknowledgement",
        "ack_text": "I have read this sheet and discussed it with my reviewer.",
        "signature": "Signature",
        "signed_on": "Date",
        "comments": "Comments",
        "issued": "Sheet issued on",
        "redacted": "Personal data is hidden in quotes.",
        "revision": "Revision",
        "replaces": "replaces the previous sheet of this call",
        "changed": "What changed",
        "why": "Why:",
        "after_dispute": "Following your dispute of",
        "uncertain": "[inaudible]",
        "uncertain_note": "[inaudible]: words the transcription could not make out with certainty.",
        "colon": ":",
    },
}

MAX_MOMENTS = 3  # quotes per column
MAX_NOTES = 2  # reasons (and tips) under one quote: one or two pages, not a transcript
QUOTE_CHARS = 180


@dataclass(frozen=True, slots=True)
class CriterionLine:
    title: str
    score: float | None
    weight: float
    na: bool = False
    band: str | None = None
    auto_fail: bool = False
    na_reason: str = ""  # why the call gave no occasion for it, in the sheet's language


@dataclass(frozen=True, slots=True)
class Moment:
    """One piece of evidence: the words (a span of a segment's text), when, and why it counted."""

    criterion: str
    segment_text: str
    char_start: int
    char_end: int
    start: float
    positive: bool
    explanation: str = ""
    tip: str = ""
    # Character spans of words the recogniser was unsure of: never quoted as if they were said.
    uncertain: tuple[tuple[int, int], ...] = ()
    by_reviewer: bool = False
    segment: int | None = None  # evidence on one line is one quote, whatever its words' times


@dataclass(frozen=True, slots=True)
class ActionLine:
    text: str
    due: date | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    when: date
    total: float
    current: bool = False


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """One criterion (or the total) as the previous revision had it and as this one has it."""

    title: str
    before: float | None
    after: float | None


@dataclass(frozen=True, slots=True)
class RevisionNote:
    """What a corrected sheet says about the correction: its number, what changed and why."""

    number: int
    changes: tuple[ScoreChange, ...] = ()
    reason: str = ""
    disputed_on: date | None = None


@dataclass(frozen=True, slots=True)
class SheetInput:
    language: str
    agent_name: str
    team_name: str
    call_date: datetime
    duration: float
    reference: str
    reviewer_name: str | None
    rubric_title: str
    rubric_version: int
    total: float | None
    threshold: float
    issued_on: date
    auto_failed: bool = False
    criteria: tuple[CriterionLine, ...] = ()
    moments: tuple[Moment, ...] = ()
    strengths_note: str = ""
    improvements_note: str = ""
    actions: tuple[ActionLine, ...] = ()
    trend: tuple[TrendPoint, ...] = field(default_factory=tuple)
    revision: RevisionNote | None = None


def sheet_context(data: SheetInput) -> dict[str, Any]:
    """Everything the sheet template shows, formatted in the agent's language."""
    lang = "fr" if data.language.startswith("fr") else "en"
    strengths = _moments(data.moments, lang, positive=True)
    areas = _moments(data.moments, lang, positive=False)
    return {
        "lang": lang,
        "t": LABELS[lang],
        "agent": data.agent_name,
        "team": data.team_name,
        "call": {
            "date": _date(data.call_date.date(), lang) + " " + format_time(data.call_date, "short", locale=lang),
            "duration": format_duration(data.duration),
            "reference": data.reference,
        },
        "reviewer": data.reviewer_name,
        "rubric": {"title": data.rubric_title, "version": data.rubric_version},
        "total": score_text(data.total, lang),
        "total_tone": _tone(data.total, data.threshold),
        "threshold": score_text(data.threshold, lang),
        "auto_failed": data.auto_failed,
        "criteria": [_criterion(c, data.threshold, lang) for c in data.criteria],
        "strengths": strengths,
        "areas": areas,
        "any_uncertain": any(LABELS[lang]["uncertain"] in m["quote"] for m in strengths + areas),
        "revision": _revision(data.revision, lang),
        "strengths_note": _lines(data.strengths_note),
        "improvements_note": _lines(data.improvements_note),
        "actions": [{"text": a.text, "due": _date(a.due, lang) if a.due else None} for a in data.actions],
        "trend_svg": trend_svg(data.trend, data.threshold, lang=lang) if len(data.trend) > 1 else "",
        "issued_on": _date(data.issued_on, lang),
    }


def format_duration(seconds: float) -> str:
    """4 min 05 s; hours only when there are some."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}\u00a0h\u00a0{minutes:02d}\u00a0min"
    return f"{minutes}\u00a0min\u00a0{secs:02d}\u00a0s" if minutes else f"{secs}\u00a0s"


def timestamp(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


def quote(text: str, char_start: int, char_end: int, language: str, uncertain: tuple[tuple[int, int], ...] = ()) -> str:
    """The evidence words with some context, trimmed to a sentence-sized window, personal data redacted,
    words the recogniser was unsure of shown as a mark.

    The window never cuts through a personal data span, so no half card number survives the trim.
    """
    start, end = max(0, char_start), min(len(text), max(char_end, char_start))
    if end - start < QUOTE_CHARS:
        pad = (QUOTE_CHARS - (end - start)) // 2
        start, end = max(0, start - pad), min(len(text), end + pad)
    pii = find_pii(text, language)
    for span in pii:
        if span.start < start < span.end:
            start = span.start
        if span.start < end < span.end:
            end = span.end
    start, end = _word_edge(text, start, backwards=True), _word_edge(text, end, backwards=False)
    hidden = merge_spans([*pii, *(Span(a, b, "uncertain") for a, b in uncertain)])  # personal data first
    words = _hide(text, hidden, start, end, "fr" if language.startswith("fr") else "en").strip()
    return ("…" if start > 0 else "") + words + ("…" if end < len(text) else "")


def _hide(text: str, spans: list[Span], start: int, end: int, lang: str) -> str:
    out, cursor = [], start
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        mark = LABELS[lang]["uncertain"] if span.kind == "uncertain" else label(span.kind, lang)
        out += [text[cursor : max(cursor, span.start)], mark]
        cursor = max(cursor, span.end)
    out.append(text[cursor:end])
    return "".join(out)


def _word_edge(text: str, pos: int, *, backwards: bool) -> int:
    if pos <= 0 or pos >= len(text):
        return pos
    step = -1 if backwards else 1
    while 0 < pos < len(text) and not text[pos - 1 if backwards else pos].isspace():
        pos += step
    return pos


def _moments(moments: tuple[Moment, ...], lang: str, *, positive: bool) -> list[dict[str, Any]]:
    """Quotes for one column; evidence on the same words is one quote with each reason under it."""
    merged: dict[tuple[str, float], dict[str, Any]] = {}
    for m in _one_per_criterion_first([m for m in moments if m.positive == positive]):
        key = (m.segment_text, m.start if m.segment is None else m.segment)
        if key not in merged:
            if len(merged) == MAX_MOMENTS:
                continue
            merged[key] = {
                "quote": quote(m.segment_text, m.char_start, m.char_end, lang, m.uncertain),
                "at": timestamp(m.start),
                "start": m.start,
                "criteria": [],
                "notes": [],
            }
        item = merged[key]
        if m.criterion not in item["criteria"]:
            item["criteria"].append(m.criterion)
        tip = "" if positive or any(n["tip"] == m.tip for n in item["notes"]) else m.tip
        if len(item["notes"]) >= MAX_NOTES:
            continue
        why = _decimals(m.explanation, lang)
        if (why and why not in [n["why"] for n in item["notes"]]) or tip:
            item["notes"].append({"why": why, "tip": tip})
    return sorted(merged.values(), key=lambda item: item["at"])


def _one_per_criterion_first(moments: list[Moment]) -> list[Moment]:
    """What the reviewer added first, then the few quotes a page holds spread over the criteria instead of
    one criterion's many."""
    rank: dict[str, int] = {}
    keyed = []
    for order, moment in enumerate(moments):
        rank[moment.criterion] = rank.get(moment.criterion, -1) + 1
        keyed.append((not moment.by_reviewer, rank[moment.criterion], order, moment))
    return [m for *_, m in sorted(keyed, key=lambda k: k[:3])]


def _revision(note: RevisionNote | None, lang: str) -> dict[str, Any] | None:
    """The correction block of a revised sheet: number, each score before and after, the reason."""
    if note is None or note.number <= 1:
        return None

    def shown(value: float | None) -> str:
        return LABELS[lang]["na"] if value is None else score_text(value, lang)

    return {
        "number": note.number,
        "changes": [{"title": c.title, "before": shown(c.before), "after": shown(c.after)} for c in note.changes],
        "reason": note.reason,
        "disputed_on": _date(note.disputed_on, lang) if note.disputed_on else None,
    }


def _criterion(line: CriterionLine, threshold: float, lang: str) -> dict[str, Any]:
    score = None if line.na or line.score is None else line.score
    return {
        "title": line.title,
        "score": None if score is None else score_text(score, lang),
        "width": 0 if score is None else max(0, min(100, round(score, 1))),
        "tone": "na" if score is None else _tone(score, threshold),
        "band": line.band,
        "weight": score_text(line.weight, lang),
        "auto_fail": line.auto_fail,
        "na_reason": line.na_reason if line.na else "",
    }


def _tone(score: float | None, threshold: float) -> str:
    if score is None:
        return "na"
    if score >= threshold:
        return "good"
    return "fair" if score >= 50 else "low"


def score_text(value: float | None, lang: str) -> str | None:
    """A score as the web pages print it (`value|round(1)|number`): one decimal at most, in the sheet's
    language: 81,9 in French, 81.9 in English, 62,5 never 62."""
    return None if value is None else format_decimal(round(value, 1), locale=lang)


DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")


def _decimals(text: str, lang: str) -> str:
    """Decimals the scorer wrote into its explanations ("(0.74)") with the sheet language's separator."""
    return DECIMAL.sub(get_decimal_symbol(lang), text) if text else text


def _lines(text: str) -> list[str]:
    return [line.strip(" -•*\t") for line in (text or "").splitlines() if line.strip(" -•*\t")]


def _date(value: date, lang: str) -> str:
    return format_date(value, format="long" if lang == "fr" else "d MMM yyyy", locale=lang)


TONE_COLOURS = {"good": "#2f855a", "fair": "#b7791f", "low": "#c53030", "na": "#a0aec0"}


def trend_svg(points: tuple[TrendPoint, ...], threshold: float, *, lang: str = "en") -> str:
    """A small line chart of totals (0-100) with the target as a dashed line; inline SVG, no assets."""
    title = LABELS[lang]["trend"]
    return line_chart(
        [day_label(p.when, lang) for p in points],
        {title: [p.total for p in points]},
        title=title,
        width=290,
        height=125,
        threshold=threshold,
        style=PRINT,
        point_colours=[TONE_COLOURS[_tone(p.total, threshold)] for p in points],
        current=next((i for i, p in enumerate(points) if p.current), None),
    )
