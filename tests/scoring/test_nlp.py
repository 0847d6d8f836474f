"""spaCy pipelines are configuration and loaded once per process."""

from __future__ import annotations

import pytest

from app.config import Config
from app.scoring.nlp import get_nlp, model_name_for, normalise


def test_model_names_come_from_the_argument_then_the_configuration(monkeypatch):
    monkeypatch.setattr(Config, "SPACY_MODEL_FR", "fr_core_news_sm")  # what SPACY_MODEL_FR=fr_core_news_sm sets
    assert model_name_for("fr") == "fr_core_news_sm"
    assert model_name_for("fr", "my_model") == "my_model"
    with pytest.raises(LookupError, match="SPACY_MODEL_DE"):
        model_name_for("de")


def test_a_pipeline_is_loaded_once_per_process():
    assert get_nlp("en") is get_nlp("en")


def test_normalising_keeps_the_text_length_so_spans_stay_valid():
    text = "J\u2019ai l\u2019ONT"
    assert len(normalise(text)) == len(text) and "'" in normalise(text)


def test_the_models_loaded_at_start_are_the_ones_requests_and_jobs_use(app):
    from app.scoring.services import load_models, nlp_for

    assert load_models() == ["fr", "en"]
    assert nlp_for("fr") is nlp_for("fr") and nlp_for("en").lang == "en"
