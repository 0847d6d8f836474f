"""Audio decoding and probing live in app/audio.py, below both calls and transcription. AudioError stays importable
from here until app/calls/views.py imports it from there."""

from app.audio import AudioError

__all__ = ["AudioError"]
