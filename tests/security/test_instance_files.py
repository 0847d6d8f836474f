"""The instance folder and the SQLite database are readable by the service's own user only."""

from __future__ import annotations

import stat

from sqlalchemy import text

from app import create_app
from app.extensions import db


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_instance_folder_are_private(tmp_path):
    instance = tmp_path / "instance"
    database = instance / "ecoute.db"
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", INSTANCE_PATH=instance, SECRET_KEY=None
    )
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        db.engine.dispose()
    assert _mode(instance) == 0o700
    assert _mode(database) == 0o600
    assert _mode(instance / "secret_key") == 0o600
    for companion in instance.glob("ecoute.db-*"):
        assert _mode(companion) == 0o600, companion.name
