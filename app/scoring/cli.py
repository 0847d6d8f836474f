"""`qa score` and `qa rubrics check`: score a transcript file, validate rubric files (no database needed).
`qa scorer fit REVIEWS.jsonl --rubric ID`: fit a rubric's detector weights to reviewers' scores (`--save`: a new
version). `qa rescore --rubric ID --version V --since DATE`: queue the period's calls to be scored with a version."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from app.qa_data.errors import RubricError
from app.scoring.behaviours.cli import behaviours_group


def register(group: click.Group) -> None:
    """Add the scoring commands to the `qa` command group."""
    group.add_command(score_command)
    group.add_command(rubrics_group)
    group.add_command(behaviours_group)
    group.add_command(scorer_group)
    group.add_command(rescore_command)


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
        if crit.na:
            reason = dict(crit.na_reason).get("en", "")
            click.echo(f"  {crit.id:22s} {label:>6s}  weight {crit.weight:g}  {reason}")
            continue
        click.echo(
            f"  {crit.id:22s} {label:>6s}  weight {crit.weight:g}  confidence {crit.confidence:.2f}"
            f"  evidence +{plus}/-{len(crit.evidence) - plus}"
        )


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


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


@rubrics_group.command("sync")
def sync_command() -> None:
    """Register the bundled rubric files that are new or changed (the app also does it at start-up)."""
    from app.extensions import db
    from app.scoring.services import sync_bundled_rubrics

    versions = sync_bundled_rubrics(db.session)
    db.session.commit()
    for version in versions:
        click.echo(f"{version.rubric.key} v{version.version}")


@click.group("scorer")
def scorer_group() -> None:
    """The automatic scorer measured and calibrated against reviewers."""


def _reviewed(path: Path, spec, nlp) -> list:
    """REVIEWS.jsonl: one `{"transcript": {...interchange...}, "scores": {"criterion_id": 0-100 or null}}` a line."""
    from app.scoring.engine import context_for
    from app.scoring.fit import Reviewed
    from app.transcription.interchange import TranscriptFormatError, transcript_from_dict

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot read the file ({exc})") from None
    samples = []
    with click.progressbar(list(enumerate(lines, 1)), label="Reading the calls", file=sys.stderr) as bar:
        for number, line in bar:
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                scores = _scores(data.get("scores") if isinstance(data, dict) else None)
                transcript = transcript_from_dict(data.get("transcript"))
            except (ValueError, TranscriptFormatError) as exc:
                raise click.ClickException(f"{path}: line {number}: {exc}") from None
            samples.append(Reviewed(context_for(transcript, spec, nlp=nlp), scores))
    return samples


def _scores(raw) -> dict[str, float | None]:
    if not isinstance(raw, dict):
        raise ValueError('expected "scores": {"criterion_id": 0-100 or null, ...}')
    for key, value in raw.items():
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100
        ):
            raise ValueError(f"score of {key!r} must be a number from 0 to 100 or null, got {value!r}")
    return {k: None if v is None else float(v) for k, v in raw.items()}


@scorer_group.command("fit")
@click.argument("reviews", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rubric", "key", required=True, help="Rubric id (its newest stored version is fitted).")
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable result.")
@click.option("--save", is_flag=True, help="Store the fit as the rubric's next version.")
@click.option("--min-reviews", default=30, show_default=True, type=click.IntRange(2), help="Per criterion.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20), help="Cross-validation folds.")
@click.option("--seed", default=0, show_default=True, help="Seed of the folds.")
def fit_command(reviews: Path, key: str, as_json: bool, save: bool, min_reviews: int, folds: int, seed: int) -> None:
    """Fit a rubric's detector weights and parameters to reviewers' scores; `after` is measured on held-out folds."""
    from app.extensions import db
    from app.scoring.fit import FitSettings, TooFewReviews, fit_rubric
    from app.scoring.fit_text import FitTextError
    from app.scoring.services import FitRefused, ScoringError, nlp_for, publish_fit, spec_of, stored_version

    try:
        spec = spec_of(stored_version(db.session, key))
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()  # the bundled file, registered if it was new
    samples = _reviewed(reviews, spec, nlp_for(spec.language))
    try:
        result = fit_rubric(spec, samples, FitSettings(min_reviews=min_reviews, folds=folds, seed=seed))
    except TooFewReviews as exc:
        raise click.ClickException(str(exc)) from None
    output = result.to_dict()
    if save:
        try:
            version = publish_fit(db.session, result, f"{len(samples)} calls from {reviews.name}")
        except (FitRefused, FitTextError) as exc:
            raise click.ClickException(f"not saved: {exc}") from None
        db.session.commit()
        output["published"] = version.version
    if as_json:
        click.echo(json.dumps(output, ensure_ascii=False, indent=2))
        return
    _print_fit(output)


def _print_fit(output: dict) -> None:
    click.echo(f"{output['rubric']} v{output['version']}, {output['folds']}-fold cross-validation (held out)")
    for c in output["criteria"]:
        if c.get("refused"):
            click.echo(f"  {c['id']:22s} n={c['n']:<5d} not fitted: {c['refused']}")
            continue
        b, a = c["before"], c["after"]
        verdict = "adopted" if c["adopted"] else "kept (not better on held-out folds)"
        click.echo(
            f"  {c['id']:22s} n={c['n']:<5d} Spearman {_fmt(b['spearman'], 3)} -> {_fmt(a['spearman'], 3)}"
            f"  MAE {_fmt(b['mae'])} -> {_fmt(a['mae'])}  {verdict}"
        )
        if c["adopted"]:
            click.echo("  " + " " * 22 + " weights " + ", ".join(f"{k} {v:g}" for k, v in c["weights"].items()))
    if "published" in output:
        click.echo(
            f"saved as {output['rubric']} version {output['published']}; re-score a period with: "
            f"flask --app wsgi qa rescore --rubric {output['rubric']} --version {output['published']} "
            "--since YYYY-MM-DD"
        )


@click.command("rescore")
@click.option("--rubric", "key", required=True, help="Rubric id.")
@click.option("--version", "number", type=int, default=None, help="Version to score with (default: the newest).")
@click.option("--since", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First call date.")
def rescore_command(key: str, number: int | None, since) -> None:
    """Queue every call since DATE scored with this rubric to be scored again with a version (reviews unchanged)."""
    from datetime import UTC

    from app.extensions import db
    from app.scoring.services import ScoringError, rescore_period, stored_version

    try:
        version = stored_version(db.session, key, number)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    jobs = rescore_period(db.session, version, since.replace(tzinfo=UTC))
    db.session.commit()
    click.echo(f"{len(jobs)} call(s) queued to be scored with {key} v{version.version}")
