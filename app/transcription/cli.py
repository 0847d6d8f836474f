"""`flask qa transcribe FILE`: transcribe one recording to interchange JSON, no database needed."""

from __future__ import annotations

import json
import os
import sys
from contextlib import ExitStack

import click
from flask import current_app

from app.audio import AudioError
from app.transcription.attribution import CHANNEL_LAYOUTS, ChannelLayoutError
from app.transcription.engines import ENGINES, UnknownEngineError
from app.transcription.exports import EXPORTERS
from app.transcription.model_store import ModelUnavailableError
from app.transcription.settings import TranscriptionSettings, settings_from_config


class _LazyBar:
    """A progress bar on stderr drawn from the first progress report on, so that a file refused while it is
    probed (before any report) gives exactly one error line and no half-drawn bar."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack, self.bar = stack, None

    def __call__(self, p: float) -> None:
        if self.bar is None:
            self.bar = self.stack.enter_context(click.progressbar(length=1000, label="Transcribing", file=sys.stderr))
        self.bar.update(int(p * 1000) - self.bar.pos)


@click.command("transcribe")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--channels",
    type=click.Choice(sorted(CHANNEL_LAYOUTS)),
    default=None,
    help="Who is on which channel (default: agent,customer for stereo, mono otherwise).",
)
@click.option("--language", default=None, help="Language code (fr, en); detected on speech when omitted.")
@click.option("--engine", "engine_name", type=click.Choice(sorted(ENGINES)), default=None, help="Engine name.")
@click.option("--model", default=None, help="Whisper model name or directory (default: WHISPER_MODEL or base).")
@click.option("--json", "as_json", is_flag=True, help="Print interchange JSON with metrics (the default output).")
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORTERS)), default="json", help="Output format.")
@click.option("--no-progress", is_flag=True, help="Do not draw a progress bar on stderr.")
def transcribe_command(
    file: str,
    channels: str | None,
    language: str | None,
    engine_name: str | None,
    model: str | None,
    as_json: bool,
    fmt: str,
    no_progress: bool,
) -> None:
    """Transcribe FILE and print the transcript (interchange JSON plus "metrics" with --json)."""
    from app.transcription.pipeline import transcribe_file

    if not os.path.isfile(file):
        raise click.ClickException(f"{file}: no such file.")
    settings: TranscriptionSettings = settings_from_config(current_app.config).replace(engine=engine_name, model=model)
    try:
        with ExitStack() as stack:
            transcript = transcribe_file(
                file,
                channels=channels,
                language=language,
                settings=settings,
                progress=None if no_progress else _LazyBar(stack),
            )
    except (AudioError, ChannelLayoutError, ModelUnavailableError, UnknownEngineError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if as_json or fmt == "json":
        data = transcript.to_dict()
        data["metrics"] = transcript.info.get("metrics")
        data["info"] = {k: v for k, v in transcript.info.items() if k != "metrics"}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(EXPORTERS[fmt](transcript), nl=False)


def register(group: click.Group) -> None:
    """Attach the transcribe command to the `qa` command group."""
    group.add_command(transcribe_command)
