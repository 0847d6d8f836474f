"""`qa score` and `qa rubrics check`: score a transcript file, validate rubric files (no database needed)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.scoring.behaviours.cli import behaviours_group
from app.scoring.errors import RubricError


def register(group: click.Group) -> None:
    """Add the scoring commands to the `qa` command group."""
    group.add_command(score_command)
    group.add_command(rubrics_group)
    group.add_command(behaviours_group)


def _rubric(spec: str | None, language: str):
    from app.scoring.rubrics import bundled_rubrics, load_rubric, rubric_for_language

    try:
        if spec is None:
            return rubric_for_language(language)
        if spec in bundled_rubrics():
            return bundled_rubrics()[spec]
        if Path(spec).is_file():
            return load_rubric(spec)
    except (RubricError, LookupError) as exc:
        raise click.ClickException(str(exc).strip("'\"")) from None
    known = ", ".join(sorted(bundled_rubrics()))
    raise click.ClickException(f"unknown rubric {spec!r}: not a bundled rubric id ({known}) nor a file")


@click.command("score")
@click.argument("transcript", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rubric", "rubric_spec", default=None, help="Bundled rubric id or rubric file (default: by language).")
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable result.")
def score_command(transcript: Path, rubric_spec: str | None, as_json: bool) -> None:
    """Score a transcript JSON file against a rubric."""
    from app.scoring.engine import score_transcript
    from app.transcription.interchange import TranscriptFormatError, transcript_from_json

    try:
        parsed = transcript_from_json(transcript.read_bytes())
    except OSError as exc:
        raise click.ClickException(f"{transcript}: cannot read the file ({exc.strerror})") from None
    except TranscriptFormatError as exc:
        raise click.ClickException(f"{transcript}: malformed transcript: {exc}") from None
    result = score_transcript(parsed, _rubric(rubric_spec, parsed.language))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    flag = "  AUTO-FAIL" if result.auto_failed else ""
    click.echo(f"{result.rubric_id} v{result.rubric_version}: total {_fmt(result.total)}{flag}")
    for crit in result.criteria:
        label = "N/A" if crit.na else _fmt(crit.score)
        plus = sum(1 for e in crit.evidence if e.sign > 0)
        click.echo(
            f"  {crit.id:22s} {label:>6s}  weight {crit.weight:g}  confidence {crit.confidence:.2f}"
            f"  evidence +{plus}/-{len(crit.evidence) - plus}"
        )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


@click.group("rubrics")
def rubrics_group() -> None:
    """Rubric files."""


@rubrics_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate rubric files (default: every bundled rubric); non-zero exit on any error."""
    from app.scoring.rubrics import bundled_rubric_files, load_rubric

    failed, files = 0, paths or tuple(bundled_rubric_files())
    for path in files:
        try:
            rubric = load_rubric(path)
        except RubricError as exc:
            failed += 1
            click.echo(f"ERROR {exc}", err=True)
            continue
        click.echo(f"OK    {path} ({rubric.id} v{rubric.version}, {len(rubric.criteria)} criteria)")
    if failed:
        # One line per bad file above, then the count: no click "Error:" prefix glued to a message.
        click.echo(f"{failed} of {len(files)} rubric file(s) failed validation.", err=True)
        click.get_current_context().exit(1)
