"""The sheet's content from plain inputs: language, quotes, redaction, trend chart (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.coaching.sheet import CriterionLine, Moment, SheetInput, TrendPoint, format_duration, quote, sheet_context

TEXT = "Je comprends, mais c'est votre faute. Redonnez-moi votre carte 4970 1000 0000 0006 s'il vous plaît."


def _input(language: str = "fr", **changes) -> SheetInput:
    values = dict(
        language=language,
        agent_name="Julie Martin",
        team_name="Hotline Fibre",
        call_date=datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
        duration=252.0,
        reference="TCK-8812",
        reviewer_name="Claire",
        rubric_title="Hotline",
        rubric_version=2,
        total=64.0,
        threshold=70.0,
        issued_on=date(2026, 11, 3),
        criteria=(
            CriterionLine("Empathie", 40.0, 20.0, band="À travailler"),
            CriterionLine("Clôture", None, 10, na=True),
        ),
        moments=(
            Moment("Empathie", TEXT, 14, 36, 61.0, positive=False, explanation="Reproche", tip="Parlez solution"),
            Moment("Accueil", "Bonjour, Julie à l'appareil.", 0, 27, 0.0, positive=True, tip="unused"),
        ),
        trend=(TrendPoint(date(2026, 10, 1), 52.0), TrendPoint(date(2026, 11, 2), 64.0, current=True)),
    )
    values.update(changes)
    return SheetInput(**values)


def test_labels_and_dates_follow_the_agents_language():
    fr, en = sheet_context(_input("fr")), sheet_context(_input("en"))
    assert fr["t"]["areas"] == "Axes de progrès" and en["t"]["areas"] == "Areas to improve"
    assert fr["call"]["date"].startswith("2 novembre 2026") and en["call"]["date"].startswith("2 Nov 2026")


def test_areas_to_improve_quote_the_agent_with_a_timestamp_and_a_better_way_to_say_it():
    area = sheet_context(_input())["areas"][0]
    assert "c'est votre faute" in area["quote"] and area["at"] == "01:01"
    assert area["notes"] == [{"why": "Reproche", "tip": "Parlez solution"}]


def test_strengths_carry_no_tip():
    strength = sheet_context(_input())["strengths"][0]
    assert strength["notes"] == [] and strength["quote"] == "Bonjour, Julie à l'appareil."


def test_a_card_number_in_a_quote_is_redacted_even_when_the_quote_is_trimmed():
    text = "x " * 200 + "ma carte 4970 1000 0000 0006 merci"
    start = text.index("0000")  # the evidence starts inside the card number
    shown = quote(text, start, start + 4, "fr")
    assert "[CARTE]" in shown and "0006" not in shown and "4970" not in shown


def test_a_not_applicable_criterion_has_no_bar():
    rows = sheet_context(_input())["criteria"]
    assert rows[0]["width"] == 40 and rows[0]["tone"] == "low"
    assert rows[1]["score"] is None and rows[1]["tone"] == "na"


def test_the_trend_is_an_inline_svg_with_the_target_line():
    svg = sheet_context(_input())["trend_svg"]
    assert (
        svg.startswith("<svg")
        and "stroke-dasharray" in svg
        and ">64<" in svg
        and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_a_first_evaluation_has_no_trend_chart():
    assert sheet_context(_input(trend=(TrendPoint(date(2026, 11, 2), 64.0, current=True),)))["trend_svg"] == ""


def test_durations_read_naturally():
    assert format_duration(252) == "4\u00a0min\u00a012\u00a0s" and format_duration(3720).startswith("1\u00a0h")


def test_scores_read_as_on_the_web_pages_with_one_decimal_in_the_agents_language():
    criteria = (CriterionLine("Empathie", 62.5, 20.0), CriterionLine("Écoute", 80.7, 20.0))
    fr = sheet_context(_input("fr", total=81.94, criteria=criteria))
    en = sheet_context(_input("en", total=81.94, criteria=criteria))
    assert fr["total"] == "81,9" and [c["score"] for c in fr["criteria"]] == ["62,5", "80,7"]
    assert en["total"] == "81.9" and [c["score"] for c in en["criteria"]] == ["62.5", "80.7"]
    assert fr["threshold"] == "70"


def test_a_not_applicable_criterion_says_so_as_the_web_page_does_with_french_typography():
    from app.coaching.sheet import LABELS

    na = CriterionLine("Mise en attente", None, 10, na=True, na_reason="Pas de mise en attente")
    fr, en = sheet_context(_input("fr", criteria=(na,))), sheet_context(_input("en", criteria=(na,)))
    assert f"{fr['t']['na']}{fr['t']['colon']} Pas de mise en attente" == "Sans objet\u00a0: Pas de mise en attente"
    assert f"{en['t']['na']}{en['t']['colon']}" == "N/A:" and LABELS["en"]["na"] == "N/A"


def test_a_confidence_in_an_explanation_takes_the_decimal_comma_in_french():
    said = "Vous dites que la box clignote."
    moment = Moment("Écoute", said, 0, len(said), 3.0, positive=True, explanation="reformule (0.74)")
    fr = sheet_context(_input("fr", moments=(moment,)))["strengths"][0]["notes"]
    en = sheet_context(_input("en", moments=(moment,)))["strengths"][0]["notes"]
    assert fr[0]["why"] == "reformule (0,74)" and en[0]["why"] == "reformule (0.74)"
