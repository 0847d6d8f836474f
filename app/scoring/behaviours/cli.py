"""`qa behaviours ...`: retrain the behaviour heads, check the shipped files, try a turn."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("behaviours")
def behaviours_group() -> None:
    """Behaviour models (reflection, question, empathy, jargon...)."""


@behaviours_group.command("train")
@click.option(
    "--extra",
    "extra",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="More labelled examples (same JSON Lines format), e.g. exported from reviews.",
)
@click.option("--seed", default=20261201, show_default=True)
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds for the model card.")
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Corpus folder (<lang>/*.jsonl; default: the shipped qa_rubrics/behaviours/corpus).",
)
@click.option(
    "--occasions",
    "occasions_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Customer turns for the occasion head (<lang>/*.jsonl; default: the shipped qa_rubrics/behaviours/occasions).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the model (default: the shipped qa_rubrics/behaviours/model).",
)
def train_command(
    extra: tuple[Path, ...],
    seed: int,
    folds: int,
    corpus_dir: Path | None,
    occasions_dir: Path | None,
    out_dir: Path | None,
) -> None:
    """Rebuild the behaviour heads from the corpus (seeded: the same corpus gives the same weights)."""
    from app.scoring.behaviours.card import fmt_auc
    from app.scoring.behaviours.services import train_and_save

    try:
        model, directory = train_and_save(
            extra, seed=seed, folds=folds, corpus_dir=corpus_dir, occasions_dir=occasions_dir, out_dir=out_dir
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{model.meta['examples']} examples; held-out ROC AUC per behaviour (en / fr):")
    for behaviour, scores in model.meta["cross_validation"].items():
        click.echo(f"  {behaviour:16s} {fmt_auc(scores['en'])} / {fmt_auc(scores['fr'])}")
    if "occasion" in model.meta:
        scores = model.meta["occasion"]["cross_validation"]
        click.echo(f"  {'occasion':16s} {fmt_auc(scores['en'])} / {fmt_auc(scores['fr'])} (customer turns)")
    click.echo(f"wrote {directory} (sha256 {model.meta['sha256']})")


@behaviours_group.command("check")
def check_command() -> None:
    """Check the shipped weights against their sha256 and the corpus they were trained on."""
    from app.scoring.behaviours.services import check_model

    problems = check_model()
    for problem in problems:
        click.echo(f"ERROR {problem}")
    if problems:
        raise click.ClickException("behaviour model check failed")
    click.echo("OK    behaviour model matches its sha256, the corpus and the customer turns")


@behaviours_group.command("predict")
@click.argument("turn")
@click.option("--context", default="", help="What the customer said just before.")
@click.option("--json", "as_json", is_flag=True)
def predict_command(turn: str, context: str, as_json: bool) -> None:
    """Probability of each behaviour for one agent turn."""
    from app.scoring.behaviours.model import load_model
    from app.scoring.behaviours.turns import TurnUnit

    model = load_model()
    probabilities, occasion = model.read([TurnUnit((0,), turn, context)])
    result = {b: round(float(p), 3) for b, p in zip(model.behaviours, probabilities[0], strict=True)}
    if context.strip():
        result["occasion"] = round(float(occasion[0]), 3)  # the customer's words, not the turn
    if as_json:
        click.echo(json.dumps(result))
        return
    occasion_reading = result.pop("occasion", None)
    for behaviour, p in sorted(result.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {behaviour:16s} {p:.3f}")
    if occasion_reading is not None:
        click.echo(f"occasion for empathy in the customer's words: {occasion_reading:.3f}")
