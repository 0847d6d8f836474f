"""spaCy pipelines, loaded once per process; model names are configuration (argument, else app/config.py)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.config import Config

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)


def model_name_for(language: str, model_name: str | None = None) -> str:
    """The spaCy model for a language: the argument, else Config's `SPACY_MODEL_<LANG>` (its environment variable,
    else its default). A Flask app passes its own config's name (scoring.services.nlp_for)."""
    lang = (language or "en")[:2].lower()
    if model_name:
        return model_name
    configured = getattr(Config, f"SPACY_MODEL_{lang.upper()}", None)
    if not configured:
        raise LookupError(f"no spaCy model configured for language {language!r} (set SPACY_MODEL_{lang.upper()})")
    return configured


@functools.lru_cache(maxsize=8)
def _load(name: str) -> Language:
    import spacy

    logger.info("loading spaCy model %s", name)
    return spacy.load(name)


def get_nlp(language: str, model_name: str | None = None) -> Language:
    """The spaCy pipeline for a language, loaded once per process."""
    return _load(model_name_for(language, model_name))


def normalise(text: str) -> str:
    """Same-length text normalisation before parsing (curly apostrophes), so spans stay valid."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")


def parse_texts(nlp: Language, texts: Iterable[str], disable: Iterable[str] = ()) -> list[Doc]:
    """Parse many segment texts in one batch, optionally skipping components (sentences then come from
    punctuation when the parser is skipped)."""
    skip = [name for name in disable if name in nlp.pipe_names]
    docs = list(nlp.pipe((normalise(t) for t in texts), batch_size=128, disable=skip))
    if "parser" in skip and "senter" not in nlp.pipe_names:
        split = _sentencizer()
        docs = [split(doc) for doc in docs]
    return docs


@functools.lru_cache(maxsize=1)
def _sentencizer():
    from spacy.pipeline import Sentencizer

    return Sentencizer()
