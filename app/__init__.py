"""Écoute: call review and coaching. create_app wires config, extensions, blueprints, CLI and jobs."""

from __future__ import annotations

import logging
import os
import secrets

from flask import Flask

from app.config import CONFIGS, Config


def create_app(config: type[Config] | str | None = None, **overrides) -> Flask:
    """Build the application; `config` is a Config class or a name from CONFIGS."""
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("ECOUTE_ENV", "production")]
    app = Flask(__name__, instance_path=str(overrides.get("INSTANCE_PATH", config.INSTANCE_PATH)))
    app.config.from_object(config)
    app.config.update(overrides)
    _private_instance(app)
    _ensure_secret_key(app)
    _configure_logging(app.config["LOG_LEVEL"])
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    register_jobs(app)
    register_bundled_rubrics(app)
    return app


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(level)


def _private_instance(app: Flask) -> None:
    """The instance folder and the SQLite database hold personal data: readable by this user only."""
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    path = url.removeprefix("sqlite:///").split("?", 1)[0] if url.startswith("sqlite:///") else None
    if path and path != ":memory:" and not path.startswith("file:"):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # Created empty with 0600 before SQLite first opens it; its -wal and -shm files take the same mode.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))


def _ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY from the environment, else a per-instance key generated once and kept out of git."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(key_file):
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    with open(key_file) as fh:
        app.config["SECRET_KEY"] = fh.read().strip()


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from app import models  # noqa: F401  (the whole schema, for Alembic and create_all)
    from app.auth.i18n import select_locale
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.api import v1, webhooks
    from app.api.pages import bp as integrations_bp
    from app.api.views import bp as api_bp
    from app.auth.views import bp as auth_bp
    from app.calls.views import bp as calls_bp
    from app.coaching import review_page as coaching_review_page  # noqa: F401  (final review page: sheet links)
    from app.coaching.views import bp as coaching_bp
    from app.main.views import bp as main_bp
    from app.review.views import bp as review_bp
    from app.roleplay.views import bp as roleplay_bp
    from app.scoring.views import bp as scoring_bp
    from app.teams.views import bp as teams_bp
    from app.transcription.views import bp as transcription_bp

    register_call_page_parts()

    for bp in (
        main_bp,
        auth_bp,
        calls_bp,
        transcription_bp,
        scoring_bp,
        teams_bp,
        api_bp,
        coaching_bp,
        review_bp,
        roleplay_bp,
        integrations_bp,
    ):
        app.register_blueprint(bp)
    v1.register(app)
    webhooks.register()
    register_feedback(app)


def register_call_page_parts() -> None:
    """What later stages add to the calls pages (sections of a call's page, filters of the list, the copy of a
    recording a reader hears), registered with app.calls, which imports none of them."""
    from app.scoring import call_list as scoring_call_list  # noqa: F401
    from app.scoring import pages as scoring_pages  # noqa: F401
    from app.transcription import call_list as transcription_call_list  # noqa: F401
    from app.transcription import pages as transcription_pages  # noqa: F401


def register_feedback(app: Flask) -> None:
    """The team reports, then the coaching pages (my coaching, disputes) and notifications: the navigation lists them
    in that order."""
    from app import notifications
    from app.coaching.views import register_nav as coaching_nav
    from app.reports.views import bp as reports_bp

    app.register_blueprint(reports_bp)
    coaching_nav()
    notifications.register(app)


def register_errorhandlers(app: Flask) -> None:
    from app.main.errors import register

    register(app)


def register_security(app: Flask) -> None:
    from app.main import inputs, security

    inputs.register_converters(app)
    security.register(app)
    inputs.register(app)


def register_template_helpers(app: Flask) -> None:
    from app.main.templating import register

    register(app)


def register_cli(app: Flask) -> None:
    from app.cli import qa, register_stage_commands

    register_stage_commands()
    app.cli.add_command(qa)


def register_bundled_rubrics(app: Flask) -> None:
    """Register the bundled rubric files at start-up (idempotent), so no page has to on a GET; skipped while the
    database has no schema yet (`flask db upgrade`, then `qa rubrics sync`)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db
    from app.scoring.services import sync_bundled_rubrics

    with app.app_context():
        try:
            if inspect(db.engine).has_table("rubric_versions"):
                sync_bundled_rubrics(db.session)
                db.session.commit()
        except SQLAlchemyError:  # a database behind its migrations, or away: `qa rubrics sync` does it later
            db.session.rollback()
            logging.getLogger(__name__).warning("bundled rubrics not registered at start-up", exc_info=True)
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection opened here outlives start-up (a forking server shares none)


def register_jobs(app: Flask) -> None:
    """The queue, and every stage: each registers its handler (and what a failure means) as its module loads, so
    the job machinery (app.jobs) imports none of them."""
    from app.api import jobs as api_jobs  # noqa: F401
    from app.calls import jobs as calls_jobs  # noqa: F401
    from app.coaching import jobs as coaching_jobs  # noqa: F401
    from app.jobs.queue import init_queue
    from app.roleplay import jobs as roleplay_jobs  # noqa: F401
    from app.scoring import jobs as scoring_jobs  # noqa: F401
    from app.transcription import jobs as transcription_jobs  # noqa: F401

    init_queue(app)
