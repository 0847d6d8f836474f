"""`qa sheet EVALUATION_ID --out FILE.pdf`: issue (or fetch) the coaching sheet of a final evaluation.
`qa labelled-examples --out FILE.jsonl`: reviewers' verdicts on evidence, for training the behaviour models.
`qa behaviours export --out FILE.jsonl`: the same verdicts as behaviour-corpus lines (`qa behaviours train --extra`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

from app.extensions import db


def register(group: click.Group) -> None:
    """Add the coaching commands to the `qa` command group."""
    group.add_command(sheet_command)
    group.add_command(labelled_examples_command)
    from app.scoring.behaviours.cli import behaviours_group

    behaviours_group.add_command(export_behaviours_command)


@click.command("sheet")
@click.argument("evaluation_id", type=int)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF."
)
def sheet_command(evaluation_id: int, out: Path) -> None:
    """Write the coaching sheet PDF of a final evaluation, issuing it first if needed."""
    from app.coaching.services import SheetError, issue_sheet, sheet_path
    from app.scoring.models import Evaluation

    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise click.ClickException(f"no evaluation {evaluation_id}")
    try:
        sheet = issue_sheet(db.session, evaluation)
        db.session.commit()
    except SheetError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        shutil.copyfile(sheet_path(sheet), out)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"sheet {sheet.id} ({sheet.language}, sha256 {sheet.sha256[:12]}) written to {out}")


@click.command("labelled-examples")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the JSON lines.",
)
def labelled_examples_command(out: Path) -> None:
    """Write each reviewer confirmation or rejection of evidence in a final review as one JSON line."""
    from app.review.labels import example_rows

    rows = example_rows(db.session)
    _write_json_lines(out, rows)
    click.echo(f"{len(rows)} labelled examples written to {out}")


@click.command("export")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the JSON lines.",
)
def export_behaviours_command(out: Path) -> None:
    """Write reviewers' verdicts on behaviour evidence as corpus lines, to retrain with `train --extra FILE`."""
    from app.review.labels import behaviour_examples, example_rows

    lines = behaviour_examples(example_rows(db.session))
    _write_json_lines(out, lines)
    click.echo(f"{len(lines)} behaviour examples written to {out} (personal data masked)")


def _write_json_lines(out: Path, rows: list[dict]) -> None:
    try:
        out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
