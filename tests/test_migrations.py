"""Migrations build the schema the models describe, on an empty database."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.config import sqlalchemy_url
from app.extensions import db
from app.roleplay.search import include_name


@pytest.fixture
def empty_database(tmp_path):
    """A brand-new database: a fresh SQLite file, or a fresh schema on DATABASE_URL's PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}", {}
        return
    url = sqlalchemy_url(url)
    schema = f"migrations_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_migrations_upgrade_an_empty_database_to_exactly_the_models(empty_database, tmp_path):
    url, options = empty_database
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options, INSTANCE_PATH=tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # The moments' full-text index (FTS5 tables, GIN index) is DDL the models cannot describe.
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()
