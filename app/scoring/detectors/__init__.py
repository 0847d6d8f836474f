"""Detectors: pure functions `(DetectorContext, params) -> DetectorResult`, registered by name."""

from app.scoring.detectors import behaviours, call_flow, compliance, empathy, jargon, listening  # noqa: F401
from app.scoring.detectors.registry import (
    DetectorInfo,
    detector,
    get_detector,
    registry,
)

__all__ = ["DetectorInfo", "detector", "get_detector", "registry"]
