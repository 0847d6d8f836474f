"""The registry of pipeline stages: a job's kind names the function that does its work.

The job machinery is core: it imports no stage. Each stage registers itself here when its `jobs` module loads
(create_app loads them all), names the stages that follow by kind, and says what a failure means for the
thing it worked on (`on_failure`).

A stage receives the Job row and a progress callback, does its work through services (flush, never
commit), and returns the kinds of the stages that follow. The runner commits the result, the job's
new status and the next jobs in one transaction, so a crash never leaves half a result behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.jobs.models import Job

Progress = Callable[[float, str | None], None]
StageFn = Callable[["Job", Progress], list[str]]
FailureFn = Callable[["Job"], None]

_STAGES: dict[str, StageFn] = {}
_ON_FAILURE: list[FailureFn] = []


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


def on_failure(fn: FailureFn) -> FailureFn:
    """Register what to do, in the same transaction, when a job fails for good (e.g. mark its call failed)."""
    if fn not in _ON_FAILURE:
        _ON_FAILURE.append(fn)
    return fn


def failed_for_good(job: Job) -> None:
    for fn in _ON_FAILURE:
        fn(job)


class JobFailure(Exception):
    """A failure that retrying will not fix (bad input, missing model): the job fails at once."""


# Failures another attempt would meet again, so the job fails at once with the reason: bad input or data (ValueError
# is Python's validation error: a malformed recording, transcript or rubric, a refused value) and something missing
# (LookupError). Stages add their own kinds (an unusable model file) with `permanent_errors`. Anything else is taken
# as transient (the database busy, the queue down) and retried; a killed worker's job is requeued by recovery.
_PERMANENT: list[type[BaseException]] = [JobFailure, ValueError, LookupError]


def permanent_errors(*errors: type[BaseException]) -> None:
    """Declare errors that no retry can fix: a job failing with one of them fails at once."""
    _PERMANENT.extend(e for e in errors if e not in _PERMANENT)


def is_permanent(error: BaseException) -> bool:
    return isinstance(error, tuple(_PERMANENT))
