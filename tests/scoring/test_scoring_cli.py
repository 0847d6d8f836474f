"""`qa score` and `qa rubrics check` through click's CliRunner on a bare group (no app, no database)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from app.scoring.cli import register

TRANSCRIPT = {
    "language": "fr",
    "segments": [
        {"speaker": "agent", "start": 0.0, "end": 3.0, "text": "Bonjour, service client, Julie à l'appareil."},
        {"speaker": "customer", "start": 3.4, "end": 9.8, "text": "Oui bonjour, ma box ne marche plus depuis hier."},
        {"speaker": "agent", "start": 10.2, "end": 15.0, "text": "D'accord, votre box ne marche plus depuis hier."},
    ],
}


@pytest.fixture()
def qa() -> click.Group:
    group = click.Group("qa")
    register(group)
    return group


@pytest.fixture()
def transcript_file(tmp_path):
    path = tmp_path / "call.json"
    path.write_text(json.dumps(TRANSCRIPT), encoding="utf-8")
    return path


def test_score_prints_json_with_the_rubric_matching_the_language(qa, transcript_file):
    result = CliRunner().invoke(qa, ["score", str(transcript_file), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rubric"] == "hotline_fr" and {c["id"] for c in data["criteria"]} >= {"jargon", "empathy"}


def test_score_accepts_a_rubric_id_or_file(qa, transcript_file):
    from app.scoring.rubrics import bundled_rubrics

    by_id = CliRunner().invoke(qa, ["score", str(transcript_file), "--rubric", "hotline_en"])
    by_path = CliRunner().invoke(
        qa, ["score", str(transcript_file), "--rubric", bundled_rubrics()["hotline_fr"].source]
    )
    assert by_id.exit_code == 0 and "hotline_en v2" in by_id.output
    assert by_path.exit_code == 0 and "hotline_fr v2" in by_path.output


def test_a_malformed_transcript_gives_one_clear_error_line(qa, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"language": "fr", "segments": [{"speaker": "boss"}]}', encoding="utf-8")
    result = CliRunner().invoke(qa, ["score", str(path)])
    assert result.exit_code != 0
    assert "malformed transcript" in result.output and "segments[0].speaker" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_rubric_is_a_clear_error(qa, transcript_file):
    result = CliRunner().invoke(qa, ["score", str(transcript_file), "--rubric", "nope"])
    assert result.exit_code != 0 and "unknown rubric 'nope'" in result.output


def test_rubrics_check_validates_every_bundled_file(qa):
    result = CliRunner().invoke(qa, ["rubrics", "check"])
    assert result.exit_code == 0 and result.output.count("OK") >= 2


def test_rubrics_check_fails_on_a_bad_file_and_names_the_field(qa, tmp_path):
    from app.scoring.rubrics import bundled_rubrics

    bad = tmp_path / "bad.yaml"
    text = Path(bundled_rubrics()["hotline_fr"].source).read_text(encoding="utf-8")
    bad.write_text(text.replace("name: empathy", "name: telepathy"), encoding="utf-8")
    result = CliRunner().invoke(qa, ["rubrics", "check", str(bad)])
    assert result.exit_code != 0
    assert "criteria[2].detectors[0].name" in result.output and "telepathy" in result.output


def test_rubrics_check_prints_each_error_on_its_own_line_then_a_plain_count(qa, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\n", encoding="utf-8")
    result = CliRunner().invoke(qa, ["rubrics", "check", str(bad)])
    lines = result.output.splitlines()
    assert result.exit_code == 1 and "Error:" not in result.output
    assert (
        lines[0].startswith("ERROR ")
        and lines[0].endswith("got None")
        and lines[-1] == "1 of 1 rubric file(s) failed validation."
    )
