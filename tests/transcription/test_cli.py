from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from app.transcription.cli import register


@pytest.fixture
def qa(app, monkeypatch) -> click.Group:
    """The transcribe command as `flask qa` runs it: inside the app, whose Config holds the settings."""
    monkeypatch.setitem(app.config, "TRANSCRIPTION_ENGINE", "fake")
    monkeypatch.setitem(app.config, "TRANSCRIPTION_DIARIZE", False)
    group = click.Group("qa")
    register(group)
    return group


def run(qa: click.Group, *args: str):
    return CliRunner().invoke(qa, ["transcribe", *args])


def test_transcribe_prints_interchange_json_with_metrics(qa: click.Group, speech_fixtures: dict[str, Path]) -> None:
    result = run(qa, str(speech_fixtures["stereo"]), "--json", "--language", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"] == "en"
    assert {s["speaker"] for s in data["segments"]} == {"agent", "customer"}
    assert "talk_time" in data["metrics"]


def test_the_progress_bar_goes_to_stderr_not_into_the_json(qa: click.Group, speech_fixtures: dict[str, Path]) -> None:
    result = run(qa, str(speech_fixtures["en"]), "--json")
    assert "Transcribing" in result.stderr
    json.loads(result.stdout)


def test_channels_can_be_swapped_from_the_command_line(qa: click.Group, speech_fixtures: dict[str, Path]) -> None:
    result = run(qa, str(speech_fixtures["stereo_swapped"]), "--channels", "customer,agent", "--json")
    assert json.loads(result.stdout)["segments"][0]["speaker"] == "agent"


def test_srt_output_is_available(qa: click.Group, speech_fixtures: dict[str, Path]) -> None:
    result = run(qa, str(speech_fixtures["stereo"]), "--format", "srt", "--no-progress")
    assert result.stdout.startswith("1\n00:00:0")


def test_a_missing_file_is_one_clear_error_line(qa: click.Group, tmp_path: Path) -> None:
    result = run(qa, str(tmp_path / "nope.wav"), "--json")
    assert result.exit_code != 0
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope.wav'}: no such file."


def test_corrupt_audio_exits_non_zero_with_the_audio_message(qa: click.Group, speech_fixtures: dict[str, Path]) -> None:
    result = run(qa, str(speech_fixtures["text"]), "--json")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {speech_fixtures['text']}: This file is not a readable audio recording."
    ]
    assert result.stdout == ""


def test_a_stereo_layout_on_a_mono_file_is_refused(qa: click.Group, speech_fixtures: dict[str, Path]) -> None:
    result = run(qa, str(speech_fixtures["en"]), "--channels", "agent,customer")
    assert result.exit_code == 1 and "needs a stereo recording" in result.stderr
