"""Fixtures shared by the whole suite: an app on SQLite or on DATABASE_URL, a client, factories."""

from __future__ import annotations

import io
import os
import re
import shutil
import wave
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Integer, text

from app import create_app
from app.extensions import db

PASSWORD = "correct-horse-battery"
# Fixtures that bring a real model or program in: a test using one is `slow` (the other slow tests say so in their
# module's pytestmark).
SLOW_FIXTURES = {"whisper_settings", "speech_fixtures", "french_customer_wav", "synthetic_call", "browser"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        fixtures = set(getattr(item, "fixturenames", ())) - set(callspec.params if callspec else ())
        if SLOW_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production, so `g` and the db session don't
    leak from the test (which holds an app context) into the request. The test's session is
    expired afterwards so it reads what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url(tmp_path_factory),
        INSTANCE_PATH=instance,
        RECORDINGS_DIR=instance / "recordings",
        MODEL_CACHE_DIR=Path(os.environ.get("MODEL_CACHE_DIR", instance / "models")),
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()


def _empty_tables() -> None:
    """Delete every row, children first: fast, and works the same on SQLite and PostgreSQL."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def _restart_sequences(conn) -> None:
    """PostgreSQL: the next id after the highest one restored (rows put back keep their ids)."""
    for table in db.metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, Integer):
            continue
        name, column = table.name, columns[0].name
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column}'), "
                f'coalesce(max("{column}"), 0) + 1, false) FROM "{name}"'
            )
        )


def _fresh_start(app) -> None:
    """No rows, no recordings, no requests counted by the rate limiter."""
    from app.extensions import limiter

    shutil.rmtree(app.config["RECORDINGS_DIR"], ignore_errors=True)
    _empty_tables()
    limiter.reset()


@pytest.fixture
def app(_app):
    with _app.app_context():
        _fresh_start(_app)
        yield _app
        db.session.remove()


@pytest.fixture(scope="module")
def module_app(_app):
    """The app for a module that builds its data once and puts it back before each test (see `Snapshot`)."""
    with _app.app_context():
        _fresh_start(_app)
        yield _app
        db.session.remove()


@pytest.fixture
def module_client(module_app):
    """A client on the module's app for one test. The test's session ends with the test: on PostgreSQL its open
    transaction would hold the read locks that the next restore or TRUNCATE waits for."""
    yield module_app.test_client()
    db.session.remove()


class Snapshot:
    """Every row of every table and the stored recordings, as they are now. `restore()` puts them back, ids
    included, so a module can build its world once (calls through the whole pipeline) and still start each test
    from exactly that world, whatever the test before it wrote."""

    def __init__(self, app, directory: Path) -> None:
        db.session.commit()
        with db.engine.connect() as conn:
            self.rows = {
                table.name: [
                    dict(row) for row in conn.execute(table.select().order_by(*table.primary_key.columns)).mappings()
                ]
                for table in db.metadata.sorted_tables
            }
        self.app, self.recordings = app, directory / "recordings"
        if Path(app.config["RECORDINGS_DIR"]).exists():
            shutil.copytree(app.config["RECORDINGS_DIR"], self.recordings)

    def restore(self) -> None:
        db.session.remove()
        _fresh_start(self.app)
        with db.engine.begin() as conn:
            for table in db.metadata.sorted_tables:
                if self.rows[table.name]:
                    conn.execute(table.insert(), self.rows[table.name])
            if conn.dialect.name == "postgresql":
                _restart_sequences(conn)
        if self.recordings.exists():
            shutil.copytree(self.recordings, self.app.config["RECORDINGS_DIR"])


@pytest.fixture
def registered_rubrics(app):
    """The bundled rubrics registered, as the app does at start-up (the tables are emptied between tests)."""
    from app.scoring.services import sync_bundled_rubrics

    versions = sync_bundled_rubrics(db.session)
    db.session.commit()
    return versions


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, url: str = "/login") -> str:
    """Fetch a page like a browser would and read the CSRF token from its form."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class Factory:
    """Builds teams, agents, users and calls directly through the services."""

    def __init__(self, app) -> None:
        self.app = app
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def team(self, name: str | None = None, language: str = "fr"):
        from app.teams.services import create_team

        team = create_team(db.session, name=name or f"Team {self._next()}", language=language, domain="telecom")
        db.session.commit()
        return team

    def agent(self, team=None, name: str | None = None):
        from app.teams.services import create_agent

        n = self._next()
        agent = create_agent(db.session, team=team or self.team(), name=name or f"Agent {n}", external_ref=f"A{n}")
        db.session.commit()
        return agent

    def user(self, role: str, agent=None, email: str | None = None):
        from app.auth.services import create_user

        if role == "agent" and agent is None:
            agent = self.agent()
        user = create_user(
            db.session,
            email=email or f"{role}{self._next()}@example.org",
            name=f"{role} user",
            password=PASSWORD,
            role=role,
            agent=agent,
        )
        db.session.commit()
        return user

    def call(self, agent=None, *, seconds: float = 2.0, channels: int = 2, seed: int | None = None):
        from app.calls.services import CallMeta, ingest

        agent = agent or self.agent()
        data = wav_bytes(seconds=seconds, channels=channels, seed=seed if seed is not None else self._next())
        call = ingest(
            db.session,
            io.BytesIO(data),
            "call.wav",
            CallMeta(agent=agent, call_date=datetime(2026, 11, 2, 10, 0, tzinfo=UTC)),
        )
        db.session.commit()
        return call


@pytest.fixture
def make(app):
    return Factory(app)


def login(client, user_or_email, password: str = PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(client, make):
    """Sign the test client in with a fresh user of the given role; returns the user."""

    def sign_in(role: str, agent=None):
        user = make.user(role, agent=agent)
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


def wav_bytes(
    *, seconds: float = 2.0, channels: int = 2, rate: int = 16000, seed: int = 1, amplitude: float = 8000
) -> bytes:
    """A valid PCM WAV: tone bursts (speech-like energy) alternating between channels, unique per seed; peak
    `amplitude` of 32768 (0 writes digital silence)."""
    t = np.arange(int(seconds * rate)) / rate
    tracks = []
    for ch in range(channels):
        on = (np.floor(t * 2 + ch) % 2) == 0
        tracks.append(np.where(on, amplitude * np.sin(2 * np.pi * (220 + 40 * ch + seed) * t), 0))
    frames = np.stack(tracks, axis=1).astype("<i2").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()
