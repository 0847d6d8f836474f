"""The full-text index DDL: the app (create_all) and migration 0003 build the same index."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.roleplay import search

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0003_roleplay.py"


def _migration():
    spec = importlib.util.spec_from_file_location("migration_0003", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_builds_the_same_search_index_as_the_models():
    migration = _migration()
    assert migration.SQLITE_SEARCH == search.SQLITE_DDL
    assert migration.POSTGRES_SEARCH == search.PG_DDL


def test_search_terms_drop_operators_and_keep_accented_words():
    assert search.terms('"coupée" OR (box* -x') == ["coupée", "OR", "box", "x"]
    assert search.terms("") == []


def test_the_schema_comparison_ignores_only_the_search_index():
    assert not search.include_name("moments_fts_data", "table", {})
    assert not search.include_name("ix_moments_fts", "index", {})
    assert search.include_name("moments", "table", {})
