"""Imports every stage module so their @stage registrations exist in web and worker processes alike."""

from app.api import jobs as api_jobs  # noqa: F401
from app.coaching import jobs as coaching_jobs  # noqa: F401
from app.roleplay import jobs as roleplay_jobs  # noqa: F401
from app.scoring import jobs as scoring_jobs  # noqa: F401
from app.transcription import jobs as transcription_jobs  # noqa: F401
