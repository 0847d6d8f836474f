"""The one line chart: the pages' look and the coaching sheet's print look."""

from __future__ import annotations

import re
from datetime import date

from app.ui.charts import PRINT, day_label, histogram, line_chart

LABELS = ["Oct 3", "Oct 10", "Oct 17"]


def test_a_page_chart_names_only_its_first_and_last_day_and_skips_missing_values():
    svg = line_chart(LABELS, {"Empathy": [40.0, None, 80.0]}, title="Empathy")
    assert svg.startswith('<svg class="chart"') and 'aria-label="Empathy"' in svg
    assert ">Oct 3<" in svg and ">Oct 17<" in svg and ">Oct 10<" not in svg
    assert svg.count("<circle") == 2 and "<title>Empathy: 80</title>" in svg


def test_a_page_chart_draws_one_line_per_series_in_its_own_colour():
    svg = line_chart(LABELS, {"Team A": [50.0, 60.0, 70.0], "Team B": [20.0, 30.0, 40.0]}, title="Teams")
    assert re.findall(r'<polyline fill="none" stroke="([^"]+)"', svg) == ["#1f5f8b", "#b35c00"]


def test_the_print_chart_writes_each_value_and_day_and_enlarges_the_current_point():
    svg = line_chart(
        LABELS,
        {"Total": [45.0, 72.0, 66.0]},
        title="Your last evaluations",
        threshold=70,
        style=PRINT,
        point_colours=["#c53030", "#2f855a", "#b7791f"],
        current=2,
    )
    assert svg.startswith('<svg class="trend"') and 'stroke-dasharray="4 3"' in svg
    assert all(f">{day}<" in svg for day in LABELS) and ">45<" in svg and ">72<" in svg
    assert re.findall(r'r="([\d.]+)" fill="([^"]+)"', svg) == [("3", "#c53030"), ("3", "#2f855a"), ("4.5", "#b7791f")]
    assert 'font-weight="bold" text-anchor="middle" fill="#2d3748">66<' in svg


def test_a_chart_speaks_the_readers_language():
    assert day_label(date(2026, 12, 1), "en") == "Dec 1" and day_label(date(2026, 12, 1), "fr") == "1 déc."


def test_the_histogram_has_one_bar_per_ten_point_bucket():
    svg = histogram([0, 1, 3, 0, 0, 2, 0, 0, 0, 4], title="Scores")
    assert svg.count("<rect") == 10 and "<title>90-99: 4</title>" in svg
