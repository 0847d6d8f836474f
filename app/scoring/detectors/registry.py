"""The detector registry: `@detector("name", params=..., lexicons=..., rules=...)` on a pure function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.scoring.context import DetectorContext
    from app.scoring.types import DetectorResult

DetectorFn = Callable[["DetectorContext", Mapping[str, Any]], "DetectorResult"]


@dataclass(frozen=True, slots=True)
class DetectorInfo:
    name: str
    func: DetectorFn
    params: Mapping[str, Any]  # parameter defaults; their types are the accepted types
    lexicons: tuple[str, ...]  # lexicon roles the detector reads
    rules: tuple[str, ...]  # rule ids its evidence may carry (tips refer to them)


_REGISTRY: dict[str, DetectorInfo] = {}


def detector(
    name: str,
    *,
    params: Mapping[str, Any] | None = None,
    lexicons: tuple[str, ...] = (),
    rules: tuple[str, ...] = (),
) -> Callable[[DetectorFn], DetectorFn]:
    """Register a detector function under `name`."""

    def register(func: DetectorFn) -> DetectorFn:
        if name in _REGISTRY:
            raise ValueError(f"detector {name!r} registered twice")
        _REGISTRY[name] = DetectorInfo(name, func, MappingProxyType(dict(params or {})), lexicons, rules)
        return func

    return register


def registry() -> Mapping[str, DetectorInfo]:
    """Every registered detector, by name (importing the detectors package fills it)."""
    import app.scoring.detectors  # noqa: F401  (registers the built-in detectors)

    return MappingProxyType(_REGISTRY)


def get_detector(name: str) -> DetectorInfo:
    """The registered detector called `name` (KeyError if none)."""
    return registry()[name]
