"""The registry of pipeline stages: a job's kind names the function that does its work.

A stage receives the Job row and a progress callback, does its work through services (flush, never
commit), and returns the kinds of the stages that follow. The runner commits the result, the job's
new status and the next jobs in one transaction, so a crash never leaves half a result behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.jobs.models import Job

Progress = Callable[[float, str | None], None]
StageFn = Callable[["Job", Progress], list[str]]

_STAGES: dict[str, StageFn] = {}


def stage(kind: str) -> Callable[[StageFn], StageFn]:
    """Register a function as the stage for jobs of this kind."""

    def decorator(fn: StageFn) -> StageFn:
        _STAGES[kind] = fn
        return fn

    return decorator


def get_stage(kind: str) -> StageFn:
    try:
        return _STAGES[kind]
    except KeyError:
        raise LookupError(f"no stage registered for job kind {kind!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_STAGES)


class JobFailure(Exception):
    """A failure that retrying will not fix (bad input, missing model): the job fails at once."""


@contextmanager
def failures_are_final(*errors: type[Exception]) -> Iterator[None]:
    """Inside this block, the given errors fail the job without retries."""
    try:
        yield
    except errors as exc:
        raise JobFailure(str(exc)) from exc
