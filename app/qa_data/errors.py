"""Errors raised while loading rubric and lexicon files."""

from __future__ import annotations


class RubricError(ValueError):
    """A rubric or lexicon file that cannot be used: names the file, the field and the reason."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        # Never echo a whole value back: an uploaded file can put megabytes in one field.
        source, field, reason = _short(source, 120), _short(field, 200), _short(reason, 300)
        self.source = source
        self.field = field
        self.reason = reason
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {reason}")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
