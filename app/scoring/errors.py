"""Errors raised while loading rubric and lexicon files."""

from __future__ import annotations


class RubricError(ValueError):
    """A rubric or lexicon file that cannot be used: names the file, the field and the reason."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {reason}")
