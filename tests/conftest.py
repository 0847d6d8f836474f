"""Fixtures shared by the whole suite: an app on SQLite or on DATABASE_URL, a client, factories.

The suite runs on every core with pytest-xdist (pytest.ini: `--numprocesses=auto --dist=loadfile`; `-n0` runs it in
one process). Each worker (gw0, gw1...) has its own of everything shared: SQLite files and instance folders under its
own tmp_path_factory, and, when DATABASE_URL or REDIS_URL is set, its own PostgreSQL database and Redis database
(see `worker_services`)."""

from __future__ import annotations

import io
import os
import re
import shutil
import wave
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Integer, create_engine, make_url, text

from app import create_app
from app.config import sqlalchemy_url
from app.extensions import db

PASSWORD = "correct-horse-battery"
# Fixtures that bring a real model or program in: a test using one is `slow` (the other slow tests say so in their
# module's pytestmark).
SLOW_FIXTURES = {"whisper_settings", "speech_fixtures", "french_customer_wav", "synthetic_call", "browser"}


def pytest_addoption(parser, pluginmanager) -> None:
    """pytest.ini runs the suite on every core (`--numprocesses=auto --dist=loadfile`); with pytest-xdist left out
    (`-p no:xdist`, or not installed) those two options are accepted and ignored, and it runs in this one process."""
    if not pluginmanager.has_plugin("xdist"):
        parser.addoption("--numprocesses", help="ignored: pytest-xdist is not loaded")
        parser.addoption("--dist", help="ignored: pytest-xdist is not loaded")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        fixtures = set(getattr(item, "fixturenames", ())) - set(callspec.params if callspec else ())
        if SLOW_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)


# The pytest-xdist worker this process is ("gw0", "gw1"...); "" when the suite runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return sqlalchemy_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _worker_database(url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty PostgreSQL database for this worker beside DATABASE_URL's (`test` -> `test_gw0`), dropped first
    if a previous run left it; returns its URL and the function that drops it."""
    given = make_url(url)
    name = f"{given.database}_{WORKER}"
    # CREATE/DROP DATABASE cannot run in a transaction; WITH (FORCE) closes connections a killed run left behind.
    server = create_engine(sqlalchemy_url(url), isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_and_close() -> None:
        drop()
        server.dispose()

    drop()
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return given.set(database=name).render_as_string(hide_password=False), drop_and_close


def _worker_redis(url: str) -> str:
    """This worker's own Redis database, emptied: the one after the given URL's for gw0, the next for gw1... When
    the server has too few databases (16 by default) the worker keeps the given one, as a serial run does (the
    tests that queue on Redis use a queue name of their own) and nothing is emptied."""
    import redis

    given = redis.Redis.from_url(url)
    base = given.connection_pool.connection_kwargs.get("db", 0)
    index = int(base) + 1 + int(WORKER.removeprefix("gw"))
    try:
        databases = int(given.config_get("databases")["databases"])
    except redis.ResponseError:  # CONFIG refused (a managed Redis): assume the default
        databases = 16
    finally:
        given.close()
    if index >= databases:
        return url
    parts = urlsplit(url)
    query = [p for p in parts.query.split("&") if p and not p.startswith("db=")]
    if parts.scheme == "unix":  # the path is the socket's; the database goes in the query
        own = urlunsplit(parts._replace(query="&".join([*query, f"db={index}"])))
    else:
        own = urlunsplit(parts._replace(path=f"/{index}", query="&".join(query)))
    with redis.Redis.from_url(own) as conn:
        conn.flushdb()
    return own


@pytest.fixture(scope="session", autouse=True)
def worker_services():
    """Under pytest-xdist, DATABASE_URL and REDIS_URL name this worker's own PostgreSQL and Redis databases for the
    whole session, so that whatever reads them (the app, the migrations test, the worker processes the durability
    test starts) never shares tables or keys with another worker. In one process they are used as given."""
    if not WORKER:
        yield
        return
    cleanups = []
    with pytest.MonkeyPatch.context() as env:
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            own, drop = _worker_database(url)
            env.setenv("DATABASE_URL", own)
            cleanups.append(drop)
        if os.environ.get("REDIS_URL"):
            env.setenv("REDIS_URL", _worker_redis(os.environ["REDIS_URL"]))
        yield
    for cleanup in cleanups:
        cleanup()


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
def _app(tmp_path_factory, worker_services):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url(tmp_path_factory),
        REDIS_URL=os.environ.get("REDIS_URL") or None,  # the worker's (Config read the variable at import)
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
    """Delete every row, children first, and on PostgreSQL start the id sequences again where SQLite would: fast, and
    the same on both (TRUNCATE makes new files for every table and index: it made each PostgreSQL test 0.1-0.3 s
    slower)."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        if db.engine.dialect.name == "postgresql":
            _restart_sequences(conn)


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
    transaction would hold locks that the next restore waits for."""
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
