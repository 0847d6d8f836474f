"""Training and checking the shipped behaviour model (files only, no database)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.scoring.behaviours.card import model_card
from app.scoring.behaviours.corpus import (
    CORPUS_DIR,
    OCCASIONS_DIR,
    CorpusError,
    corpus_files,
    fingerprint,
    read_examples,
    read_occasions,
)
from app.scoring.behaviours.model import MODEL_DIR, BehaviourModel, ModelFileError, load_model, save_model
from app.scoring.behaviours.train import train

CARD_FILE = "MODEL_CARD.md"


def train_and_save(
    extra: Sequence[Path] = (),
    *,
    seed: int,
    folds: int = 5,
    corpus_dir: Path | None = None,
    occasions_dir: Path | None = None,
    out_dir: Path | None = None,
) -> tuple[BehaviourModel, Path]:
    """Train on the corpus (and `extra` files) and the occasion files; write weights, metadata, model card.
    ValueError on bad data."""
    files = corpus_files(corpus_dir or CORPUS_DIR)
    if not files:
        raise ValueError(f"no corpus files (<lang>/*.jsonl) under {corpus_dir or CORPUS_DIR}")
    occasion_files = corpus_files(occasions_dir or OCCASIONS_DIR)
    try:
        examples = read_examples([*files, *extra])
        occasions = read_occasions(occasion_files)
    except (CorpusError, OSError) as exc:
        raise ValueError(str(exc)) from None
    model = train(examples, occasions, seed=seed, folds=folds)
    model.meta.update(
        corpus_sha256=fingerprint(files),
        occasions_sha256=fingerprint(occasion_files),
        folds=folds,
        extra_files=[p.name for p in extra],
    )
    directory = out_dir or MODEL_DIR
    digest = save_model(model, directory)
    model.meta["sha256"] = digest
    (directory / CARD_FILE).write_text(model_card(model), encoding="utf-8")
    load_model.cache_clear()
    return model, directory


def check_model(directory: Path = MODEL_DIR) -> list[str]:
    """Problems with the shipped model: altered weights, or a corpus changed since it was trained."""
    try:
        meta = load_model(directory).meta
    except ModelFileError as exc:
        return [str(exc)]
    if meta.get("corpus_sha256") != fingerprint(corpus_files()) or meta.get("occasions_sha256") != fingerprint(
        corpus_files(OCCASIONS_DIR)
    ):
        return [
            "the corpus or the customer turns (occasions) changed since the model was trained: "
            "run `flask --app wsgi qa behaviours train`"
        ]
    return []
