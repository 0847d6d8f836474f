"""Full-text search over moments: SQLite FTS5 on the embedded default, PostgreSQL full-text at scale.

The index lives beside the `moments` table and is built by the same DDL from `db.create_all()` (tests)
and from migration 0003. Alembic cannot describe either, so `SCHEMA_NAMES` lists what the
models-versus-migrations comparison must ignore.
"""

from __future__ import annotations

import re

from sqlalchemy import DDL, ColumnElement, Table, event, literal_column, select, text

# The FTS5 table and its shadow tables (SQLite), and the GIN expression index (PostgreSQL).
FTS_TABLE = "moments_fts"
GIN_INDEX = "ix_moments_fts"
SCHEMA_NAMES = frozenset(
    {FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "content", "docsize", "config")), GIN_INDEX}
)

# Kept in step by triggers, so deleting or rewriting moments (tests empty tables) never leaves stale hits.
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(text, quote, explanation, content='moments', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS moments_fts_ai AFTER INSERT ON moments BEGIN INSERT INTO {FTS_TABLE}"
    "(rowid, text, quote, explanation) VALUES (new.id, new.text, new.quote, new.explanation); END",
    f"CREATE TRIGGER IF NOT EXISTS moments_fts_ad AFTER DELETE ON moments BEGIN INSERT INTO {FTS_TABLE}"
    f"({FTS_TABLE}, rowid, text, quote, explanation) VALUES ('delete', old.id, old.text, old.quote, "
    "old.explanation); END",
    f"CREATE TRIGGER IF NOT EXISTS moments_fts_au AFTER UPDATE ON moments BEGIN INSERT INTO {FTS_TABLE}"
    f"({FTS_TABLE}, rowid, text, quote, explanation) VALUES ('delete', old.id, old.text, old.quote, "
    f"old.explanation); INSERT INTO {FTS_TABLE}(rowid, text, quote, explanation) VALUES (new.id, new.text, "
    "new.quote, new.explanation); END",
)
SQLITE_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"
# 'simple': moments are French and English side by side; no stemming, so a word finds itself in both.
PG_VECTOR = "to_tsvector('simple', coalesce(text, '') || ' ' || coalesce(explanation, ''))"
PG_DDL = f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON moments USING gin (({PG_VECTOR}))"


def install(table: Table) -> None:
    """Create (and drop) the dialect's index with the table itself."""
    for statement in SQLITE_DDL:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    event.listen(table, "before_drop", DDL(SQLITE_DROP).execute_if(dialect="sqlite"))
    event.listen(table, "after_create", DDL(PG_DDL).execute_if(dialect="postgresql"))


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic filter: the search index is not described by the models."""
    return name not in SCHEMA_NAMES


def terms(query: str) -> list[str]:
    """The words of a search box, without the operators either engine would interpret."""
    return re.findall(r"\w+", query or "")[:12]


def match(dialect: str, query: str, id_column: ColumnElement) -> ColumnElement | None:
    """A WHERE clause keeping moments whose words contain every term (prefixes on SQLite); None: no terms."""
    words = terms(query)
    if not words:
        return None
    if dialect == "sqlite":
        expression = " ".join(f'"{w}"*' for w in words)
        hits = (
            select(literal_column("rowid"))
            .select_from(text(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=expression))
        )
        return id_column.in_(hits)
    if dialect == "postgresql":
        vector = PG_VECTOR.replace("(text", "(moments.text").replace("(explanation", "(moments.explanation")
        return literal_column(vector).op("@@")(
            text("to_tsquery('simple', :fts_query)").bindparams(fts_query=" & ".join(f"{w}:*" for w in words))
        )
    raise LookupError(f"no full-text search for {dialect}")
